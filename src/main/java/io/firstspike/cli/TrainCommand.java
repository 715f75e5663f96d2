package io.firstspike.cli;

import io.firstspike.data.DataSplits;
import io.firstspike.runs.Overrides;
import io.firstspike.runs.RunExecutor;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOutcome;
import io.firstspike.runs.RunStore;
import io.firstspike.train.Experiments;
import io.firstspike.train.MemoryEstimate;
import io.firstspike.train.RunState;
import io.firstspike.train.StopFlag;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.AnyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code train <config.yaml>}: a new run folder under {@code experiment_results/}. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a network from an experiment config (2021 or new DelGrad schema);"
        + " results go to <out>/<config name>_<YYYY-MM-DD_HH-MM-SS>/.")
final class TrainCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CONFIG", description = "Experiment config (YAML).")
  Path config;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "experiment_results",
      description = "Root folder of run folders (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--epochs", description = "Override training_params.epoch_number.")
  Integer epochs;

  @Option(names = "--seed", description = "Override numpy_seed and torch_seed.")
  Long seed;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the data files.")
  Path dataDir;

  @Override
  public Integer call() {
    String yaml = readConfig(config);
    Overrides overrides = new Overrides(epochs, seed, dataDir);
    AnyConfig cfg =
        RunExecutor.applyOverrides(ConfigLoader.parseAny(yaml, config.toString()), overrides);
    int threadCount = threadCount(threads);
    MemoryEstimate.requireFitsThisJvm(cfg, threadCount); // before the data or the network
    DataSplits data = Experiments.loadData(cfg); // fails before any folder is created
    RunFolder run =
        RunExecutor.prepare(new RunStore(out), config.getFileName().toString(), yaml, overrides);
    System.out.println("run folder: " + shown(run.dir()));
    RunOutcome outcome =
        new RunExecutor(false)
            .execute(run, -1, List.of(), data, threadCount, Progress.forConsole(),
                new StopFlag());
    return report(outcome, run);
  }

  static int report(RunOutcome outcome, RunFolder run) {
    if (outcome.state() == RunState.FINISHED) {
      System.out.println("finished " + outcome.epochsDone() + " epochs; results in " + shown(run.dir()));
      return 0;
    }
    System.err.println("run " + outcome.state().wire() + ": " + outcome.reason());
    return outcome.state() == RunState.FAILED ? Main.RUN_FAILED : 0;
  }

  /**
   * The folder as the user can type it: relative to the working directory when it lies inside
   * it (the default experiment_results/...), else absolute.
   */
  static String shown(Path dir) {
    Path cwd = Path.of("").toAbsolutePath().normalize();
    Path abs = dir.toAbsolutePath().normalize();
    return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }

  static int threadCount(Integer requested) {
    if (requested == null) {
      return Runtime.getRuntime().availableProcessors();
    }
    if (requested < 1) {
      throw new UserError("--threads must be >= 1, got " + requested);
    }
    return requested;
  }

  /** The config's text: a regular file, at most 1 MiB of UTF-8 (see ConfigLoader#readText). */
  static String readConfig(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserError("config file not found: " + file);
    }
    return ConfigLoader.readText(file);
  }
}
