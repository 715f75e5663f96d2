package io.firstspike.train;

import io.firstspike.data.DataSplits;
import io.firstspike.data.Dataset;
import io.firstspike.data.NumpyRandom;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.ExperimentConfig;
import io.firstspike.train.config.TrainingParams;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one training loop (TTFS-MODEL.md section 5, DELGRAD-MODEL.md section 7), used by the CLI
 * and the server alike, for configs of both schemas: what differs between them sits behind one
 * seam, the {@link TrainingModel} ({@link TtfsModel} for 2021 configs, {@link DelgradModel} for
 * new-schema ones).
 *
 * <p>Per epoch: shuffle with the data generator; per batch: the inputs (with 2021 training
 * noise, the next batch's is drawn on a background thread while this one trains, see {@link
 * BatchInputs}), the model's update (forward, weight bumping or loss + backward + optimizer
 * step), a {@link TrainingEvent.Batch}; then a scheduler step, validation, curves, a {@link
 * TrainingEvent.Epoch} and, when due, a snapshot. The stop flag is checked between batches; a
 * stopped epoch is discarded (the run continues from its last snapshot). A non-finite loss or
 * gradient, or a weight that is not finite or has run away beyond {@link WeightCheck#bound} after
 * an optimizer step or a bump, ends the run as {@link RunState#FAILED} naming epoch, batch, layer
 * and value; nothing already saved is touched.
 */
public final class Trainer implements AutoCloseable {
  private final TrainingParams params;
  private final DataSplits data;
  private final TrainingState state;
  private final TrainingModel model;
  private final NumpyRandom rng;
  private final Set<Integer> fullSnapshots;
  private final boolean checkpointEveryEpoch;
  private final BatchInputs batchInputs;
  /** When the last snapshot was written (System.nanoTime), for the checkpoint interval. */
  private long lastSaveNanos = System.nanoTime();
  /** The last finished epoch has no snapshot yet (its checkpoint fell inside the interval). */
  private boolean checkpointBehind;

  /**
   * Resume checkpoints are written at most this often: a crash-safe save costs about ten fsyncs
   * (some 9 ms here), a quarter of a small Yin-Yang epoch. Skipping them costs nothing on a stop:
   * a stop that finds the last epoch without checkpoint lets the current epoch end (a short one,
   * or its checkpoint would not have been skipped) and saves it; a kill loses at most this interval
   * plus the epoch in progress.
   */
  public static final long CHECKPOINT_INTERVAL_NANOS = 1_000_000_000L;
  private long checkpointIntervalNanos = CHECKPOINT_INTERVAL_NANOS;

  /**
   * A trainer of a 2021-schema config.
   *
   * @param checkpointEveryEpoch also write a resume-only checkpoint after every epoch (server
   *     runs; at most one per {@link #CHECKPOINT_INTERVAL_NANOS}, and always before a stop),
   *     besides the config's {@code epoch_snapshots} and the last epoch
   * @param extraSnapshots epochs to snapshot in addition to the config's
   */
  public Trainer(
      ExperimentConfig config,
      DataSplits data,
      TrainingState state,
      int threads,
      boolean checkpointEveryEpoch,
      Collection<Integer> extraSnapshots) {
    this(config, data, state, threads, checkpointEveryEpoch, extraSnapshots, true);
  }

  /**
   * A trainer of a config of either schema; {@code state} must hold the network of that schema
   * ({@link Experiments#freshState(AnyConfig)} or a snapshot).
   */
  public static Trainer of(
      AnyConfig config,
      DataSplits data,
      TrainingState state,
      int threads,
      boolean checkpointEveryEpoch,
      Collection<Integer> extraSnapshots) {
    return of(config, data, state, threads, checkpointEveryEpoch, extraSnapshots, true);
  }

  static Trainer of(
      AnyConfig config,
      DataSplits data,
      TrainingState state,
      int threads,
      boolean checkpointEveryEpoch,
      Collection<Integer> extraSnapshots,
      boolean prefetchBatches) {
    if (config instanceof ExperimentConfig c) {
      return new Trainer(c, data, state, threads, checkpointEveryEpoch, extraSnapshots,
          prefetchBatches);
    }
    DelgradExperiment d = (DelgradExperiment) config;
    return new Trainer(d.trainingParams(), new DelgradModel(d, state, threads), false, data, state,
        checkpointEveryEpoch, extraSnapshots, prefetchBatches);
  }

  /**
   * @param prefetchBatches prepare batch b+1 (rows and training noise) on a background thread
   *     while batch b trains; {@code false} draws inline, the reference the tests compare with
   */
  Trainer(
      ExperimentConfig config,
      DataSplits data,
      TrainingState state,
      int threads,
      boolean checkpointEveryEpoch,
      Collection<Integer> extraSnapshots,
      boolean prefetchBatches) {
    this(config.trainingParams(), new TtfsModel(config, state, threads), true, data, state,
        checkpointEveryEpoch, extraSnapshots, prefetchBatches);
  }

  /**
   * @param loopNoise the loop adds {@code training_noise} to the batch inputs (2021); a DelGrad
   *     model draws it itself, in HEAD's order, from the run's noise stream
   */
  private Trainer(
      TrainingParams params,
      TrainingModel model,
      boolean loopNoise,
      DataSplits data,
      TrainingState state,
      boolean checkpointEveryEpoch,
      Collection<Integer> extraSnapshots,
      boolean prefetchBatches) {
    this.params = params;
    this.model = model;
    this.data = data;
    this.state = state;
    this.rng =
        state.rng == null
            ? new NumpyRandom(params.numpySeed())
            : NumpyRandom.fromState(state.rng);
    this.fullSnapshots = new TreeSet<>(params.snapshotEpochs());
    this.fullSnapshots.addAll(extraSnapshots);
    this.checkpointEveryEpoch = checkpointEveryEpoch;
    this.batchInputs = new BatchInputs(data.train(), params, loopNoise, rng, prefetchBatches);
  }

  /** Tests: another checkpoint interval (0: every epoch, Long.MAX_VALUE: only when due otherwise). */
  void checkpointInterval(long nanos) {
    this.checkpointIntervalNanos = nanos;
  }

  public TrainingState state() {
    return state;
  }

  /**
   * Trains until {@code training_params.epoch_number}, a stop request, or a failure. Runs the
   * initial validation first when nothing has been trained yet.
   */
  public TrainingResult train(TrainingListener listener, StopFlag stop, SnapshotSink sink) {
    int epochs = params.epochNumber();
    long started = System.nanoTime();
    int startEpoch = state.epochsDone;
    listener.onEvent(new TrainingEvent.StateChange(RunState.RUNNING, ""));
    if (state.curves.valLoss.isEmpty()) {
      Validation v = validate();
      record(v);
      listener.onEvent(epochEvent(v, Double.NaN, Double.NaN, 0, 0, 0, started, startEpoch));
    }
    while (state.epochsDone < epochs) {
      if (stop.isRequested()) {
        if (checkpointBehind) {
          save(sink, listener, false);
        }
        return new TrainingResult(stop.ending(), stop.reason(), state.epochsDone);
      }
      int epoch = state.epochsDone + 1;
      long epochStart = System.nanoTime();
      EpochRun run;
      long skipsBefore = model.integratorSkips();
      try {
        model.startEpoch(epoch, fullSnapshots);
        run = trainEpoch(epoch, listener, stop);
      } catch (TrainingDivergedException e) {
        return new TrainingResult(RunState.FAILED, e.getMessage(), state.epochsDone);
      }
      if (run == null) {
        return new TrainingResult(stop.ending(), stop.reason(), state.epochsDone);
      }
      run.integratorSkips = model.integratorSkips() - skipsBefore;
      model.endEpoch();
      Validation v = validate();
      state.epochsDone = epoch;
      state.step = run.endStep;
      state.curves.trainLoss.add(run.meanLoss());
      state.curves.trainAccuracy.add(run.accuracy());
      if (run.bumpCodes != null && state.curves.bumpCodes != null) {
        state.curves.bumpCodes.add(run.bumpCodes);
      }
      record(v);
      model.saveState(state);
      state.rng = rng.getState();
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      double samplesPerSecond = (data.train().size() + data.validation().size()) / seconds;
      listener.onEvent(
          epochEvent(v, run.meanLoss(), run.accuracy(), run.bumps, run.integratorSkips,
              samplesPerSecond, started, startEpoch));
      boolean full = fullSnapshots.contains(epoch);
      boolean checkpointDue = checkpointEveryEpoch && (stop.isRequested() || epoch == epochs
          || System.nanoTime() - lastSaveNanos >= checkpointIntervalNanos);
      if (full || checkpointDue) {
        save(sink, listener, full);
      } else {
        checkpointBehind = checkpointEveryEpoch;
      }
    }
    return new TrainingResult(RunState.FINISHED, "", state.epochsDone);
  }

  private void save(SnapshotSink sink, TrainingListener listener, boolean full) {
    sink.save(state, full ? outputs(state.epochsDone) : null);
    lastSaveNanos = System.nanoTime();
    checkpointBehind = false;
    listener.onEvent(new TrainingEvent.Snapshot(state.epochsDone));
  }

  /**
   * Shuffles with the generator, then trains the batches. Closing the epoch's batch inputs waits
   * for a preparation still running (after a stop or failure), so the generator is not used by
   * the prefetch thread once this returns: its state is the inline loop's.
   */
  private EpochRun trainEpoch(int epoch, TrainingListener listener, StopFlag stop) {
    int[] order = rng.permutation(data.train().size());
    try (BatchInputs.Epoch inputsOf = batchInputs.epoch(order)) {
      return trainBatches(epoch, inputsOf, order, listener, stop);
    }
  }

  /**
   * The batches of one epoch; their inputs come from {@code inputsOf}, which may prepare the next
   * batch in the background, so nothing here may touch the generator.
   */
  private EpochRun trainBatches(
      int epoch, BatchInputs.Epoch inputsOf, int[] order, TrainingListener listener,
      StopFlag stop) {
    Dataset train = data.train();
    int n = train.size();
    int bs = params.batchSize();
    int batches = (n + bs - 1) / bs;
    EpochRun run = new EpochRun();
    run.endStep = state.step;
    long[] codes = state.isDelgrad() ? new long[batches] : null;
    int nClasses = train.nClasses();
    for (int b = 0; b < batches; b++) {
      if (stop.isRequested() && !checkpointBehind) {
        return null; // else the epoch ends and is saved: the last finished one has no snapshot
      }
      int from = b * bs;
      int to = Math.min(n, from + bs);
      int size = to - from;
      double[][] inputs = inputsOf.take(b);
      int[] labels = new int[size];
      for (int s = 0; s < size; s++) {
        labels[s] = train.labels()[order[from + s]];
      }
      TrainingModel.BatchOutcome done = model.trainBatch(epoch, b, inputs, labels);
      if (codes != null) {
        codes[b] = model.lastBumpCode();
      }
      int correct = done.correct();
      if (done.bumpedLayer() >= 0) {
        run.bumps++;
      } else {
        run.lossSum += done.loss();
        run.lossBatches++;
      }
      run.correct += correct;
      run.seen += size;
      run.errorSum += 1.0 - (double) correct / size;
      run.endStep++;
      listener.onEvent(
          batchEvent(epoch, b, batches, run, done.loss(), (double) correct / size,
              done.bumpedLayer(), inputs, done.layerTimes(), labels, nClasses));
    }
    run.bumpCodes = codes;
    return run;
  }

  private TrainingEvent.Batch batchEvent(
      int epoch, int b, int batches, EpochRun run, double batchLoss, double accuracy,
      int bumped, double[][] inputs, double[][][] layerTimes, int[] labels, int nClasses) {
    double[][] out = layerTimes[layerTimes.length - 1];
    double[][][] ms = Stats.classMeanStd(out, labels, nClasses, 0, labels.length);
    double[] silent = new double[layerTimes.length];
    int[][] hist = new int[layerTimes.length][];
    double histMax = model.histogramMax();
    for (int l = 0; l < layerTimes.length; l++) {
      silent[l] = Stats.silentFraction(layerTimes[l]);
      hist[l] = Stats.timeHistogram(layerTimes[l], TrainingEvent.HISTOGRAM_BINS, histMax);
    }
    double[][] raster = new double[layerTimes.length + 1][];
    raster[0] = inputs[0].clone();
    for (int l = 0; l < layerTimes.length; l++) {
      raster[l + 1] = layerTimes[l][0].clone();
    }
    return new TrainingEvent.Batch(
        epoch, b, batches, run.endStep - 1, batchLoss, accuracy, run.errorSum / (b + 1),
        model.learningRate(), bumped, ms[0], ms[1], silent, hist, histMax, raster, labels[0]);
  }

  /** Validation pass: loss, accuracy, per-class output statistics, predictions. */
  private Validation validate() {
    Dataset val = data.validation();
    EvaluationPass pass = model.validate(val, params.batchSizeEval());
    double[][][] ms =
        Stats.classMeanStd(pass.outputs(), val.labels(), val.nClasses(), 0, val.size());
    return new Validation(pass, ms[0], ms[1]);
  }

  private void record(Validation v) {
    state.curves.valLoss.add(v.pass.loss());
    state.curves.valAccuracy.add(v.pass.accuracy());
    state.curves.labelWeights.add(model.labelWeights());
    state.curves.meanValOutputs.add(v.mean);
    state.curves.stdValOutputs.add(v.std);
    List<double[]> monitor = model.monitorRecord();
    if (!monitor.isEmpty()) {
      state.curves.parameterRecords.add(monitor);
    }
  }

  private TrainingEvent.Epoch epochEvent(
      Validation v, double trainLoss, double trainAcc, int bumps, long integratorSkips,
      double samplesPerSecond, long started, int startEpoch) {
    double[][] weights = model.layerWeights();
    int bins = 30;
    int[][] hist = new int[weights.length][];
    double[][] edges = new double[weights.length][bins + 1];
    for (int l = 0; l < weights.length; l++) {
      hist[l] = Stats.histogram(weights[l], bins, edges[l]);
    }
    double elapsed = (System.nanoTime() - started) / 1e9;
    int doneHere = state.epochsDone - startEpoch;
    double eta =
        doneHere > 0 ? elapsed / doneHere * (params.epochNumber() - state.epochsDone) : Double.NaN;
    EpochMetrics m =
        new EpochMetrics(
            state.epochsDone, params.epochNumber(), state.step, trainLoss, trainAcc,
            v.pass.loss(), v.pass.accuracy(), model.learningRate(), bumps, v.mean,
            v.std, samplesPerSecond, elapsed, eta, integratorSkips);
    List<TrainingModel.NamedValues> delays = model.layerDelays();
    List<String> delayNames = new ArrayList<>();
    int[][] delayHist = new int[delays.size()][];
    double[][] delayEdges = new double[delays.size()][bins + 1];
    for (int l = 0; l < delays.size(); l++) {
      delayNames.add(delays.get(l).name());
      delayHist[l] = Stats.histogram(delays.get(l).values(), bins, delayEdges[l]);
    }
    return new TrainingEvent.Epoch(m, hist, edges, predictionsForMap(v.pass), delayNames,
        delayHist, delayEdges);
  }

  /** (x, y, predicted, true) per validation sample for data sets drawn in a plane (Yin-Yang). */
  private List<double[]> predictionsForMap(EvaluationPass pass) {
    Dataset val = data.validation();
    if (!"yin_yang".equals(val.name())) {
      return List.of();
    }
    List<double[]> out = new ArrayList<>(val.size());
    for (int s = 0; s < val.size(); s++) {
      double[] t = val.inputTimes()[s];
      out.add(
          new double[] {
            (t[0] - 0.15) / 1.85, (t[1] - 0.15) / 1.85, pass.predicted()[s], val.labels()[s]
          });
    }
    return out;
  }

  private SnapshotOutputs outputs(int epoch) {
    int bs = params.batchSizeEval();
    EvaluationPass test = model.snapshotOutputs(data.test(), bs, epoch);
    EvaluationPass train = model.snapshotOutputs(data.train(), bs, epoch);
    return new SnapshotOutputs(
        test.outputs(), data.test().labels(), train.outputs(), data.train().labels());
  }

  @Override
  public void close() {
    batchInputs.close();
    model.close();
  }

  /** Accumulators of one training epoch. */
  private static final class EpochRun {
    double lossSum;
    int lossBatches;
    int bumps;
    /** New schema: the epoch's weight_bumping_steps codes; null for 2021 runs. */
    long[] bumpCodes;
    /** Euler spikes whose gradient was skipped (see NetworkEngine#integratorSkips). */
    long integratorSkips;
    long correct;
    long seen;
    double errorSum;
    long endStep;

    double meanLoss() {
      return lossBatches == 0 ? Double.NaN : lossSum / lossBatches;
    }

    double accuracy() {
      return seen == 0 ? Double.NaN : (double) correct / seen;
    }
  }

  private record Validation(EvaluationPass pass, double[][] mean, double[][] std) {}
}
