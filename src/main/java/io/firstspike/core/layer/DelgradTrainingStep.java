package io.firstspike.core.layer;

import io.firstspike.core.layer.NoiseSource.Kind;
import io.firstspike.core.loss.DelgradLoss;
import io.firstspike.core.loss.DelgradLoss.DelayVectors;
import io.firstspike.core.loss.DelgradRegulariser.DelaySource;
import io.firstspike.core.network.InputNoise;
import io.firstspike.core.optim.DelgradWeightBumper;
import io.firstspike.core.optim.DelgradWeightBumper.Decision;
import io.firstspike.core.optim.DelgradWeightBumper.LayerTimes;
import io.firstspike.core.optim.GroupedOptimizer;
import io.firstspike.core.optim.RangeRunner;
import io.firstspike.core.optim.WeightClipping;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One training batch of a new-schema (DelGrad) run in HEAD's order (DELGRAD-MODEL.md section
 * 7.1), composed of the pieces that own each rule; the training loop (shuffling, epochs,
 * schedulers, validation records, snapshots) stays outside:
 *
 * <ol>
 *   <li>input noise when {@code training_noise} is on ({@link InputNoise} on a copy of the
 *       inputs, its normals from the run's {@link NoiseSource}, {@link Kind#INPUT_NOISE});
 *   <li>forward ({@link LayerNetwork#forward}: rounded weights when the network rounds, the
 *       hardware-aware noise from the same source); class selection ({@link DelgradLoss#selectAll});
 *   <li>weight-bumping check ({@link DelgradWeightBumper#check}); a bump raises that neuron
 *       layer's weights and skips 4;
 *   <li>loss ({@link DelgradLoss#compute}, with the delays when it has {@code l2_delay}),
 *       backward ({@link LayerNetwork#backward} with the loss's delay gradient), one
 *       {@link GroupedOptimizer#step} over the parameter groups, then
 *       {@link LayerNetwork#rectifyDelays};
 *   <li>always: weight clipping of every neuron layer ({@link WeightClipping.Plan#apply}).
 * </ol>
 *
 * The optimizer must hold one group per layer entry over this network's live parameters
 * ({@link LayerNetwork#parameterGroups}); the bumper's state is the caller's (it restarts at
 * snapshot boundaries). Not for concurrent callers; the passes run on the given threads. The step
 * owns the {@link PassBuffers} of its passes, reused from batch to batch; its results hold copies
 * and new arrays only.
 */
public final class DelgradTrainingStep {
  private final LayerNetwork network;
  private final Settings settings;
  private final GroupedOptimizer optimizer;
  private final DelgradWeightBumper bumper;
  private final List<NeuronLayer> neuronLayers;
  private final PassBuffers buffers = new PassBuffers();

  /** {@code training_params.training_noise}: t' = |t + (z std + mean)| per input time. */
  public record TrainingNoise(double mean, double stdDev) {
    public TrainingNoise {
      if (!Double.isFinite(mean) || !(stdDev >= 0) || Double.isInfinite(stdDev)) {
        throw new IllegalArgumentException("training_params.training_noise: mean must be finite"
            + " and std_dev a finite number >= 0, got mean " + mean + ", std_dev " + stdDev);
      }
    }
  }

  /**
   * What a new-schema config says about a batch besides the network and the optimizer.
   *
   * @param loss {@code training_params.loss}
   * @param maxMissingSpikes each neuron layer's {@code max_num_missing_spikes}, in layer order
   * @param clipping the resolved {@code clip_weights_max}
   * @param trainingNoise {@code training_params.training_noise}, null for none
   */
  public record Settings(DelgradLoss loss, double[] maxMissingSpikes,
      WeightClipping.Plan clipping, TrainingNoise trainingNoise) {
    public Settings {
      if (loss == null || clipping == null) {
        throw new IllegalArgumentException("training step: loss and clipping plan are required");
      }
      maxMissingSpikes = maxMissingSpikes.clone();
    }

    @Override
    public double[] maxMissingSpikes() {
      return maxMissingSpikes.clone();
    }
  }

  /**
   * What one batch did.
   *
   * @param loss the batch loss; NaN for a bumped batch (no loss is computed then)
   * @param selected the selected class per sample (-1: no decision)
   * @param correct samples whose selected class is the label (bumped batches count too)
   * @param bump the weight-bumping decision (its code goes to {@code weight_bumping_steps})
   * @param silentFractions per neuron layer, the share of its B x M outputs without a spike
   * @param layerTimes per layer l, the output times {@code [B][M]} of a neuron layer (the last
   *     one's are the label times), null for the other layers (HEAD's placeholders)
   * @param gradients the gradients the optimizer stepped with; null for a bumped batch
   */
  public record Result(double loss, int[] selected, int correct, Decision bump,
      double[] silentFractions, double[][][] layerTimes, NetworkGradients gradients) {

    public boolean bumped() {
      return bump.bumped();
    }

    /** The label layer's output times {@code [B][K]} (+Infinity = no spike). */
    public double[][] labelTimes() {
      return layerTimes[layerTimes.length - 1];
    }

    /**
     * HEAD's {@code hidden_times[l]}: the output {@code [B][M]} of layer l when it is a neuron
     * layer other than the last, null for every other layer.
     */
    public double[][] hiddenTimes(int l) {
      if (l < 0 || l >= layerTimes.length - 1) {
        throw new IndexOutOfBoundsException("hidden times exist for layers 0.."
            + (layerTimes.length - 2) + ", not " + l);
      }
      return layerTimes[l];
    }
  }

  /**
   * What a forward pass without training gives (validation, test).
   *
   * @param loss the batch loss (l2_delay included, as HEAD's validation)
   * @param selected the selected class per sample
   * @param correct samples whose selected class is the label
   * @param labelTimes the label layer's output times {@code [B][K]}
   */
  public record Evaluation(double loss, int[] selected, int correct, double[][] labelTimes) {}

  /**
   * @param optimizer one group per layer entry of {@code network}
   *     ({@link LayerNetwork#parameterGroups})
   * @throws IllegalArgumentException if the settings do not fit the network or the optimizer's
   *     tensors are not the network's trainable parameters
   */
  public DelgradTrainingStep(LayerNetwork network, Settings settings, GroupedOptimizer optimizer,
      DelgradWeightBumper bumper) {
    this.network = network;
    this.settings = settings;
    this.optimizer = optimizer;
    this.bumper = bumper;
    this.neuronLayers = network.neuronLayers();
    if (settings.maxMissingSpikes.length != neuronLayers.size()) {
      throw new IllegalArgumentException("max_num_missing_spikes: " + settings.maxMissingSpikes
          .length + " values for " + neuronLayers.size() + " NeuronLayers");
    }
    if (settings.clipping.bounds().length != neuronLayers.size()) {
      throw new IllegalArgumentException("clip_weights_max: " + settings.clipping.bounds().length
          + " bounds for " + neuronLayers.size() + " NeuronLayers");
    }
    if (optimizer.groupCount() != network.layers().size()) {
      throw new IllegalArgumentException("optimizer: " + optimizer.groupCount()
          + " parameter groups; HEAD has one per layer entry (" + network.layers().size() + ")");
    }
    List<String> trainable = network.parameters().stream().filter(Parameter::trainable)
        .map(Parameter::name).toList();
    List<String> stepped = optimizer.tensors().stream().map(t -> t.name()).toList();
    if (!trainable.equals(stepped)) {
      throw new IllegalArgumentException("optimizer: its tensors " + stepped + " are not the"
          + " network's trainable parameters " + trainable);
    }
    for (int k = 0; k < stepped.size(); k++) {
      if (optimizer.tensors().get(k).values() != network.parameter(stepped.get(k)).values()) {
        throw new IllegalArgumentException("optimizer: tensor " + stepped.get(k) + " is not the"
            + " network's live array");
      }
    }
  }

  public LayerNetwork network() {
    return network;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Trains on one batch.
   *
   * @param inputs [B][n_inputs] input times (not changed; the noise goes on a copy)
   * @param labels [B] classes
   * @param noise the run's noise (input noise first, then the forward pass's draws)
   */
  public Result train(double[][] inputs, int[] labels, NoiseSource noise, RangeRunner threads) {
    requireLabels(inputs, labels);
    double[][] x = withTrainingNoise(inputs, noise);
    NetworkPass pass = network.forward(x, noise, threads, buffers);
    double[][] labelTimes = pass.labelTimes();
    int[] selected = settings.loss.selectAll(labelTimes);
    double[] silent = new double[neuronLayers.size()];
    double[][][] layerTimes = new double[network.layers().size()][][];
    List<LayerTimes> hidden = new ArrayList<>();
    LayerTimes label = null;
    for (int k = 0; k < neuronLayers.size(); k++) {
      int l = neuronLayers.get(k).index();
      double[][] times = k == neuronLayers.size() - 1 ? labelTimes : pass.hiddenTimes(l);
      layerTimes[l] = times;
      silent[k] = silentFraction(times);
      LayerTimes lt = new LayerTimes(l, times, settings.maxMissingSpikes[k]);
      if (k == neuronLayers.size() - 1) {
        label = lt;
      } else {
        hidden.add(lt);
      }
    }
    Decision bump = bumper.check(hidden, label);
    double loss = Double.NaN;
    NetworkGradients gradients = null;
    if (bump.bumped()) {
      bumper.bump(bump, ((NeuronLayer) network.layer(bump.layerIndex())).weights());
    } else {
      DelgradLoss.Result r = settings.loss.compute(labelTimes, labels, delayVectors());
      loss = r.loss();
      gradients = network.backward(pass, r.gradient(), new LayerNetwork.DelayPenalty(
          r.delayGradient().effective(), r.delayGradient().raw()), threads);
      optimizer.step(gradients.parameters());
      network.rectifyDelays();
    }
    for (int k = 0; k < neuronLayers.size(); k++) {
      settings.clipping.apply(k, neuronLayers.get(k).weights());
    }
    return new Result(loss, selected, correct(selected, labels), bump, silent, layerTimes,
        gradients);
  }

  /**
   * Forward, selection and loss of a batch without training (validation and test; the
   * hardware-aware noise stays on, as in HEAD, unless {@code noise} is {@link NoiseSource#ZERO}).
   */
  public Evaluation evaluate(double[][] inputs, int[] labels, NoiseSource noise,
      RangeRunner threads) {
    requireLabels(inputs, labels);
    double[][] labelTimes = network.forward(inputs, noise, threads, buffers).labelTimes();
    int[] selected = settings.loss.selectAll(labelTimes);
    double loss = settings.loss.compute(labelTimes, labels, delayVectors()).loss();
    return new Evaluation(loss, selected, correct(selected, labels), labelTimes);
  }

  /** The delays the loss's {@code l2_delay} terms need (none without them). */
  private DelayVectors delayVectors() {
    Set<DelaySource> need = settings.loss.delaySources();
    if (need.isEmpty()) {
      return DelayVectors.NONE;
    }
    return new DelayVectors(
        need.contains(DelaySource.EFFECTIVE) ? network.effectiveDelayVectors() : List.of(),
        need.contains(DelaySource.RAW) ? network.rawDelayVectors() : List.of());
  }

  /** The inputs, or a noisy copy of them (normals asked from {@code noise}, std 1). */
  private double[][] withTrainingNoise(double[][] inputs, NoiseSource noise) {
    TrainingNoise tn = settings.trainingNoise;
    if (tn == null) {
      return inputs;
    }
    int n = network.nInputs();
    double[] normals = new double[inputs.length * n];
    noise.fill(Kind.INPUT_NOISE, -1, 1.0, normals);
    double[][] copy = new double[inputs.length][];
    for (int b = 0; b < copy.length; b++) {
      copy[b] = inputs[b].clone();
    }
    int[] next = {0};
    InputNoise.apply(copy, tn.mean(), tn.stdDev(), () -> normals[next[0]++]);
    return copy;
  }

  private static double silentFraction(double[][] times) {
    long silent = 0;
    long all = 0;
    for (double[] row : times) {
      for (double t : row) {
        silent += t < Double.POSITIVE_INFINITY ? 0 : 1;
      }
      all += row.length;
    }
    return all == 0 ? 0 : (double) silent / all;
  }

  private static int correct(int[] selected, int[] labels) {
    int c = 0;
    for (int b = 0; b < selected.length; b++) {
      c += selected[b] == labels[b] ? 1 : 0;
    }
    return c;
  }

  private static void requireLabels(double[][] inputs, int[] labels) {
    if (inputs.length != labels.length) {
      throw new IllegalArgumentException("batch: " + inputs.length + " input rows but "
          + labels.length + " labels");
    }
  }
}
