package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.WeightClipping;
import java.nio.file.Path;

/**
 * A complete, validated experiment in the 2021 schema: the four sections of the original's
 * {@code config.yaml} (TTFS-MODEL.md), plus our {@code data_dir}.
 *
 * <p>Built by {@link ConfigLoader}, written back by {@link ConfigWriter}. Cross-section rules are
 * checked here: {@code max_num_missing_spikes} has one entry per layer, the neuron parameters
 * have a supported tau ratio (et: tau_mem = tau_syn; dt: tau_mem = 2 tau_syn with g_leak =
 * tau_syn / tau_mem), buffers fit in arrays, and the training parameters use only the keys of
 * this schema.
 *
 * @param dataDir {@code data_dir}: folder holding the data files (MNIST IDX files, relative user
 *     files); null when the config does not set it, and the loader's default applies
 * @param dataset the {@code dataset} key
 * @param networkLayout the {@code network_layout} section
 * @param neuronParams the {@code neuron_params} section ({@code tau_mem} defaults to tau_syn)
 * @param trainingParams the {@code training_params} section
 * @param source where the config came from (file path or a name given to the loader), for
 *     messages and provenance; may be null
 */
public record ExperimentConfig(
    Path dataDir,
    @JsonProperty(required = true) DatasetConfig dataset,
    @JsonProperty(required = true) NetworkLayout networkLayout,
    @JsonProperty(required = true) @JsonDeserialize(converter = NeuronKeys.Read2021.class)
        @JsonSerialize(converter = NeuronKeys.Write2021.class) NeuronParams neuronParams,
    @JsonProperty(required = true) TrainingParams trainingParams,
    @JsonIgnore String source) implements AnyConfig {

  public ExperimentConfig {
    try {
      Checks.required("dataset", dataset);
      Checks.required("neuron_params", neuronParams);
      Checks.required("network_layout", networkLayout);
      Checks.required("training_params", trainingParams);
      check2021Training(trainingParams);
      Checks.perLayer("training_params.max_num_missing_spikes",
          trainingParams.maxNumMissingSpikes(), networkLayout.nLayers());
      variantOf(neuronParams);
      checkBufferSizes(networkLayout, trainingParams);
    } catch (ConfigException e) {
      throw e.inFile(source);
    }
  }

  /** The training keys this schema reads, and the loss it knows. */
  private static void check2021Training(TrainingParams t) {
    String p = "training_params.";
    Schemas.refuseKey(p + "substrate", t.substrate(), "the new (DelGrad)");
    if (t.clipWeightsMax() instanceof WeightClipping.Setting.Flag f && f.value()) {
      throw ConfigException.at(p + "clip_weights_max", "is true, which names no bound: give the"
          + " largest absolute weight (a number), or false for no clipping");
    }
    Checks.required(p + "optimizer", t.optimizer());
    if (t.loss() == null) {
      throw ConfigException.at(p + "loss", "is required but missing: give top-level xi, alpha"
          + " and beta (the TTFS loss), or loss: {type: TTFS, xi, alpha, beta} or {type: MSE,"
          + " t_correct, t_wrong}");
    }
    check2021Loss(t.loss());
  }

  /** The 2021 losses: TTFS with xi, alpha and beta; MSE; no regularisers. */
  static void check2021Loss(LossConfig loss) {
    String p = "training_params.loss.";
    if (loss instanceof LossConfig.ShiftInvariantMse) {
      throw ConfigException.at(p + "type", "shift_invariant_MSE is a loss of the new schema;"
          + " the 2021 schema has TTFS (xi, alpha, beta) and MSE (t_correct, t_wrong)");
    }
    if (!loss.regulariser().isEmpty()) {
      throw ConfigException.at(p + "regulariser", "is a key of the new schema; the 2021 TTFS"
          + " loss has its alpha term built in: remove it");
    }
    if (loss instanceof LossConfig.Ttfs t) {
      Checks.required(p + "alpha", t.alpha());
      Checks.required(p + "beta", t.beta());
    }
  }

  /**
   * Refuses sizes whose buffers cannot be one Java array (int overflow), before anything is
   * allocated: a training batch keeps batch_size x inputs of each layer in one array (the
   * forward pass's cache for the backward pass), and the Euler integrator keeps steps x neurons
   * of injected charge. Whether the run fits in this JVM's memory is decided later, per machine
   * (see the training package's memory estimate).
   */
  private static void checkBufferSizes(NetworkLayout layout, TrainingParams training) {
    long batch = training.batchSize();
    for (int l = 0; l < layout.nLayers(); l++) {
      long rows = layout.inputsOfLayer(l);
      if (batch * rows > Checks.MAX_ARRAY_LENGTH) {
        throw ConfigException.at("training_params.batch_size", "batch_size " + batch + " x "
            + rows + " inputs of layer " + l + " = " + batch * rows + " values per batch buffer;"
            + " at most " + Checks.MAX_ARRAY_LENGTH + " fit in one array");
      }
      if (!training.useForwardIntegrator()) {
        continue;
      }
      long steps = (long) training.integratorSteps(); // at most MAX_INTEGRATOR_STEPS here
      long cells = steps * layout.layerSizes().get(l);
      if (cells > Checks.MAX_ARRAY_LENGTH) {
        throw ConfigException.at("training_params.resolution", steps + " Euler steps x "
            + layout.layerSizes().get(l) + " neurons of layer " + l + " = " + cells + " values in"
            + " one array; at most " + Checks.MAX_ARRAY_LENGTH + " fit: use a larger resolution"
            + " or a smaller sim_time");
      }
    }
  }

  /** The closed form the neuron parameters select. */
  public Variant variant() {
    return variantOf(neuronParams);
  }

  /** The same experiment trained for {@code epochs} epochs (snapshots as listed). */
  public ExperimentConfig withEpochs(int epochs) {
    return ConfigMapper.copy(this, "training_params.epoch_number", epochs, source).withSource(source);
  }

  /**
   * The same experiment with one seed for everything: sets both {@code numpy_seed} (data order
   * and noise) and {@code torch_seed} (initial weights) to {@code seed}, so that a single number
   * given on a command line reproduces a run. Use {@link TrainingParams#withSeeds} for distinct
   * seeds.
   */
  public ExperimentConfig withSeed(long seed) {
    return ConfigMapper.copy(ConfigMapper.copy(this, "training_params.numpy_seed", seed, source),
        "training_params.torch_seed", seed, source).withSource(source);
  }

  /** The same experiment reading its data from {@code dir} ({@code data_dir}). */
  public ExperimentConfig withDataDir(Path dir) {
    return new ExperimentConfig(dir, dataset, networkLayout, neuronParams, trainingParams, source);
  }

  /** The same experiment with another source name (the records are otherwise equal). */
  public ExperimentConfig withSource(String newSource) {
    return new ExperimentConfig(dataDir, dataset, networkLayout, neuronParams, trainingParams,
        newSource);
  }

  private static Variant variantOf(NeuronParams p) {
    try {
      return p.variant();
    } catch (IllegalArgumentException e) {
      boolean dtRatio = Math.abs(p.tauMem() - 2 * p.tauSyn()) <= 1e-12 * p.tauMem();
      String key = dtRatio ? "neuron_params.g_leak" : "neuron_params.tau_mem";
      throw ConfigException.at(key, stripSection(e.getMessage()));
    }
  }

  /** NeuronParams prefixes its messages with "neuron_params: "; the key path already says so. */
  private static String stripSection(String message) {
    String prefix = "neuron_params: ";
    return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
