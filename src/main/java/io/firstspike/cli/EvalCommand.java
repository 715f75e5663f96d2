package io.firstspike.cli;

import io.firstspike.eval.Evaluation;
import io.firstspike.eval.Evaluator;
import io.firstspike.eval.Evaluator.Phase;
import io.firstspike.eval.plot.EvaluationPlots;
import io.firstspike.runs.TrainedModel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code eval <folder>}: the original's evaluation plots of a trained network, as PNG files in
 * the evaluated folder (or {@code --out DIR}). Prints each file as it is written, what was
 * skipped and why, and the time taken.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Write paper-style plots (confusion matrices, sorted output times, curves,"
        + " weights, delays, Yin-Yang maps) of a trained network. FOLDER is a run folder, one of"
        + " its epoch_<N>/ folders, a pretrained/ folder, or a run or epoch folder of the original"
        + " implementation, its 2021 release or its newest (DelGrad) version (config.yaml +"
        + " *_network.pt). EPOCH picks the snapshot epoch_<EPOCH>/ of a run folder (default: the"
        + " newest).")
final class EvalCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FOLDER")
  Path folder;

  @Parameters(index = "1", paramLabel = "EPOCH", arity = "0..1",
      description = "Snapshot epoch of the run folder FOLDER (default: its newest).")
  Integer epoch;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write the plots here instead of into FOLDER (created if missing).")
  Path out;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the data files.")
  Path dataDir;

  @Override
  public Integer call() {
    if (!Files.isDirectory(folder)) {
      throw new UserError((Files.exists(folder) ? "not a folder: " : "no such folder: ") + folder
          + " (expected a run folder, an epoch_<N>/ folder, a pretrained/ folder or a folder of"
          + " the original)");
    }
    TrainedModel model = TrainedModel.open(folder, epoch); // a folder without a network fails first
    Path target = out != null ? out : folder;
    try {
      Evaluator.requireWritable(target);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage()
          + (out == null ? "; use --out DIR to write the plots elsewhere" : ""));
    }
    // Plots are drawn off-screen: never try to reach an X server (a stale DISPLAY would fail).
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    long start = System.nanoTime();
    Evaluator evaluator = new Evaluator(TrainCommand.threadCount(threads), dataDir);
    ConsoleProgress progress = new ConsoleProgress(System.out, target);
    Evaluation evaluation = evaluator.evaluate(model, progress);
    long evaluated = System.nanoTime();
    System.out.printf(Locale.ROOT, "%s: test accuracy %.2f%%, training accuracy %.2f%%%n",
        evaluation.origin(), 100 * evaluation.testAccuracy(), 100 * evaluation.trainAccuracy());
    List<Path> written = EvaluationPlots.render(evaluation, target, evaluator.threads(), progress);
    long end = System.nanoTime();
    System.out.printf(Locale.ROOT,
        "wrote %d plots to %s in %.1f s (evaluation %.1f s, plots %.1f s)%n", written.size(),
        target.toAbsolutePath().normalize(), (end - start) / 1e9, (evaluated - start) / 1e9,
        (end - evaluated) / 1e9);
    return 0;
  }

  /** One line per split evaluated, per plot written and per note. */
  private static final class ConsoleProgress implements Evaluator.Progress {
    private final PrintStream out;
    private final Path target;
    private String lastSplit = "";

    ConsoleProgress(PrintStream out, Path target) {
      this.out = out;
      this.target = target;
    }

    @Override
    public void update(Phase phase, int done, int total, String what) {
      if (phase == Phase.EVALUATE && !what.equals(lastSplit)) {
        lastSplit = what;
        out.println("evaluating the " + what);
      } else if (phase == Phase.RENDER && done > 0) {
        out.println("wrote " + target.resolve(what));
      }
      out.flush();
    }

    @Override
    public void note(String message) {
      out.println("note: " + message);
      out.flush();
    }
  }
}
