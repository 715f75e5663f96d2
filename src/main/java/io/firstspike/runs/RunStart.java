package io.firstspike.runs;

import io.firstspike.data.DataSplits;
import io.firstspike.train.Experiments;
import io.firstspike.train.TrainingState;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.ConfigLoader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a training of a run folder starts from, read and checked before anything in the folder
 * changes: its status, its config and, when it resumes, the snapshot's training state. The CLI's
 * {@code continue}, the server's resume and {@link RunExecutor#execute} all read it here, so a
 * damaged folder fails the same way everywhere, with one line per damaged file, and stays as it
 * was.
 *
 * @param status the run's status, or null when it has none yet
 * @param config the run's config, of either schema
 * @param state the snapshot's training state, or null to start from scratch
 * @param snapshot the folder the state was read from, or null
 */
public record RunStart(
    RunStatus status, AnyConfig config, TrainingState state, Path snapshot) {

  /**
   * Reads the run's start: status, config and the snapshot of {@code fromEpoch}.
   *
   * @param fromEpoch the snapshot epoch to resume from; -1 for the newest, or a fresh start
   *     when the run has none
   * @throws DamagedRunException listing every problem, one line each naming the file
   */
  public static RunStart read(RunFolder run, int fromEpoch) {
    List<String> problems = new ArrayList<>();
    RunStatus status = null;
    try {
      status = run.status().orElse(null);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      problems.add(run.dir().resolve(RunFolder.STATUS) + ": not a readable status: "
          + oneLine(cause.getMessage()));
    }
    AnyConfig config = null;
    if (!Files.isRegularFile(run.configFile())) {
      problems.add(run.configFile() + ": missing (the run's experiment config)");
    } else {
      try {
        config = ConfigLoader.loadAny(run.configFile());
      } catch (RuntimeException e) {
        problems.add(oneLine(e.getMessage()));
      }
    }
    List<Integer> epochs = run.snapshotEpochs();
    int epoch = fromEpoch >= 0 ? fromEpoch : epochs.isEmpty() ? -1 : epochs.get(epochs.size() - 1);
    TrainingState state = null;
    if (epoch >= 0 && !epochs.contains(epoch)) {
      problems.add(run.snapshotDir(epoch) + ": missing; the snapshots of " + run.dir() + " are of"
          + " epochs " + epochs);
    } else if (epoch >= 0) {
      String dataset = config == null ? null : Experiments.datasetName(config);
      try {
        state = dataset == null
            ? null : new SnapshotStore(run, dataset).load(epoch, config);
      } catch (DamagedRunException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new DamagedRunException(problems);
    }
    return new RunStart(status, config, state,
        state == null ? null : run.findSnapshot(epoch).orElse(null));
  }

  /**
   * Checks what only the loaded data can tell: that the snapshot's per-class validation curves
   * have as many classes as the data set.
   *
   * @throws DamagedRunException naming the curve file
   */
  public void checkData(DataSplits data) {
    if (state == null || state.curves.meanValOutputs.isEmpty()) {
      return;
    }
    int classes = state.curves.meanValOutputs.get(0).length;
    int expected = data.train().nClasses();
    if (classes != expected) {
      String name = Experiments.datasetName(config);
      throw new DamagedRunException(List.of(snapshot.resolve(name
          + "_mean_val_outputs_sorted.npy") + ": " + classes + " classes, but data set "
          + name + " has " + expected));
    }
  }

  /** The epoch training continues after: the snapshot's, or 0 for a fresh start. */
  public int epochsDone() {
    return state == null ? 0 : state.epochsDone;
  }

  /** The first line of a message (Jackson and YAML errors append the source location). */
  private static String oneLine(String s) {
    String text = String.valueOf(s);
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
