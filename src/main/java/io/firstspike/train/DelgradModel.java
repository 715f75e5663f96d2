package io.firstspike.train;

import io.firstspike.core.layer.DelayLayer;
import io.firstspike.core.layer.DelgradTrainingStep;
import io.firstspike.core.layer.LayerInference;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerTraining;
import io.firstspike.core.layer.NeuronLayer;
import io.firstspike.core.layer.Parameter;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.core.loss.DelgradLoss;
import io.firstspike.core.network.ParallelRanges;
import io.firstspike.core.optim.DelgradWeightBumper;
import io.firstspike.core.optim.ExponentialLR;
import io.firstspike.core.optim.GroupedAdam;
import io.firstspike.core.optim.GroupedOptimizer;
import io.firstspike.core.optim.GroupedSgd;
import io.firstspike.core.optim.LrScheduler;
import io.firstspike.core.optim.MultiStepLR;
import io.firstspike.core.optim.ParameterGroup;
import io.firstspike.core.optim.RangeRunner;
import io.firstspike.core.optim.StepLR;
import io.firstspike.data.Dataset;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.Optimizer;
import io.firstspike.train.config.TrainingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The new-schema (DelGrad) model of the training loop: a {@link LayerNetwork} trained batch by
 * batch by {@link DelgradTrainingStep} in HEAD's order (DELGRAD-MODEL.md section 7.1: input
 * noise, forward, bump check, loss + backward + grouped optimizer step + delay rectification, or
 * a bump; clipping always), one parameter group per layer entry with its own learning rate and a
 * scheduler over all groups (section 6), weight bumping restarting at every snapshot segment
 * (section 7.2).
 *
 * <p>Noise: one {@link SeededNoise} stream per run, seeded with {@code torch_seed}; it draws the
 * initial parameters ({@link Experiments#freshState}), then the training noise and the
 * hardware-aware noise of every forward pass, training and validation alike, in order; a snapshot
 * saves where it stands. The test and training outputs of a full snapshot are drawn from a stream
 * of their own ({@link #outputSeed}), so the training does not depend on which epochs are
 * snapshotted. Data order comes from the loop's generator ({@code numpy_seed}).
 *
 * <p>After every batch every trainable parameter (weights and raw delays) must be finite and
 * within {@link WeightCheck#bound}, else the run fails naming it.
 */
final class DelgradModel implements TrainingModel {
  private final TrainingParams params;
  private final LayerNetwork net;
  private final ParallelRanges ranges;
  private final Parts parts;
  private final DelgradTrainingStep step;
  private final SeededNoise noise;
  private final List<NeuronLayer> neuronLayers;
  private final List<Parameter> trainable;
  private final double bound;
  private final List<Integer> monitored;
  private Integer lastBumpCode;

  /** The optimizer, scheduler and bumper of a config, restored to a state. */
  record Parts(GroupedOptimizer optimizer, LrScheduler scheduler, DelgradWeightBumper bumper,
      DelgradLoss loss) {}

  DelgradModel(DelgradExperiment config, TrainingState state, int threads) {
    if (!state.isDelgrad()) {
      throw new IllegalArgumentException("a new-schema config needs the state of a layer"
          + " network, got a 2021 network");
    }
    this.params = config.trainingParams();
    this.net = state.layerNetwork;
    ParallelRanges r = new ParallelRanges(threads);
    try {
      this.parts = parts(config, state, r);
      this.step = new DelgradTrainingStep(net, settings(config), parts.optimizer(),
          parts.bumper());
    } catch (RuntimeException e) {
      r.close(); // a bad config or state must not leave the threads behind
      throw e;
    }
    this.ranges = r;
    this.noise = new SeededNoise(state.noiseState);
    this.neuronLayers = net.neuronLayers();
    this.trainable = net.parameters().stream().filter(Parameter::trainable).toList();
    this.bound = WeightCheck.bound(neuronLayers.get(0).settings().params());
    List<Integer> mon = new ArrayList<>();
    List<io.firstspike.core.layer.LayerTraining> training = config.toLayerTraining();
    for (int i = 0; i < training.size(); i++) {
      if (training.get(i).monitor()) {
        mon.add(i);
      }
    }
    this.monitored = List.copyOf(mon);
  }

  /**
   * The grouped optimizer, scheduler, bumper and loss of {@code config} over {@code state}'s
   * network, restored to the state (optimizer moments and learning rates, scheduler steps, the
   * bump state of an unfinished segment).
   *
   * @throws IllegalArgumentException when the state does not fit the config
   */
  static Parts parts(DelgradExperiment config, TrainingState state, RangeRunner ranges) {
    TrainingParams p = config.trainingParams();
    List<Double> layerRates = new ArrayList<>();
    for (LayerTraining t : config.toLayerTraining()) {
      layerRates.add(t.learningRate());
    }
    List<ParameterGroup> groups = state.layerNetwork.parameterGroups(layerRates,
        p.learningRate());
    GroupedOptimizer opt = p.optimizer() == Optimizer.ADAM
        ? new GroupedAdam(groups, ranges)
        : new GroupedSgd(groups, p.momentum(), ranges);
    LrScheduler sched = null;
    if (p.lrScheduler() != null) {
      var s = p.lrScheduler();
      sched = switch (s.type()) {
        case STEP_LR -> new StepLR(opt, s.stepSize(), s.gamma());
        case MULTI_STEP_LR -> new MultiStepLR(
            opt, s.milestones().stream().mapToInt(Integer::intValue).toArray(), s.gamma());
        case EXPONENTIAL_LR -> new ExponentialLR(opt, s.gamma());
      };
    }
    DelgradWeightBumper bumper = config.weightBumper();
    if (state.groupedOptimizer != null) {
      opt.restore(state.groupedOptimizer);
    }
    if (sched != null && state.schedulerSteps > 0) {
      sched.restore(state.schedulerSteps);
    }
    if (state.delgradBump != null) {
      bumper.restore(state.delgradBump.value(), state.delgradBump.previousCode());
    }
    return new Parts(opt, sched, bumper, config.loss());
  }

  private static DelgradTrainingStep.Settings settings(DelgradExperiment config) {
    List<Integer> neurons = config.networkLayout().neuronLayers();
    double[] maxMissing = new double[neurons.size()];
    for (int k = 0; k < maxMissing.length; k++) {
      maxMissing[k] = config.maxNumMissingSpikes(neurons.get(k));
    }
    var tn = config.trainingParams().trainingNoise();
    return new DelgradTrainingStep.Settings(config.loss(), maxMissing, config.clipping(),
        tn == null ? null : new DelgradTrainingStep.TrainingNoise(tn.mean(), tn.stdDev()));
  }

  /** HEAD runs one segment per snapshot: the bump state restarts after every snapshot epoch. */
  @Override
  public void startEpoch(int epoch, Set<Integer> fullSnapshots) {
    if (fullSnapshots.contains(epoch - 1)) {
      parts.bumper().restart();
    }
  }

  @Override
  public BatchOutcome trainBatch(int epoch, int b, double[][] inputs, int[] labels) {
    DelgradTrainingStep.Result r;
    try {
      r = step.train(inputs, labels, noise, ranges);
    } catch (ArithmeticException e) {
      throw new TrainingDivergedException(epoch, b, e.getMessage());
    }
    lastBumpCode = r.bump().code();
    int bumped = -1;
    if (r.bumped()) {
      for (int k = 0; k < neuronLayers.size(); k++) {
        bumped = neuronLayers.get(k).index() == r.bump().layerIndex() ? k : bumped;
      }
      checkParameters(epoch, b, "after weight bumping added " + r.bump().value()
          + " to layer " + r.bump().layerIndex());
    } else {
      if (!Double.isFinite(r.loss())) {
        throw new TrainingDivergedException(epoch, b, "the loss is " + r.loss());
      }
      checkParameters(epoch, b, "after the optimizer step (learning rate of layers.0 "
          + parts.optimizer().learningRate(0) + ")");
    }
    double[][][] times = new double[neuronLayers.size()][][];
    for (int k = 0; k < times.length; k++) {
      times[k] = r.layerTimes()[neuronLayers.get(k).index()]; // the step's copies, ours to keep
    }
    return new BatchOutcome(r.loss(), r.correct(), bumped, times);
  }

  /**
   * Throws if a trainable parameter is not finite or beyond {@link WeightCheck#bound} (the first
   * in layer and index order is named), {@code when} saying what changed it.
   */
  private void checkParameters(int epoch, int batch, String when) {
    double[][] values = new double[trainable.size()][];
    for (int k = 0; k < values.length; k++) {
      values[k] = trainable.get(k).values();
    }
    String problem = WeightCheck.problem(values, k -> "a value of " + trainable.get(k).name(),
        bound, ranges);
    if (problem != null) {
      throw new TrainingDivergedException(epoch, batch, problem + " " + when);
    }
  }

  @Override
  public Integer lastBumpCode() {
    return lastBumpCode;
  }

  /** Effective tiled delays of monitored Delay layers, weights of monitored NeuronLayers. */
  @Override
  public List<double[]> monitorRecord() {
    List<double[]> out = new ArrayList<>(monitored.size());
    for (int i : monitored) {
      if (net.layer(i) instanceof io.firstspike.core.layer.DelayLayer d) {
        double[][] e = d.effectiveDelays();
        double[] flat = new double[e.length * e[0].length];
        for (int r = 0; r < e.length; r++) {
          System.arraycopy(e[r], 0, flat, r * e[0].length, e[0].length);
        }
        out.add(flat);
      } else {
        out.add(((NeuronLayer) net.layer(i)).weights().clone());
      }
    }
    return out;
  }

  @Override
  public void endEpoch() {
    if (parts.scheduler() != null) {
      parts.scheduler().step();
    }
  }

  @Override
  public EvaluationPass validate(Dataset set, int batchSize) {
    return inference(set, batchSize, noise);
  }

  @Override
  public EvaluationPass snapshotOutputs(Dataset set, int batchSize, int epoch) {
    return inference(set, batchSize, new SeededNoise(outputSeed(params.torchSeed(), epoch)));
  }

  /**
   * The seed of the noise of a full snapshot's output passes: {@code torch_seed} and the epoch
   * mixed (a fixed odd multiplier), apart from the run's stream.
   */
  static long outputSeed(long torchSeed, int epoch) {
    return torchSeed ^ (0x9E3779B97F4A7C15L * (epoch + 1L));
  }

  private EvaluationPass inference(Dataset set, int batchSize, SeededNoise source) {
    LayerInference.Result r = LayerInference.run(net, set.inputTimes(), set.labels(),
        parts.loss(), batchSize, source, ranges);
    int n = r.size();
    return new EvaluationPass(r.labelTimes(), r.selected(), n == 0 ? Double.NaN : r.loss(),
        n == 0 ? Double.NaN : r.accuracy());
  }

  @Override
  public double learningRate() {
    return parts.optimizer().learningRate(0);
  }

  @Override
  public double[][] layerWeights() {
    double[][] w = new double[neuronLayers.size()][];
    for (int k = 0; k < w.length; k++) {
      w[k] = neuronLayers.get(k).weights();
    }
    return w;
  }

  /** Each delay layer's effective delays, positivity(raw), one per raw parameter. */
  @Override
  public List<NamedValues> layerDelays() {
    List<NamedValues> out = new ArrayList<>();
    for (DelayLayer d : net.delayLayers()) {
      double[] raw = d.raw();
      double[] e = new double[raw.length];
      for (int k = 0; k < raw.length; k++) {
        e[k] = d.positivity().effective(raw[k]);
      }
      out.add(new NamedValues("layers." + d.index() + " " + d.type().configName(), e));
    }
    return out;
  }

  @Override
  public double[] labelWeights() {
    return neuronLayers.get(neuronLayers.size() - 1).weights().clone();
  }

  @Override
  public double histogramMax() {
    return params.simTime();
  }

  @Override
  public long integratorSkips() {
    return 0;
  }

  @Override
  public void saveState(TrainingState state) {
    state.groupedOptimizer = parts.optimizer().state();
    state.schedulerSteps = parts.scheduler() == null ? 0 : parts.scheduler().epochsStepped();
    state.delgradBump = new TrainingState.DelgradBump(parts.bumper().value(),
        parts.bumper().previousCode());
    state.noiseState = noise.state();
  }

  @Override
  public void close() {
    ranges.close();
  }
}
