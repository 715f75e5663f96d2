package io.firstspike.train.config;

import java.util.List;

/**
 * The {@code training_params} section (TTFS-MODEL.md sections 3 to 6), one component per key.
 *
 * <p>{@code xi}, {@code alpha} and {@code beta} are kept as written at the top level of the
 * section (null when absent), because the original's configs carry them there; {@link #loss()} is
 * the resolved loss: the {@code loss} section when given, else TTFS from those three values. When
 * both are given for TTFS they must agree. {@code use_hicannx} has no component: it can only be
 * false here (the BrainScaleS-2 chip is not available), and the writer always emits it as false.
 *
 * @param alpha top-level {@code alpha} (TTFS regulariser weight) or null
 * @param batchSize {@code batch_size}: samples per training batch, >= 1
 * @param batchSizeEval {@code batch_size_eval}: samples per evaluation batch, >= 1
 * @param beta top-level {@code beta} (TTFS regulariser time scale) or null
 * @param enforceCpu {@code enforce_cpu}: the original's switch to avoid CUDA; no effect here
 * @param epochNumber {@code epoch_number}: epochs to train, >= 1
 * @param epochSnapshots {@code epoch_snapshots}: epochs after which a snapshot is saved (the last
 *     epoch always is); epochs beyond {@code epoch_number} are never reached
 * @param learningRate {@code learning_rate}: initial learning rate, > 0
 * @param loss the resolved loss (from {@code loss}, or TTFS from xi/alpha/beta)
 * @param lrScheduler {@code lr_scheduler}, null for a constant learning rate
 * @param maxDwNorm {@code max_dw_norm}: per-sample gradient clipping bound, null = off
 * @param maxNumMissingSpikes {@code max_num_missing_spikes}: per layer, the largest tolerated
 *     fraction of silent neurons before weight bumping, in [0, 1]
 * @param momentum {@code momentum} of SGD, in [0, 1)
 * @param numpySeed {@code numpy_seed}: seed of the generator that shuffles and noises the data,
 *     in [0, 2^32 - 1] like NumPy's RandomState
 * @param optimizer {@code optimizer}: adam or sgd
 * @param printStepPercent {@code print_step_percent}: progress report interval in % of an epoch
 * @param resolution {@code resolution}: time step of the forward integrator, > 0
 * @param roundingPrecision {@code rounding_precision}: forward weights are rounded to multiples of
 *     it (hardware-aware training), null = off
 * @param simTime {@code sim_time}: simulated time of the forward integrator, > 0
 * @param torchSeed {@code torch_seed}: seed of the generator that draws the initial weights (any
 *     long)
 * @param trainingNoise {@code training_noise}: input-time noise, null when {@code false}
 * @param useForwardIntegrator {@code use_forward_integrator}: Euler forward pass instead of the
 *     closed form
 * @param weightBumpingExp {@code weight_bumping_exp}: double the bump while the same layer stays
 *     silent in consecutive batches
 * @param weightBumpingTargeted {@code weight_bumping_targeted}: bump only silent neurons' weights
 * @param weightBumpingValue {@code weight_bumping_value}: initial bump added to weights, >= 0
 * @param xi top-level {@code xi} (TTFS temperature) or null
 */
