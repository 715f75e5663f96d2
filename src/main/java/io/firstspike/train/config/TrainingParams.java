package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.firstspike.core.optim.WeightClipping;
import java.util.List;

/**
 * The {@code training_params} section of both schemas (TTFS-MODEL.md sections 3 to 6,
 * DELGRAD-MODEL.md sections 6, 7 and 11), one component per key, in the order the original
 * writes them. A key is declared here once: its type, whether it is required, its default
 * ({@code @JsonProperty}); its check is in the constructor. Which keys a schema may use is
 * decided by the config that holds the section ({@link ExperimentConfig} for 2021, {@link
 * DelgradExperiment} for the new schema): keys of one schema only are null in the other.
 *
 * @param alpha 2021: top-level {@code alpha} (TTFS regulariser weight) or null
 * @param batchSize {@code batch_size}: samples per training batch, >= 1
 * @param batchSizeEval {@code batch_size_eval}: samples per evaluation batch, >= 1 (default
 *     batch_size)
 * @param beta 2021: top-level {@code beta} (TTFS regulariser time scale) or null
 * @param clipWeightsMax {@code clip_weights_max}: after every batch, clamp the weights to
 *     [-c, c] (2021: all layers; new schema: per layer, see {@link WeightClipping}); null or false:
 *     no clipping
 * @param enforceCpu {@code enforce_cpu}: the original's switch to avoid CUDA; no effect here
 * @param epochNumber {@code epoch_number}: epochs to train, >= 1
 * @param epochSnapshots {@code epoch_snapshots}: epochs after which a snapshot is saved (the last
 *     epoch always is); epochs beyond {@code epoch_number} are never reached
 * @param learningRate {@code learning_rate}: initial learning rate, > 0 (new schema: of the
 *     layers without their own)
 * @param loss the resolved loss: the {@code loss} section, else (2021) TTFS from xi/alpha/beta
 * @param lrScheduler {@code lr_scheduler}, null for a constant learning rate ({@code type: null}
 *     too)
 * @param maxDwNorm 2021: {@code max_dw_norm}, the per-sample gradient clipping bound (default
 *     0.2); +Infinity when the config says null or false (no clipping). The new schema reads it
 *     from the neuron parameters; here it may only be false
 * @param maxNumMissingSpikes 2021: {@code max_num_missing_spikes}, per layer the largest
 *     tolerated fraction of silent neurons before weight bumping, in [0, 1] (one number means all
 *     layers); the new schema has it per layer
 * @param momentum {@code momentum} of SGD, in [0, 1)
 * @param numpySeed {@code numpy_seed}: seed of the generator that shuffles and noises the data,
 *     in [0, 2^32 - 1] like NumPy's RandomState
 * @param optimizer {@code optimizer}: adam or sgd (2021: required; new schema: default sgd)
 * @param printStepPercent {@code print_step_percent}: progress report interval in % of an epoch
 * @param resolution {@code resolution}: time step of the forward integrator, > 0 (false: default)
 * @param roundingPrecision {@code rounding_precision}: forward weights are rounded to multiples of
 *     it (hardware-aware training), null when absent, null or false
 * @param simTime {@code sim_time}: simulated time of the forward integrator, > 0 (false: default)
 * @param substrate new schema: {@code substrate}, where the network runs (sim); required there
 * @param torchSeed {@code torch_seed}: seed of the generator that draws the initial weights
 * @param trainingNoise {@code training_noise}: input-time noise, null when {@code false}
 * @param useForwardIntegrator {@code use_forward_integrator}: Euler forward pass instead of the
 *     closed form
 * @param useHicannx {@code use_hicannx}: the BrainScaleS-2 chip; only false is accepted
 * @param weightBumpingExp {@code weight_bumping_exp}: double the bump while the same layer stays
 *     silent in consecutive batches
 * @param weightBumpingTargeted {@code weight_bumping_targeted}: bump only silent neurons' weights
 * @param weightBumpingValue {@code weight_bumping_value}: initial bump added to weights, >= 0
 * @param xi 2021: top-level {@code xi} (TTFS temperature) or null
 */
