package io.firstspike.eval;

import io.firstspike.core.layer.LayerInference;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.NeuronLayer;
import io.firstspike.core.layer.NoiseSource;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.core.loss.DelgradLoss;
import io.firstspike.core.loss.Loss;
import io.firstspike.core.network.ForwardResult;
import io.firstspike.core.network.Network;
import io.firstspike.core.network.NetworkEngine;
import io.firstspike.core.network.ParallelRanges;
import io.firstspike.data.DataSplits;
import io.firstspike.data.Dataset;
import io.firstspike.runs.DelgradModel;
import io.firstspike.runs.ModelFolder;
import io.firstspike.runs.TrainedModel;
import io.firstspike.train.Experiments;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one evaluator of a trained network, used by the {@code eval} command and by the server.
 *
 * <p>From a folder that {@link TrainedModel#open} accepts (a 2021 network or a DelGrad layer
 * network, from FirstSpike or from either version of the original) it computes, once, an
 * immutable {@link Evaluation}: inference on the test and the training split of the config's data
 * set (label-layer times, the class the config's loss selects, accuracy; for Yin-Yang also the
 * first hidden layer's times and the input times, which the input-space plots need), the training
 * curves of the snapshot's {@code .npy} files ({@link CurveFiles}), and the weights (for DelGrad
 * also the effective delays) before ({@link UntrainedNetwork}) and after training. {@code
 * eval.plot.EvaluationPlots} then draws every plot that applies. Parts that are missing are
 * skipped and reported as notes. {@link #infer} is the test-set inference of the {@code inference}
 * command, with repetitions for networks that draw noise ({@link TestInference}).
 *
 * <p>Inference runs in evaluation batches of {@code batch_size_eval}: a 2021 network through its
 * {@link NetworkEngine}, a DelGrad network through {@link LayerInference}. The forward pass is per
 * sample, so the times depend neither on the batch size nor on the thread count, except that a
 * DelGrad network's batch-to-batch threshold noise is drawn once per batch, as in the original.
 * A network that draws hardware noise (DELGRAD-MODEL.md section 8) gets it from one stream seeded
 * with {@link TestInference#noiseSeed} of the run's {@code torch_seed} (or a given seed), repetition
 * 0: the test split first, then the training split.
 */
public final class Evaluator {

  /** The two phases an evaluation reports progress in. */
  public enum Phase {
    /** Inference over the test and training samples; done/total count samples. */
    EVALUATE,
    /** Drawing the plots; done/total count plot files. */
    RENDER
  }

  /** Progress and notes of an evaluation (called on the evaluating thread). */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param phase the current phase
     * @param done units done in this phase (samples or plots)
     * @param total units in this phase
     * @param what what is being worked on ("test set", a plot's file name)
     */
    void update(Phase phase, int done, int total, String what);

    /** A part that could not be evaluated or drawn, as a sentence for the user. */
    default void note(String message) {}

    Progress NONE = (phase, done, total, what) -> { };
  }

  private final int threads;
  private final Path dataDir;

  /**
   * @param threads worker threads of the inference engine (>= 1)
   * @param dataDir folder of the data files, overriding the config's; null keeps the config's
   */
  public Evaluator(int threads, Path dataDir) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.dataDir = dataDir;
  }

  public Evaluator(int threads) {
    this(threads, null);
  }

  /** Opens {@code folder} (see {@link TrainedModel#open}), loads its data set and evaluates it. */
  public Evaluation evaluate(Path folder, Progress progress) {
    return evaluate(TrainedModel.open(folder), progress);
  }

  /** Loads the data set of an opened model's config (with this evaluator's data folder) and evaluates it. */
  public Evaluation evaluate(TrainedModel model, Progress progress) {
    if (model instanceof DelgradModel d) {
      DelgradExperiment cfg = config(d);
      return evaluate(d, cfg, Experiments.loadData(cfg), progress);
    }
    ModelFolder m = (ModelFolder) model;
    ExperimentConfig cfg = config(m);
    return evaluate(m, cfg, Experiments.loadData(cfg), progress);
  }

  /**
   * The test-set inference of a model: one pass, or for a DelGrad network that draws noise
   * {@code repetitions} passes, repetition r with the noise stream {@link
   * TestInference#noiseSeed}{@code (seed, r)}. A network without noise is run once whatever
   * {@code repetitions} says ({@link TestInference#noisy} tells).
   *
   * @param seed the noise seed; null takes the config's {@code training_params.torch_seed}
   * @throws IllegalArgumentException for fewer than one repetition
   */
  public TestInference infer(TrainedModel model, int repetitions, Long seed) {
    if (repetitions < 1) {
      throw new IllegalArgumentException("the number of repetitions must be >= 1, got "
          + repetitions);
    }
    if (model instanceof DelgradModel d) {
      DelgradExperiment cfg = config(d);
      DataSplits data = Experiments.loadData(cfg);
      LayerNetwork net = d.network();
      long base = seed != null ? seed : cfg.trainingParams().torchSeed();
      boolean noisy = net.drawsNoise();
      List<SplitEvaluation> runs = new ArrayList<>();
      try (ParallelRanges ranges = new ParallelRanges(threads)) {
        LayerPasses passes = new LayerPasses(net, cfg, data, Progress.NONE, ranges, 0);
        for (int r = 0; r < (noisy ? repetitions : 1); r++) {
          runs.add(passes.run(data.test(), "test", "test set", noiseFor(net, base, r)));
        }
      }
      return new TestInference(data.test().name(), runs, noisy, base);
    }
    ModelFolder m = (ModelFolder) model;
    ExperimentConfig cfg = config(m);
    DataSplits data = Experiments.loadData(cfg);
    SplitEvaluation test;
    try (NetworkEngine engine =
        new NetworkEngine(m.network(), Experiments.engineOptions(cfg), threads)) {
      test = new Inference(engine, Experiments.loss(cfg), cfg.trainingParams().batchSizeEval(),
          EvaluationBundle.YIN_YANG.equals(data.test().name()),
          classNames(data.classNames(), m.network().nOutputs()), Progress.NONE,
          data.test().size()).run(data.test(), "test", "test set");
    }
    return new TestInference(data.test().name(), List.of(test), false, 0);
  }

  private ExperimentConfig config(ModelFolder m) {
    return dataDir == null ? m.config() : m.config().withDataDir(dataDir);
  }

  private DelgradExperiment config(DelgradModel d) {
    return dataDir == null ? d.config() : d.config().withDataDir(dataDir);
  }

  /** Repetition r's noise: none for a network without noise. */
  private static NoiseSource noiseFor(LayerNetwork net, long seed, int repetition) {
    return net.drawsNoise() ? new SeededNoise(TestInference.noiseSeed(seed, repetition))
        : NoiseSource.ZERO;
  }

  /**
   * Evaluates an opened DelGrad model on already loaded data: the {@link LayerInference} of the
   * test and the training split, the curves, the weights and the effective delays.
   *
   * @param config the model's config, possibly with another data folder
   */
  public Evaluation evaluate(
      DelgradModel model, DelgradExperiment config, DataSplits data, Progress progress) {
    Progress p = progress == null ? Progress.NONE : progress;
    List<String> notes = new ArrayList<>();
    Consumer<String> note = n -> {
      notes.add(n);
      p.note(n);
    };
    LayerNetwork net = model.network();
    String dataset = data.train().name();
    long seed = config.trainingParams().torchSeed();
    if (net.drawsNoise()) {
      note.accept("the network draws hardware noise (threshold noise or jitter): these results"
          + " are one draw, seeded from torch_seed " + seed + "; inference --repeat N gives the"
          + " mean and standard deviation of the test accuracy");
    }
    NoiseSource noise = noiseFor(net, seed, 0);
    SplitEvaluation test;
    SplitEvaluation train;
    try (ParallelRanges ranges = new ParallelRanges(threads)) {
      LayerPasses passes = new LayerPasses(net, config, data, p, ranges,
          data.test().size() + data.train().size());
      test = passes.run(data.test(), "test", "test set", noise);
      train = passes.run(data.train(), "train", "training set", noise);
    }
    TrainingCurves curves = CurveFiles.read(model.folder(), dataset, note);
    LayerNetwork untrained = UntrainedNetwork.findLayerNetwork(model.folder(), net, note);
    EvaluationBundle bundle = new EvaluationBundle(dataset, test, train, curves,
        untrained == null ? null : WeightSet.ofNeuronLayers(untrained),
        WeightSet.ofNeuronLayers(net),
        untrained == null ? null : WeightSet.ofDelayLayers(untrained),
        WeightSet.ofDelayLayers(net),
        DelgradRecords.monitorTraces(model.folder(), dataset, config, net, note),
        DelgradRecords.bumpCodes(model.folder(), dataset, net,
            curves != null ? curves.epochs() : model.epoch(), note));
    return new Evaluation(bundle, model.folder(), model.origin(), model.epoch(), notes);
  }

  /**
   * Evaluates an opened model on already loaded data (the server keeps data sets loaded).
   *
   * @param config the experiment config to use (the model's, possibly with another data folder)
   */
  public Evaluation evaluate(
      ModelFolder model, ExperimentConfig config, DataSplits data, Progress progress) {
    Progress p = progress == null ? Progress.NONE : progress;
    List<String> notes = new ArrayList<>();
    Consumer<String> note = n -> {
      notes.add(n);
      p.note(n);
    };
    Network net = model.network();
    String dataset = data.train().name();
    boolean yinYang = EvaluationBundle.YIN_YANG.equals(dataset);
    List<String> classNames = classNames(data.classNames(), net.nOutputs());
    Loss loss = Experiments.loss(config);
    int batch = config.trainingParams().batchSizeEval();
    SplitEvaluation test;
    SplitEvaluation train;
    try (NetworkEngine engine =
        new NetworkEngine(net, Experiments.engineOptions(config), threads)) {
      Inference inf = new Inference(engine, loss, batch, yinYang, classNames, p,
          data.test().size() + data.train().size());
      test = inf.run(data.test(), "test", "test set");
      train = inf.run(data.train(), "train", "training set");
    }
    TrainingCurves curves = CurveFiles.read(model.folder(), dataset, note);
    Network untrained = UntrainedNetwork.find(model.folder(), net, note);
    EvaluationBundle bundle = new EvaluationBundle(dataset, test, train, curves,
        untrained == null ? null : WeightSet.of(untrained), WeightSet.of(net));
    return new Evaluation(bundle, model.folder(), model.origin(), model.epoch(), notes);
  }

  /** Worker threads of the inference engine (also the plot threads of {@code EvaluationPlots}). */
  public int threads() {
    return threads;
  }

  /**
   * Checks that plots can be written to {@code folder}: an existing folder must be writable, a
   * missing one must be creatable. A folder whose permission bits grant nobody write access
   * counts as read-only even for root, so a reference folder made read-only with
   * {@code chmod a-w} is never written into.
   *
   * @throws IllegalArgumentException naming the folder
   */
  public static void requireWritable(Path folder) {
    Path f = folder.toAbsolutePath().normalize();
    Path existing = f;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new IllegalArgumentException("cannot write plots to " + folder + ": "
          + (existing == null ? "no part of the path exists" : existing + " is not a folder"));
    }
    if (!Files.isWritable(existing) || noWriteBits(existing)) {
      throw new IllegalArgumentException("cannot write plots to " + folder + ": "
          + (existing.equals(f) ? "the folder" : existing.toString()) + " is not writable");
    }
  }

  private static boolean noWriteBits(Path dir) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
      return !perms.contains(PosixFilePermission.OWNER_WRITE)
          && !perms.contains(PosixFilePermission.GROUP_WRITE)
          && !perms.contains(PosixFilePermission.OTHERS_WRITE);
    } catch (UnsupportedOperationException | IOException e) {
      return false; // no POSIX permissions (Windows): Files.isWritable has decided
    }
  }

  /**
   * The data set's class names, padded with the neuron index when the label layer has more
   * neurons than the data set has classes (allowed by the config; such neurons can still be
   * selected).
   */
  static List<String> classNames(List<String> names, int nOutputs) {
    List<String> out = new ArrayList<>(names.subList(0, Math.min(names.size(), nOutputs)));
    for (int k = out.size(); k < nOutputs; k++) {
      out.add(Integer.toString(k));
    }
    return out;
  }

  /**
   * A DelGrad network's batched inference over the splits ({@link LayerInference}, the class
   * selection of the config's loss), with progress counted over all their samples.
   */
  private static final class LayerPasses {
    private final LayerNetwork network;
    private final DelgradLoss loss;
    private final int batch;
    private final boolean yinYang;
    private final List<String> classNames;
    private final Progress progress;
    private final ParallelRanges ranges;
    private final int total;
    /** The first neuron layer before the label layer, or -1. */
    private final int hiddenLayer;
    private int done;

    LayerPasses(LayerNetwork network, DelgradExperiment config, DataSplits data,
        Progress progress, ParallelRanges ranges, int total) {
      this.network = network;
      this.loss = config.loss();
      this.batch = config.trainingParams().batchSizeEval();
      this.yinYang = EvaluationBundle.YIN_YANG.equals(data.train().name());
      this.classNames = classNames(data.classNames(), network.nOutputs());
      this.progress = progress;
      this.ranges = ranges;
      this.total = total;
      int last = network.layers().size() - 1;
      int hidden = -1;
      for (NeuronLayer layer : network.neuronLayers()) {
        if (layer.index() < last) {
          hidden = layer.index();
          break;
        }
      }
      this.hiddenLayer = yinYang ? hidden : -1;
    }

    /** As {@link Inference#run}, with this split's noise drawn from {@code noise}. */
    SplitEvaluation run(Dataset set, String split, String what, NoiseSource noise) {
      int n = set.size();
      double[][] hid = hiddenLayer >= 0 ? new double[n][] : null;
      progress.update(Phase.EVALUATE, done, total, what);
      int start = done;
      LayerInference.Result r = LayerInference.run(network, set.inputTimes(), set.labels(), loss,
          batch, noise, ranges, (from, pass) -> {
            if (hid != null) {
              double[][] h = pass.hiddenTimes(hiddenLayer);
              System.arraycopy(h, 0, hid, from, h.length);
            }
            done = start + Math.min(n, from + batch);
            progress.update(Phase.EVALUATE, done, total, what);
          });
      double[][] inputs = yinYang ? set.inputTimes() : new double[n][0];
      return new SplitEvaluation(set.name(), split, inputs, r.labelTimes(), set.labels(),
          r.selected(), classNames, hid);
    }
  }

  /** Batched inference over the splits, with progress counted over all their samples. */
  private static final class Inference {
    private final NetworkEngine engine;
    private final Loss loss;
    private final int batch;
    private final boolean yinYang;
    private final List<String> classNames;
    private final Progress progress;
    private final int total;
    private int done;

    Inference(NetworkEngine engine, Loss loss, int batch, boolean yinYang,
        List<String> classNames, Progress progress, int total) {
      this.engine = engine;
      this.loss = Objects.requireNonNull(loss);
      this.batch = batch;
      this.yinYang = yinYang;
      this.classNames = classNames;
      this.progress = progress;
      this.total = total;
    }

    /**
     * Label times, selected classes and (Yin-Yang with a hidden layer) the first hidden layer's
     * times of every sample of {@code set}. Only Yin-Yang keeps the input times: its plots place
     * samples by them, and for MNIST they would be a second copy of 60000 x 784 doubles; other
     * data sets get empty input rows.
     */
    SplitEvaluation run(Dataset set, String split, String what) {
      int n = set.size();
      boolean hidden = yinYang && engine.network().nLayers() > 1;
      double[][] out = new double[n][];
      double[][] hid = hidden ? new double[n][] : null;
      int[] predicted = new int[n];
      progress.update(Phase.EVALUATE, done, total, what);
      for (int from = 0; from < n; from += batch) {
        int to = Math.min(n, from + batch);
        ForwardResult r = engine.forwardTimes(Arrays.copyOfRange(set.inputTimes(), from, to));
        double[][] labels = r.labelTimes();
        double[][] h = hidden ? r.times(0) : null;
        engine.recycle(r); // copies taken: the next batch reuses its buffers
        for (int s = 0; s < labels.length; s++) {
          out[from + s] = labels[s];
          predicted[from + s] = loss.select(labels[s]);
          if (hidden) {
            hid[from + s] = h[s];
          }
        }
        done += to - from;
        progress.update(Phase.EVALUATE, done, total, what);
      }
      double[][] inputs = yinYang ? set.inputTimes() : new double[n][0];
      return new SplitEvaluation(set.name(), split, inputs, out, set.labels(), predicted,
          classNames, hid);
    }
  }
}
