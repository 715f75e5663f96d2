package io.firstspike.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.io.Npy;
import io.firstspike.io.NpyArray;
import io.firstspike.runs.RunFolder;
import io.firstspike.train.Experiments;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.ExperimentConfig;
import java.util.function.ToIntFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The numbers of one finished sweep run, read from its own files (DELGRAD-MODEL.md section 14):
 *
 * <ul>
 *   <li>{@code params/<path joined by _>}: the run's value of every swept path, except paths
 *       whose last word is {@code seed}, which go to {@code seed/...};
 *   <li>{@code number_of_parameters}: the total size of the trained network's arrays
 *       ({@code epoch_<N>/network/*.npy}, bias rows included);
 *   <li>{@code final_train_err}, {@code final_val_err}: 1 - the last training / validation
 *       accuracy ({@code epoch_<N>/<ds>_{train,val}_accuracies.npy});
 *   <li>{@code final_test_err}: 1 - the accuracy of the saved test output times
 *       ({@code <ds>_test_spiketimes.npy} against {@code <ds>_test_labels.npy}) under the
 *       config's class selection;
 *   <li>{@code valErrByEpoch}: 1 - validation accuracy after each epoch (the initial validation
 *       dropped), for the plot over epochs.
 * </ul>
 *
 * @param dir the run folder
 * @param params swept values by column name, in the order of sweep_updates.yaml
 * @param seeds seed values by column name
 */
public record RunResult(
    Path dir,
    Map<String, JsonNode> params,
    Map<String, JsonNode> seeds,
    long numberOfParameters,
    double finalValErr,
    double finalTrainErr,
    double finalTestErr,
    double[] valErrByEpoch) {

  /**
   * Reads a finished run.
   *
   * @throws SweepException naming the file that is missing or unreadable
   */
  public static RunResult read(RunFolder run) {
    Path dir = run.dir();
    Map<String, JsonNode> params = new LinkedHashMap<>();
    Map<String, JsonNode> seeds = new LinkedHashMap<>();
    Path updatesFile = dir.resolve(SweepFolder.UPDATES);
    JsonNode updates = SweepYaml.read(readText(updatesFile), updatesFile.toString());
    if (!updates.isArray()) {
      throw new SweepException(updatesFile + ": expected a list of {path, value}");
    }
    for (JsonNode u : updates) {
      if (!u.path("path").isArray() || !u.has("value")) {
        throw new SweepException(updatesFile + ": every entry needs 'path' (a list of keys) and"
            + " 'value'");
      }
      List<Object> parts = new ArrayList<>();
      u.get("path").forEach(p -> parts.add(p.isInt() ? (Object) p.intValue() : p.asText()));
      KeyPath path = new KeyPath(parts);
      (path.isSeed() ? seeds : params).put(path.column(), u.get("value"));
    }
    FinalSnapshot fin = finalSnapshot(run);
    Path last = fin.dir();
    String ds = fin.dataset();
    double[] train = doubles(last.resolve(ds + "_train_accuracies.npy"));
    double[] val = doubles(last.resolve(ds + "_val_accuracies.npy"));
    if (train.length == 0 || val.length < 2) {
      throw new SweepException(last + ": the accuracy curves are empty");
    }
    double[] valErr = new double[val.length - 1];
    for (int i = 1; i < val.length; i++) {
      valErr[i - 1] = 1 - val[i];
    }
    double testAcc = testAccuracy(last, ds, fin.select());
    return new RunResult(dir, params, seeds, parameterCount(last.resolve("network")),
        1 - val[val.length - 1], 1 - train[train.length - 1], 1 - testAcc, valErr);
  }

  /** The last epoch's snapshot of a run, its data set prefix and the config's class selection. */
  private record FinalSnapshot(Path dir, String dataset, ToIntFunction<double[]> select) {}

  private static FinalSnapshot finalSnapshot(RunFolder run) {
    AnyConfig config;
    try {
      config = ConfigLoader.loadAny(run.configFile());
    } catch (RuntimeException e) {
      throw new SweepException(run.configFile() + ": " + e.getMessage());
    }
    int epochs;
    ToIntFunction<double[]> select;
    if (config instanceof ExperimentConfig c) {
      epochs = c.trainingParams().epochNumber();
      select = Experiments.loss(c)::select;
    } else {
      DelgradExperiment d = (DelgradExperiment) config;
      epochs = d.trainingParams().epochNumber();
      select = d.loss()::select;
    }
    Path last = run.dir().resolve("epoch_" + epochs);
    return new FinalSnapshot(last, prefix(last), select);
  }

  /**
   * The test accuracy of a finished run: its saved test output times
   * ({@code epoch_<N>/<ds>_test_spiketimes.npy}) against the test labels, under the config's
   * class selection ({@code final_test_err} = 1 - this). The server's sweep table uses it for
   * runs that are not in a sweep folder.
   *
   * @throws SweepException naming the file that is missing or unreadable
   */
  public static double testAccuracy(RunFolder run) {
    FinalSnapshot fin = finalSnapshot(run);
    return testAccuracy(fin.dir(), fin.dataset(), fin.select());
  }

  /** The data set prefix of the snapshot's files: the {@code <ds>} of {@code <ds>_test_labels.npy}. */
  private static String prefix(Path epochDir) {
    String suffix = "_test_labels.npy";
    try (Stream<Path> s = Files.list(epochDir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted()
          .findFirst().map(n -> n.substring(0, n.length() - suffix.length()))
          .orElseThrow(() -> new SweepException(epochDir + ": no *" + suffix + " (the run's test"
              + " outputs)"));
    } catch (IOException e) {
      throw new SweepException(epochDir + ": cannot list: " + e);
    }
  }

  private static double testAccuracy(Path epochDir, String ds, ToIntFunction<double[]> select) {
    Path timesFile = epochDir.resolve(ds + "_test_spiketimes.npy");
    Path labelsFile = epochDir.resolve(ds + "_test_labels.npy");
    NpyArray times = npy(timesFile);
    long[] labels = npy(labelsFile).asLongs();
    if (times.ndim() != 2 || times.shape()[0] != labels.length || labels.length == 0) {
      throw new SweepException(timesFile + ": shape " + java.util.Arrays.toString(times.shape())
          + " does not match the " + labels.length + " labels of " + labelsFile.getFileName());
    }
    double[][] t = times.asMatrix();
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      if (select.applyAsInt(t[i]) == labels[i]) {
        correct++;
      }
    }
    return (double) correct / labels.length;
  }

  private static long parameterCount(Path networkDir) {
    long n = 0;
    try (Stream<Path> s = Files.list(networkDir)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".npy")).sorted().toList()) {
        n += npy(p).size();
      }
    } catch (IOException e) {
      throw new SweepException(networkDir + ": cannot list: " + e);
    }
    if (n == 0) {
      throw new SweepException(networkDir + ": no weight arrays (*.npy)");
    }
    return n;
  }

  private static double[] doubles(Path file) {
    return npy(file).asDoubles();
  }

  private static NpyArray npy(Path file) {
    try {
      return Npy.read(file);
    } catch (IOException | RuntimeException e) {
      throw new SweepException(file + ": cannot read: " + e.getMessage());
    }
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new SweepException(file + ": cannot read: " + e);
    }
  }
}
