package io.firstspike.eval;

import io.firstspike.core.loss.Loss;
import io.firstspike.core.network.Network;
import io.firstspike.core.network.NetworkEngine;
import io.firstspike.core.network.ForwardResult;
import io.firstspike.data.DataSplits;
import io.firstspike.data.Dataset;
import io.firstspike.runs.ModelFolder;
import io.firstspike.train.Experiments;
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

/**
 * The one evaluator of a trained network, used by the {@code eval} command and by the server.
 *
 * <p>From a folder that {@link ModelFolder#open} accepts it computes, once, an immutable
 * {@link Evaluation}: inference on the test and the training split of the config's data set
 * (label-layer times, the class the config's loss selects, accuracy; for Yin-Yang also the first
 * hidden layer's times and the input times, which the input-space plots need), the training
 * curves of the snapshot's {@code .npy} files ({@link CurveFiles}), and the weights before
 * ({@link UntrainedNetwork}) and after training. {@code eval.plot.EvaluationPlots} then draws
 * every plot that applies. Parts that are missing are skipped and reported as notes.
 *
 * <p>Inference runs in evaluation batches of {@code batch_size_eval}; the forward pass is per
 * sample, so the times do not depend on the batch size or the thread count.
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

  /** Opens {@code folder} (see {@link ModelFolder#open}), loads its data set and evaluates it. */
  public Evaluation evaluate(Path folder, Progress progress) {
    return evaluate(ModelFolder.open(folder), progress);
  }

  /** Loads the data set of an opened model's config (with this evaluator's data folder) and evaluates it. */
  public Evaluation evaluate(ModelFolder model, Progress progress) {
    ExperimentConfig cfg = dataDir == null ? model.config() : model.config().withDataDir(dataDir);
    return evaluate(model, cfg, Experiments.loadData(cfg), progress);
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
    java.util.function.Consumer<String> note = n -> {
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
