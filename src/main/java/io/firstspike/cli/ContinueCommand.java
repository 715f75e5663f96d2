package io.firstspike.cli;

import io.firstspike.data.DataSplits;
import io.firstspike.runs.DamagedRunException;
import io.firstspike.runs.OriginalRunImport;
import io.firstspike.runs.RunExecutor;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOutcome;
import io.firstspike.runs.RunOwner;
import io.firstspike.runs.RunStart;
import io.firstspike.runs.RunStore;
import io.firstspike.train.Experiments;
import io.firstspike.train.MemoryEstimate;
import io.firstspike.train.StopFlag;
import io.firstspike.train.config.DelgradExperiment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code continue <run folder> <epoch> "<e1>, <e2>, ..."}: resume from a snapshot. */
@Command(
    name = "continue",
    mixinStandardHelpOptions = true,
    description = "Resume a run from the snapshot of EPOCH and train to the config's epoch"
        + " number, saving snapshots at the listed epochs (later epochs of the old run are"
        + " replaced).")
final class ContinueCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN_FOLDER")
  Path folder;

  @Parameters(index = "1", paramLabel = "EPOCH")
  int epoch;

  @Parameters(index = "2", arity = "0..1", paramLabel = "SNAPSHOTS",
      description = "New snapshot epochs, e.g. \"100, 200\".")
  String snapshots;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "experiment_results",
      description = "For a run folder of the original only: where the new FirstSpike run folder"
          + " is created (default: ${DEFAULT-VALUE}); the original's folder is never written.")
  Path out;

  /**
   * Reads and checks everything the continue needs (config, status, the snapshot's network,
   * optimizer and generator state, curves, the data) before anything in the folder changes: a
   * damaged run gives one line per damaged file, exit code 2, and stays byte for byte as it was.
   */
  @Override
  public Integer call() {
    List<Integer> extra = parse(snapshots);
    int threadCount = TrainCommand.threadCount(threads);
    if (Files.isDirectory(folder) && OriginalRunImport.isOriginalRun(folder)) {
      return continueOriginal(extra, threadCount);
    }
    RunFolder run = new RunFolder(folder);
    if (!Files.isDirectory(folder) || !run.isRun()) {
      throw new UserError(folder + " is not a FirstSpike run folder (it needs config.yaml and"
          + " status.json)");
    }
    Optional<Long> owner = RunOwner.otherLiveOwner(run);
    if (owner.isPresent()) {
      throw new UserError("run " + folder + " is being trained by process " + owner.get()
          + " on this host; stop that training first (Ctrl-C in its terminal, or Stop in the"
          + " workbench)");
    }
    // a run whose trainer was killed still says running: it is interrupted, and continues here
    run.status().filter(st -> RunOwner.effective(run, st) != st)
        .ifPresent(st -> System.err.println("note: " + RunOwner.effective(run, st).reason()));
    List<String> warnings = new ArrayList<>(run.warnings());
    run.metricsLog().warning(RunFolder.METRICS).ifPresent(warnings::add);
    run.batchesLog().warning(RunFolder.BATCHES).ifPresent(warnings::add);
    for (String w : warnings) {
      System.err.println("warning: " + w);
    }
    RunStart start;
    DataSplits data;
    try {
      start = RunStart.read(run, epoch);
      // refused here, as bad input, before the run folder's status is touched
      MemoryEstimate.requireFitsThisJvm(start.config(), threadCount);
      data = Experiments.loadData(start.config());
      start.checkData(data);
    } catch (DamagedRunException e) {
      throw new UserError("cannot continue " + folder + " from epoch " + epoch + ":\n"
          + e.getMessage());
    }
    RunOutcome outcome =
        new RunExecutor(false)
            .execute(run, start, data, extra, threadCount, Progress.forConsole(), new StopFlag());
    return TrainCommand.report(outcome, run);
  }

  /**
   * A run folder of the original's newest version (HEAD): its {@code epoch_<EPOCH>/} becomes the
   * first snapshot of a new FirstSpike run folder under {@code --out}, which trains on to the
   * largest of the config's {@code epoch_number} and the listed snapshot epochs. Everything is
   * read and checked before the new folder is created; the original's folder is only read.
   */
  private int continueOriginal(List<Integer> extra, int threadCount) {
    DelgradExperiment cfg;
    try {
      cfg = OriginalRunImport.config(folder);
    } catch (IllegalArgumentException e) {
      throw new UserError("cannot continue " + folder + ": " + e.getMessage());
    }
    int configured = cfg.trainingParams().epochNumber();
    int end = Math.max(configured, extra.stream().mapToInt(Integer::intValue).max().orElse(0));
    for (int e : extra) {
      if (e <= epoch) {
        throw new UserError("snapshot epoch " + e + " is not after epoch " + epoch + ", where"
            + " the continuation of " + folder + " starts; list later epochs, e.g. \""
            + (epoch + 100) + "\"");
      }
    }
    if (end <= epoch) {
      throw new UserError("nothing to continue: epoch " + epoch + " of " + folder + " is its"
          + " last (training_params.epoch_number: " + configured + "); list the epochs to train"
          + " to, e.g. continue " + folder + " " + epoch + " \"" + (epoch + 100) + "\"");
    }
    MemoryEstimate.requireFitsThisJvm(cfg.withEpochs(end), threadCount);
    DataSplits data = Experiments.loadData(cfg);
    OriginalRunImport imported;
    try {
      imported = OriginalRunImport.read(folder, epoch, data);
    } catch (DamagedRunException e) {
      throw new UserError("cannot continue the original's run " + folder + " from epoch " + epoch
          + ":\n" + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new UserError("cannot continue " + folder + ": " + e.getMessage());
    }
    RunFolder run = imported.createRun(new RunStore(out), end, data);
    System.out.println("continuing the original's run " + folder + " from epoch " + epoch
        + " to " + end + " in the new run folder " + TrainCommand.shown(run.dir())
        + " (the optimizer's moments start afresh: HEAD's are not in its folder)");
    RunStart start;
    try {
      start = RunStart.read(run, epoch);
      start.checkData(data);
    } catch (DamagedRunException e) {
      throw new UserError("cannot continue " + run.dir() + " from epoch " + epoch + ":\n"
          + e.getMessage());
    }
    RunOutcome outcome = new RunExecutor(false)
        .execute(run, start, data, extra, threadCount, Progress.forConsole(), new StopFlag());
    return TrainCommand.report(outcome, run);
  }

  static List<Integer> parse(String list) {
    List<Integer> out = new ArrayList<>();
    if (list == null || list.isBlank()) {
      return out;
    }
    for (String part : list.split("[,\\s]+")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        out.add(Integer.parseInt(part.trim()));
      } catch (NumberFormatException e) {
        throw new UserError("snapshot epochs must be integers like \"100, 200\", got '" + part
            + "'");
      }
    }
    return out;
  }
}
