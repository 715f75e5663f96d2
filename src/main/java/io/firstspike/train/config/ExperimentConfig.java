package io.firstspike.train.config;

import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A complete, validated experiment: the four sections of the original's {@code config.yaml}.
 *
 * <p>Built by {@link ConfigLoader}, written back by {@link ConfigWriter}. Cross-section rules are
 * checked here: {@code max_num_missing_spikes} has one entry per layer, and the neuron parameters
 * have a supported tau ratio (et: tau_mem = tau_syn; dt: tau_mem = 2 tau_syn with g_leak =
 * tau_syn / tau_mem).
 *
 * @param dataset the {@code dataset} key and optional {@code data_dir}
 * @param neuronParams the {@code neuron_params} section ({@code tau_mem} defaults to tau_syn)
 * @param networkLayout the {@code network_layout} section
 * @param trainingParams the {@code training_params} section
 * @param source where the config came from (file path or a name given to the loader), for
 *     messages and provenance; may be null
 */
public record ExperimentConfig(
    DatasetConfig dataset,
    NeuronParams neuronParams,
    NetworkLayout networkLayout,
    TrainingParams trainingParams,
    String source) {

  public ExperimentConfig {
    try {
      Checks.required("dataset", dataset);
      Checks.required("neuron_params", neuronParams);
      Checks.required("network_layout", networkLayout);
      Checks.required("training_params", trainingParams);
      Checks.perLayer("training_params.max_num_missing_spikes",
          trainingParams.maxNumMissingSpikes(), networkLayout.nLayers());
      variantOf(neuronParams);
      checkBufferSizes(networkLayout, trainingParams);
    } catch (ConfigException e) {
      throw e.inFile(source);
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
    return withTraining(() -> trainingParams.withEpochNumber(epochs));
  }

  /**
   * The same experiment with one seed for everything: sets both {@code numpy_seed} (data order
   * and noise) and {@code torch_seed} (initial weights) to {@code seed}, so that a single number
   * given on a command line reproduces a run. Use {@link TrainingParams#withSeeds} for distinct
   * seeds.
   */
  public ExperimentConfig withSeed(long seed) {
    return withTraining(() -> trainingParams.withSeeds(seed, seed));
  }

  /** The same experiment reading its data from {@code dir} ({@code data_dir}). */
  public ExperimentConfig withDataDir(Path dir) {
    return new ExperimentConfig(dataset.withDataDir(dir), neuronParams, networkLayout,
        trainingParams, source);
  }

  /** The same experiment with another source name (the records are otherwise equal). */
  public ExperimentConfig withSource(String newSource) {
    return new ExperimentConfig(dataset, neuronParams, networkLayout, trainingParams, newSource);
  }

  /** Builds changed training parameters; a rejected value is reported against our source. */
  private ExperimentConfig withTraining(Supplier<TrainingParams> change) {
    try {
      return new ExperimentConfig(dataset, neuronParams, networkLayout, change.get(), source);
    } catch (ConfigException e) {
      throw e.inFile(source);
    }
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