public record TrainingParams(
    Double alpha,
    @JsonProperty(required = true) int batchSize,
    Integer batchSizeEval,
    Double beta,
    WeightClipping.Setting clipWeightsMax,
    @JsonProperty(defaultValue = "false") boolean enforceCpu,
    @JsonProperty(required = true) int epochNumber,
    List<Integer> epochSnapshots,
    @JsonProperty(required = true) double learningRate,
    LossConfig loss,
    LrScheduler lrScheduler,
    @JsonProperty(defaultValue = "0.2") @JsonDeserialize(using = Scalars.LimitOrOff.class)
        @JsonSerialize(using = Scalars.LimitOrOff.Writer.class) double maxDwNorm,
    List<Double> maxNumMissingSpikes,
    @JsonProperty(defaultValue = "0.0") double momentum,
    @JsonProperty(defaultValue = "12345") long numpySeed,
    Optimizer optimizer,
    @JsonProperty(defaultValue = "5.0") double printStepPercent,
    @JsonProperty(defaultValue = "0.01") @JsonDeserialize(using = Scalars.NumberOrFalse.class)
        double resolution,
    @JsonDeserialize(using = Scalars.NumberOrFalse.class) Double roundingPrecision,
    @JsonProperty(defaultValue = "4.0") @JsonDeserialize(using = Scalars.NumberOrFalse.class)
        double simTime,
    Substrate substrate,
    @JsonProperty(defaultValue = "2000") long torchSeed,
    @JsonDeserialize(using = Scalars.FalseOrMapping.class)
        @JsonSerialize(nullsUsing = Scalars.FalseWriter.class)
        @JsonInclude(JsonInclude.Include.ALWAYS) TrainingNoise trainingNoise,
    @JsonProperty(defaultValue = "false") boolean useForwardIntegrator,
    @JsonProperty(defaultValue = "false") boolean useHicannx,
    @JsonProperty(defaultValue = "true") boolean weightBumpingExp,
    @JsonProperty(defaultValue = "true") boolean weightBumpingTargeted,
    @JsonProperty(defaultValue = "0.0005") double weightBumpingValue,
    Double xi) {

  /** NumPy's legacy RandomState(seed) accepts 0 <= seed < 2^32. */
  public static final long MAX_NUMPY_SEED = 0xFFFF_FFFFL;

  /** The original's {@code sim_time} and {@code resolution} (4.0 / 0.01 = 400 Euler steps). */
  static final double USUAL_SIM_TIME = 4.0;

  static final double USUAL_RESOLUTION = 0.01;

  /**
   * Most Euler steps ceil(sim_time / resolution) per sample with {@code use_forward_integrator}:
   * 2500 times the original's 4.0 / 0.01 = 400. Every step visits every neuron of a layer, and
   * each worker thread keeps steps x neurons of injected charge, so beyond this a run is hours
   * per epoch or does not fit in memory.
   */
  public static final long MAX_INTEGRATOR_STEPS = 1_000_000;

  public TrainingParams {
    Checks.positive("batch_size", batchSize);
    batchSizeEval = Checks.positive("batch_size_eval", batchSizeEval == null ? batchSize : batchSizeEval);
    Checks.positive("epoch_number", epochNumber);
    epochSnapshots = epochSnapshots == null ? List.of() : List.copyOf(epochSnapshots);
    for (int i = 0; i < epochSnapshots.size(); i++) {
      Checks.positive("epoch_snapshots[" + i + "]", epochSnapshots.get(i));
    }
    Checks.positive("learning_rate", learningRate);
    if (!(maxDwNorm > 0)) {
      throw ConfigException.at("max_dw_norm", "must be a number > 0, or null for no clipping,"
          + " got " + maxDwNorm);
    }
    if (maxNumMissingSpikes != null) {
      for (int i = 0; i < maxNumMissingSpikes.size(); i++) {
        Checks.within("max_num_missing_spikes[" + i + "]", maxNumMissingSpikes.get(i), 0, 1);
      }
      maxNumMissingSpikes = List.copyOf(maxNumMissingSpikes);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw ConfigException.at("momentum", "must lie in [0, 1), got " + momentum);
    }
    if (numpySeed < 0 || numpySeed > MAX_NUMPY_SEED) {
      throw ConfigException.at("numpy_seed", "must lie in [0, " + MAX_NUMPY_SEED
          + "] (NumPy's RandomState takes a 32-bit unsigned seed), got " + numpySeed);
    }
    if (!(printStepPercent > 0 && printStepPercent <= 100)) {
      throw ConfigException.at("print_step_percent",
          "must lie in (0, 100] (percent of an epoch), got " + printStepPercent);
    }
    Checks.positive("resolution", resolution);
    if (roundingPrecision != null) {
      Checks.positive("rounding_precision", roundingPrecision);
    }
    Checks.positive("sim_time", simTime);
    if (useForwardIntegrator) {
      checkIntegratorSteps(simTime, resolution);
    }
    Checks.nonNegative("weight_bumping_value", weightBumpingValue);
    if (xi != null) {
      Checks.positive("xi", xi);
    }
    if (alpha != null) {
      Checks.nonNegative("alpha", alpha);
    }
    if (beta != null) {
      Checks.positive("beta", beta);
    }
    if (lrScheduler != null && lrScheduler.type() == null) {
      lrScheduler = null; // {type: null}: none
    }
    loss = resolveLoss(loss, xi, alpha, beta);
  }

  /**
   * The loss section, or (2021) TTFS from the top-level xi, alpha and beta; when both are given
   * for TTFS they must agree. Null when neither is given (the schema's config says what is
   * missing).
   */
  private static LossConfig resolveLoss(LossConfig loss, Double xi, Double alpha, Double beta) {
    boolean topLevel = xi != null || alpha != null || beta != null;
    if (loss == null && topLevel) {
      String[] keys = {"xi", "alpha", "beta"};
      Double[] values = {xi, alpha, beta};
      for (int k = 0; k < 3; k++) {
        if (values[k] == null) {
          throw ConfigException.at(keys[k], "is required but missing: without a"
              + " training_params.loss section the TTFS loss is used and needs xi, alpha and"
              + " beta; or give loss: {type: TTFS, xi, alpha, beta} or {type: MSE, t_correct,"
              + " t_wrong}");
        }
      }
      return new LossConfig.Ttfs(xi, alpha, beta);
    }
    if (loss instanceof LossConfig.Ttfs t) {
      agree("xi", xi, t.xi());
      agree("alpha", alpha, t.alpha());
      agree("beta", beta, t.beta());
    }
    return loss;
  }

  /** Same parameters, another epoch count. */
  public TrainingParams withEpochNumber(int epochs) {
    return ConfigMapper.copy(this, "epoch_number", epochs);
  }

  /** Same parameters, other seeds for the data generator (numpy) and the weight generator (torch). */
  public TrainingParams withSeeds(long numpy, long torch) {
    return ConfigMapper.copy(ConfigMapper.copy(this, "numpy_seed", numpy), "torch_seed", torch);
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

  /** The weight bound of 2021's {@code clip_weights_max}, or +Infinity for none. */
  public double weightBound() {
    return clipWeightsMax instanceof WeightClipping.Setting.Bound b && b.value() != 0
        ? b.value() : Double.POSITIVE_INFINITY;
  }

  /**
   * At most {@link #MAX_INTEGRATOR_STEPS}; the error is reported at whichever of the two keys
   * lies further from the usual values (4.0 and 0.01), the one most likely mistyped.
   */
  private static void checkIntegratorSteps(double simTime, double resolution) {
    double steps = Math.ceil(simTime / resolution);
    if (steps <= MAX_INTEGRATOR_STEPS) {
      return;
    }
    boolean simTimeOff = simTime / USUAL_SIM_TIME > USUAL_RESOLUTION / resolution;
    String shownSteps = steps < 1e18 ? String.valueOf((long) steps) : String.valueOf(steps);
    throw ConfigException.at(simTimeOff ? "sim_time" : "resolution", "sim_time " + simTime
        + " / resolution " + resolution + " gives " + shownSteps + " Euler steps per sample; at"
        + " most " + MAX_INTEGRATOR_STEPS + " are allowed (the original's 4.0 / 0.01 gives 400):"
        + " use resolution >= " + simTime / MAX_INTEGRATOR_STEPS + " or sim_time <= "
        + resolution * MAX_INTEGRATOR_STEPS);
  }

  private static void agree(String key, Double topLevel, Double inLoss) {
    if (topLevel != null && !topLevel.equals(inLoss)) {
      throw ConfigException.at(key, "is " + topLevel + " but training_params.loss." + key
          + " is " + inLoss + "; the TTFS loss takes one value: make them equal or remove"
          + " training_params." + key);
    }
  }
}
