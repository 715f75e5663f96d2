package io.firstspike.runs;

import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.NeuronLayer;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.data.DataSplits;
import io.firstspike.data.NumpyRandom;
import io.firstspike.io.LayerNetworkFile;
import io.firstspike.io.Npy;
import io.firstspike.io.NpyArray;
import io.firstspike.io.PtImporter;
import io.firstspike.train.Curves;
import io.firstspike.train.Experiments;
import io.firstspike.train.RunState;
import io.firstspike.train.SnapshotOutputs;
import io.firstspike.train.TrainingState;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.ConfigWriter;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.TrainingParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code continue} on a run folder of the original's newest version (HEAD, DELGRAD-MODEL.md
 * section 13): one of its {@code epoch_<E>/} folders becomes the first snapshot of a new
 * FirstSpike run folder, which then trains on like any of ours. The original's folder is only
 * read.
 *
 * <p>What the new run starts from: the network of {@code epoch_<E>/<ds>_network.pt}; the run's
 * {@code config.yaml} with {@code epoch_number} raised to the continuation's end; the original's
 * curves of epochs 0..E (losses, accuracies, per-class validation outputs, weight-bump codes);
 * its test and
 * training outputs of epoch E. What HEAD saves but cannot be carried over, so starts afresh: the
 * optimizer moments and step count ({@code <ds>_optim_state.yaml} holds pickled torch storages,
 * and the shipped runs do not have it; the learning rates do follow the scheduler's E steps),
 * the random generators (torch's; the data order and noise come from FirstSpike's seeded
 * generators), the label-layer weights of epochs before E and the monitored layers' records
 * (HEAD's shipped runs lack {@code _parameters_training.npy}: NaN) and weight
 * bumping, which HEAD restarts on {@code continue} as well.
 */
public final class OriginalRunImport {
  private static final String PT_SUFFIX = "_network.pt";
  private static final String UNTRAINED_PT_SUFFIX = "_untrained_network.pt";

  private final Path source;
  private final int epoch;
  private final DelgradExperiment config;
  private final String dataset;
  private final LayerNetwork network;
  private final Curves curves;
  private final SnapshotOutputs outputs;
  private final Path untrainedPt;

  private OriginalRunImport(Path source, int epoch, DelgradExperiment config, String dataset,
      LayerNetwork network, Curves curves, SnapshotOutputs outputs, Path untrainedPt) {
    this.source = source;
    this.epoch = epoch;
    this.config = config;
    this.dataset = dataset;
    this.network = network;
    this.curves = curves;
    this.outputs = outputs;
    this.untrainedPt = untrainedPt;
  }

  /**
   * True for a run folder of the original: a {@code config.yaml}, no {@code status.json} (so not
   * one of ours), and an {@code epoch_<N>/} folder with a {@code *_network.pt}.
   */
  public static boolean isOriginalRun(Path dir) {
    if (!Files.isRegularFile(dir.resolve(RunFolder.CONFIG))
        || Files.exists(dir.resolve(RunFolder.STATUS))) {
      return false;
    }
    return new RunFolder(dir).snapshotEpochs().stream()
        .anyMatch(e -> findPt(dir.resolve("epoch_" + e)) != null);
  }

  /**
   * Reads epoch {@code epoch} of the original's run {@code source} and checks everything a
   * continuation needs, writing nothing.
   *
   * @param data the config's data (the curves and outputs must fit it)
   * @throws DamagedRunException one line per problem, each naming the file
   * @throws IllegalArgumentException when the folder cannot be continued at all (a 2021 config,
   *     no such epoch), saying why
   */
  public static OriginalRunImport read(Path source, int epoch, DataSplits data) {
    DelgradExperiment cfg = config(source);
    RunFolder run = new RunFolder(source);
    List<Integer> epochs = run.snapshotEpochs();
    Path dir = source.resolve("epoch_" + epoch);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(source + " has no epoch_" + epoch + "/ (it has "
          + (epochs.isEmpty() ? "no epoch_<N>/ folder"
              : String.join(", ", epochs.stream().map(e -> "epoch_" + e).toList()))
          + "); give one of its epochs");
    }
    String ds = Experiments.datasetName(cfg);
    List<String> problems = new ArrayList<>();
    LayerNetwork net = null;
    Path pt = findPt(dir);
    if (pt == null) {
      problems.add(dir + ": no " + ds + PT_SUFFIX + " (the network of epoch " + epoch + ")");
    } else {
      try {
        net = PtImporter.readLayerNetwork(pt).network();
        if (net.nInputs() != cfg.networkLayout().nInputs()) {
          problems.add(pt + ": " + net.nInputs() + " inputs, but " + cfg.source()
              + " says network_layout.n_inputs: " + cfg.networkLayout().nInputs());
        }
      } catch (IOException | RuntimeException e) {
        problems.add(pt + ": cannot import: " + oneLine(e.getMessage()));
      }
    }
    int k = net == null ? -1 : net.nOutputs();
    int classes = data.train().nClasses();
    Curves c = new Curves();
    double[] trainLoss = vector(dir, ds, "train_losses", epoch, problems);
    double[] trainAcc = vector(dir, ds, "train_accuracies", epoch, problems);
    double[] valLoss = vector(dir, ds, "val_losses", epoch + 1, problems);
    double[] valAcc = vector(dir, ds, "val_accuracies", epoch + 1, problems);
    double[][][] mean = perClass(dir, ds, "mean_val_outputs_sorted", classes, epoch + 1, k,
        problems);
    double[][][] std = perClass(dir, ds, "std_val_outputs_sorted", classes, epoch + 1, k,
        problems);
    double[][] testTimes = matrix(dir, ds, "test_spiketimes", data.test().size(), k, problems);
    int[] testLabels = labels(dir, ds, "test_labels", data.test().size(), problems);
    double[][] trainTimes = matrix(dir, ds, "train_spiketimes", data.train().size(), k, problems);
    int[] trainLabels = labels(dir, ds, "train_labels", data.train().size(), problems);
    long[] codes = null;
    Path codesFile = dir.resolve(ds + "_weight_bumping_steps.npy");
    if (Files.isRegularFile(codesFile)) {
      NpyArray a = npy(dir, ds, "weight_bumping_steps", problems);
      int batches = (data.train().size() + cfg.trainingParams().batchSize() - 1)
          / cfg.trainingParams().batchSize();
      if (a != null && (a.ndim() != 1 || a.kind() != NpyArray.Kind.INT
          || a.shape()[0] != epoch * batches)) {
        problems.add(codesFile + ": expected int64 [" + epoch * batches + "] (" + batches
            + " batches in each of " + epoch + " epochs), got " + a.dtype() + " "
            + Arrays.toString(a.shape()));
      } else if (a != null) {
        codes = a.asLongs();
      }
    }
    if (!problems.isEmpty()) {
      throw new DamagedRunException(problems);
    }
    if (codes == null) {
      c.bumpCodes = null; // HEAD's folder without them: unknown
    } else {
      int per = codes.length / Math.max(1, epoch);
      for (int e = 0; e < epoch; e++) {
        c.bumpCodes.add(Arrays.copyOfRange(codes, e * per, (e + 1) * per));
      }
    }
    for (double v : trainLoss) {
      c.trainLoss.add(v);
    }
    for (double v : trainAcc) {
      c.trainAccuracy.add(v);
    }
    for (int e = 0; e <= epoch; e++) {
      c.valLoss.add(valLoss[e]);
      c.valAccuracy.add(valAcc[e]);
      double[][] m = new double[classes][];
      double[][] s = new double[classes][];
      for (int cl = 0; cl < classes; cl++) {
        m[cl] = mean[cl][e];
        s[cl] = std[cl][e];
      }
      c.meanValOutputs.add(m);
      c.stdValOutputs.add(s);
    }
    List<NeuronLayer> neurons = net.neuronLayers();
    double[] last = neurons.get(neurons.size() - 1).weights().clone();
    double[] unknown = new double[last.length];
    Arrays.fill(unknown, Double.NaN);
    for (int e = 0; e < epoch; e++) {
      c.labelWeights.add(unknown.clone());
    }
    c.labelWeights.add(last);
    Path untrained = findFile(source, UNTRAINED_PT_SUFFIX);
    return new OriginalRunImport(source, epoch, cfg, ds, net, c,
        new SnapshotOutputs(testTimes, testLabels, trainTimes, trainLabels), untrained);
  }

  /**
   * The config of the original's run {@code source}: it must be of the new schema.
   *
   * @throws IllegalArgumentException for a 2021-schema config, saying what to do instead
   * @throws io.firstspike.train.config.ConfigException for a bad config
   */
  public static DelgradExperiment config(Path source) {
    AnyConfig any = ConfigLoader.loadAny(source.resolve(RunFolder.CONFIG));
    if (!(any instanceof DelgradExperiment cfg)) {
      throw new IllegalArgumentException(source + " is a run of the original's 2021 release"
          + " (its config.yaml has the 2021 schema); continue works on the run folders of its"
          + " newest version (DelGrad) and on FirstSpike's; train its config.yaml with 'train'"
          + " instead");
    }
    return cfg;
  }

  /** The original's config, as the new run trains it. */
  public DelgradExperiment config() {
    return config;
  }

  /** The epoch the continuation starts from. */
  public int epoch() {
    return epoch;
  }

  /**
   * Creates the new FirstSpike run in {@code store}, named after the original's run folder, with
   * the continuation's config ({@code epoch_number} {@code epochNumber}), its untrained network
   * (when the original has one), the snapshot of {@link #epoch()} and a status saying where it
   * came from. A failure removes the new folder again; the original's folder is only read.
   */
  public RunFolder createRun(RunStore store, int epochNumber, DataSplits data) {
    DelgradExperiment cfg = config.withEpochs(epochNumber);
    TrainingParams p = cfg.trainingParams();
    return store.create(source.getFileName() + "_from_epoch_" + epoch, run -> {
      RunFolder.writeAtomically(run.configFile(), ConfigWriter.toYaml(cfg));
      try {
        if (untrainedPt != null) {
          LayerNetworkFile.write(PtImporter.readLayerNetwork(untrainedPt).network(),
              cfg.toLayerTraining(), run.dir().resolve(RunFolder.UNTRAINED),
              Map.of("imported_from", untrainedPt.toAbsolutePath().toString()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot import " + untrainedPt + ": " + e.getMessage(), e);
      }
      TrainingState st = new TrainingState(network, cfg.toLayerTraining(), curves);
      int batches = (data.train().size() + p.batchSize() - 1) / p.batchSize();
      st.epochsDone = epoch;
      st.step = (long) epoch * batches;
      st.schedulerSteps = epoch;
      st.noiseState = new SeededNoise(p.torchSeed()).state();
      st.rng = new NumpyRandom(p.numpySeed()).getState();
      new SnapshotStore(run, dataset).save(st, outputs);
      String now = Instant.now().toString();
      run.writeStatus(new RunStatus(RunState.STOPPED, "continued from the original's run "
          + source.toAbsolutePath().normalize() + ", epoch " + epoch, now, now, epoch,
          epochNumber, epoch, RunExecutor.node()));
    });
  }

  private static double[] vector(Path dir, String ds, String what, int length,
      List<String> problems) {
    NpyArray a = npy(dir, ds, what, problems);
    if (a == null) {
      return null;
    }
    if (a.ndim() != 1 || a.shape()[0] != length || a.kind() != NpyArray.Kind.FLOAT) {
      problems.add(a.source() + ": expected float64 [" + length + "], got " + a.dtype() + " "
          + Arrays.toString(a.shape()));
      return null;
    }
    return a.asDoubles();
  }

  /** HEAD's layout [class][validation][neuron]. */
  private static double[][][] perClass(Path dir, String ds, String what, int classes,
      int validations, int k, List<String> problems) {
    NpyArray a = npy(dir, ds, what, problems);
    if (a == null || k < 0) {
      return null;
    }
    int[] s = a.shape();
    if (a.ndim() != 3 || s[0] != classes || s[1] != validations || s[2] != k
        || a.kind() != NpyArray.Kind.FLOAT) {
      problems.add(a.source() + ": expected float64 [" + classes + ", " + validations + ", " + k
          + "] (class, validation, label neuron), got " + a.dtype() + " " + Arrays.toString(s));
      return null;
    }
    double[] flat = a.asDoubles();
    double[][][] out = new double[classes][validations][k];
    for (int c = 0; c < classes; c++) {
      for (int e = 0; e < validations; e++) {
        System.arraycopy(flat, (c * validations + e) * k, out[c][e], 0, k);
      }
    }
    return out;
  }

  private static double[][] matrix(Path dir, String ds, String what, int rows, int k,
      List<String> problems) {
    NpyArray a = npy(dir, ds, what, problems);
    if (a == null || k < 0) {
      return null;
    }
    if (a.ndim() != 2 || a.shape()[0] != rows || a.shape()[1] != k
        || a.kind() != NpyArray.Kind.FLOAT) {
      problems.add(a.source() + ": expected float64 [" + rows + ", " + k + "], got " + a.dtype()
          + " " + Arrays.toString(a.shape()));
      return null;
    }
    return a.asMatrix();
  }

  private static int[] labels(Path dir, String ds, String what, int length,
      List<String> problems) {
    NpyArray a = npy(dir, ds, what, problems);
    if (a == null) {
      return null;
    }
    if (a.ndim() != 1 || a.shape()[0] != length || a.kind() != NpyArray.Kind.INT) {
      problems.add(a.source() + ": expected int64 [" + length + "], got " + a.dtype() + " "
          + Arrays.toString(a.shape()));
      return null;
    }
    return a.asInts();
  }

  private static NpyArray npy(Path dir, String ds, String what, List<String> problems) {
    Path f = dir.resolve(ds + "_" + what + ".npy");
    if (!Files.isRegularFile(f)) {
      problems.add(f + ": missing (HEAD saves it in every epoch folder)");
      return null;
    }
    try {
      return Npy.read(f);
    } catch (IOException | RuntimeException e) {
      problems.add(f + ": not readable: " + oneLine(e.getMessage()));
      return null;
    }
  }

  private static Path findPt(Path dir) {
    Path f = findFile(dir, PT_SUFFIX);
    return f;
  }

  /** The first file (by name) ending in {@code suffix}; {@code _network.pt} skips untrained. */
  private static Path findFile(Path dir, String suffix) {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
            String n = p.getFileName().toString();
            return n.endsWith(suffix)
                && (suffix.equals(UNTRAINED_PT_SUFFIX) || !n.endsWith(UNTRAINED_PT_SUFFIX));
          })
          .sorted()
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String oneLine(String s) {
    String text = String.valueOf(s);
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
