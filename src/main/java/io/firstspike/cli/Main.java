package io.firstspike.cli;

import io.firstspike.data.DataException;
import io.firstspike.sweep.SweepException;
import io.firstspike.train.config.ConfigException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar firstspike.jar <command>}: the original's CLI (train, inference, eval,
 * continue) plus serve, bench and sweep. Exit codes: 0 success, 1 a run that failed or diverged,
 * 2 bad input (config, data, folder, arguments).
 */
@Command(
    name = "firstspike",
    mixinStandardHelpOptions = true,
    version = "FirstSpike 0.1.0",
    description = "Train and evaluate first-spike-time LIF networks with exact gradients.",
    subcommands = {
      TrainCommand.class,
      InferenceCommand.class,
      EvalCommand.class,
      ContinueCommand.class,
      ServeCommand.class,
      WorkerCommand.class,
      BenchCommand.class,
      SweepCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /** Exit code for bad input: a config, data file, folder or argument. */
  public static final int BAD_INPUT = 2;
  /** Exit code for a run that failed (diverged, or an internal error). */
  public static final int RUN_FAILED = 1;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of main). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line: user errors become a one-line message and exit code 2. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          if (ex instanceof UserError
              || ex instanceof SweepException
              || ex instanceof ConfigException
              || ex instanceof DataException
              || ex instanceof IllegalArgumentException
              || ex instanceof UncheckedIOException) {
            // one problem per line (a damaged run lists every damaged file)
            for (String line : String.valueOf(ex.getMessage()).split("\n")) {
              err.println("error: " + line);
            }
            err.flush();
            return BAD_INPUT;
          }
          err.println("internal error: " + ex);
          ex.printStackTrace(err);
          err.flush();
          return RUN_FAILED;
        });
    return cl;
  }
}