public record TrainingParams(
    Double alpha,
    int batchSize,
    int batchSizeEval,
    Double beta,
    boolean enforceCpu,
    int epochNumber,
    List<Integer> epochSnapshots,
    double learningRate,
    LossConfig loss,
    LrScheduler lrScheduler,
    Double maxDwNorm,
    List<Double> maxNumMissingSpikes,
    double momentum,
    long numpySeed,
    Optimizer optimizer,
    double printStepPercent,
    double resolution,
    Double roundingPrecision,
    double simTime,
    long torchSeed,
    TrainingNoise trainingNoise,
    boolean useForwardIntegrator,
    boolean weightBumpingExp,
    boolean weightBumpingTargeted,
    double weightBumpingValue,
    Double xi) {

  private static final String P = "training_params.";

  /** NumPy's legacy RandomState(seed) accepts 0 <= seed < 2^32. */
  public static final long MAX_NUMPY_SEED = 0xFFFF_FFFFL;

  /**
   * Most Euler steps ceil(sim_time / resolution) per sample with {@code use_forward_integrator}:
   * 2500 times the original's 4.0 / 0.01 = 400. Every step visits every neuron of a layer, and
   * each worker thread keeps steps x neurons of injected charge, so beyond this a run is hours
   * per epoch or does not fit in memory.
   */
  public static final long MAX_INTEGRATOR_STEPS = 1_000_000;

  public TrainingParams {
    Checks.positive(P + "batch_size", batchSize);
    Checks.positive(P + "batch_size_eval", batchSizeEval);
    Checks.positive(P + "epoch_number", epochNumber);
    Checks.required(P + "epoch_snapshots", epochSnapshots);
    for (int i = 0; i < epochSnapshots.size(); i++) {
      Checks.positive(P + "epoch_snapshots[" + i + "]", epochSnapshots.get(i));
    }
    epochSnapshots = List.copyOf(epochSnapshots);
    Checks.positive(P + "learning_rate", learningRate);
    Checks.required(P + "loss", loss);
    if (maxDwNorm != null) {
      Checks.positive(P + "max_dw_norm", maxDwNorm);
    }
    Checks.required(P + "max_num_missing_spikes", maxNumMissingSpikes);
    for (int i = 0; i < maxNumMissingSpikes.size(); i++) {
      Checks.within(P + "max_num_missing_spikes[" + i + "]", maxNumMissingSpikes.get(i), 0, 1);
    }
    maxNumMissingSpikes = List.copyOf(maxNumMissingSpikes);
    if (!(momentum >= 0 && momentum < 1)) {
      throw ConfigException.at(P + "momentum", "must lie in [0, 1), got " + momentum);
    }
    if (numpySeed < 0 || numpySeed > MAX_NUMPY_SEED) {
      throw ConfigException.at(P + "numpy_seed", "must lie in [0, " + MAX_NUMPY_SEED
          + "] (NumPy's RandomState takes a 32-bit unsigned seed), got " + numpySeed);
    }
    Checks.required(P + "optimizer", optimizer);
    if (!(printStepPercent > 0 && printStepPercent <= 100)) {
      throw ConfigException.at(P + "print_step_percent",
          "must lie in (0, 100] (percent of an epoch), got " + printStepPercent);
    }
    Checks.positive(P + "resolution", resolution);
    if (roundingPrecision != null) {
      Checks.positive(P + "rounding_precision", roundingPrecision);
    }
    Checks.positive(P + "sim_time", simTime);
    if (useForwardIntegrator) {
      checkIntegratorSteps(simTime, resolution);
    }
    Checks.nonNegative(P + "weight_bumping_value", weightBumpingValue);
    if (xi != null) {
      Checks.positive(P + "xi", xi);
    }
    if (alpha != null) {
      Checks.nonNegative(P + "alpha", alpha);
    }
    if (beta != null) {
      Checks.positive(P + "beta", beta);
    }
    if (loss instanceof LossConfig.Ttfs t) {
      agree("xi", xi, t.xi());
      agree("alpha", alpha, t.alpha());
      agree("beta", beta, t.beta());
    }
  }

  /** Same parameters, another epoch count. */
  public TrainingParams withEpochNumber(int epochs) {
    return new TrainingParams(alpha, batchSize, batchSizeEval, beta, enforceCpu, epochs,
        epochSnapshots, learningRate, loss, lrScheduler, maxDwNorm, maxNumMissingSpikes, momentum,
        numpySeed, optimizer, printStepPercent, resolution, roundingPrecision, simTime, torchSeed,
        trainingNoise, useForwardIntegrator, weightBumpingExp, weightBumpingTargeted,
        weightBumpingValue, xi);
  }

  /** Same parameters, other seeds for the data generator (numpy) and the weight generator (torch). */
  public TrainingParams withSeeds(long numpy, long torch) {
    return new TrainingParams(alpha, batchSize, batchSizeEval, beta, enforceCpu, epochNumber,
        epochSnapshots, learningRate, loss, lrScheduler, maxDwNorm, maxNumMissingSpikes, momentum,
        numpy, optimizer, printStepPercent, resolution, roundingPrecision, simTime, torch,
        trainingNoise, useForwardIntegrator, weightBumpingExp, weightBumpingTargeted,
        weightBumpingValue, xi);
  }

  /** The epochs after which a snapshot is taken: the listed ones up to the last, plus the last. */
  public List<Integer> snapshotEpochs() {
    java.util.TreeSet<Integer> epochs = new java.util.TreeSet<>();
    for (int e : epochSnapshots) {
      if (e <= epochNumber) {
        epochs.add(e);
      }
    }
    epochs.add(epochNumber);
    return List.copyOf(epochs);
  }

  /** Euler steps per sample of the forward integrator: ceil(sim_time / resolution). */
  public double integratorSteps() {
    return Math.ceil(simTime / resolution);
  }

  /**
   * At most {@link #MAX_INTEGRATOR_STEPS}; the error is reported at whichever of the two keys
   * lies further from the defaults (4.0 and 0.01), the one most likely mistyped.
   */
  private static void checkIntegratorSteps(double simTime, double resolution) {
    double steps = Math.ceil(simTime / resolution);
    if (steps <= MAX_INTEGRATOR_STEPS) {
      return;
    }
    boolean simTimeOff = simTime / ConfigLoader.DEFAULT_SIM_TIME
        > ConfigLoader.DEFAULT_RESOLUTION / resolution;
    String shownSteps = steps < 1e18 ? String.valueOf((long) steps) : String.valueOf(steps);
    throw ConfigException.at(P + (simTimeOff ? "sim_time" : "resolution"), "sim_time " + simTime
        + " / resolution " + resolution + " gives " + shownSteps + " Euler steps per sample; at"
        + " most " + MAX_INTEGRATOR_STEPS + " are allowed (the original's 4.0 / 0.01 gives 400):"
        + " use resolution >= " + simTime / MAX_INTEGRATOR_STEPS + " or sim_time <= "
        + resolution * MAX_INTEGRATOR_STEPS);
  }

  private static void agree(String key, Double topLevel, double inLoss) {
    if (topLevel != null && topLevel.doubleValue() != inLoss) {
      throw ConfigException.at(P + key, "is " + topLevel + " but training_params.loss." + key
          + " is " + inLoss + "; the TTFS loss takes one value: make them equal or remove"
          + " training_params." + key);
    }
  }
}
