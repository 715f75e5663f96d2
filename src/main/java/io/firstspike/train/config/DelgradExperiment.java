package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.LayerTraining;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.core.loss.DelgradLoss;
import io.firstspike.core.loss.DelgradObjective;
import io.firstspike.core.loss.DelgradRegulariser;
import io.firstspike.core.optim.DelgradWeightBumper;
import io.firstspike.core.optim.WeightClipping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A complete, validated experiment in the new (DelGrad) schema of the original's HEAD
 * (DELGRAD-MODEL.md sections 0 to 11), plus our {@code data_dir}; and its mapping to the core's
 * DelGrad types: {@link #toLayerSpecs} and the network built from them ({@link #newNetwork},
 * {@link #network}), {@link #toLayerTraining}, {@link #loss}, {@link #learningRate}, {@link #clipping},
 * {@link #roundingPrecision}, {@link #weightBumper}.
 *
 * <p>Checked here, besides what each section checks itself: the keys HEAD requires in {@code
 * default_neuron_params}; per NeuronLayer the merged neuron parameters (variant from {@code
 * model_tau_ratio} or tau_mem / tau_syn, and HEAD's assertion tau_syn / tau_mem = g_leak for
 * {@code substrate: sim}); the training keys of this schema ({@code substrate}, no 2021 loss keys
 * at the top level, the losses and regularisers HEAD knows, {@code l2_delay} only with Delay
 * layers); and the data sets FirstSpike can build.
 *
 * @param dataDir {@code data_dir}: folder holding data files (MNIST IDX), null for the default
 * @param datasetParams {@code dataset_params}
 * @param defaultNeuronParams {@code default_neuron_params}, the neuron parameters of every layer
 *     unless a NeuronLayer overrides them
 * @param networkLayout {@code network_layout}
 * @param trainingParams {@code training_params}
 * @param source where the config came from, for messages and provenance; may be null
 */
public record DelgradExperiment(
    Path dataDir,
    @JsonProperty(required = true) DatasetParams datasetParams,
    @JsonProperty(required = true) NeuronKeys defaultNeuronParams,
    @JsonProperty(required = true) DelgradLayout networkLayout,
    @JsonProperty(required = true) TrainingParams trainingParams,
    @JsonIgnore String source) implements AnyConfig {

  public DelgradExperiment {
    try {
      Checks.required("dataset_params", datasetParams);
      Checks.required("default_neuron_params", defaultNeuronParams);
      Checks.required("network_layout", networkLayout);
      Checks.required("training_params", trainingParams);
      try {
        defaultNeuronParams.requireDefaults();
      } catch (ConfigException e) {
        throw e.under("default_neuron_params");
      }
      checkData(datasetParams, networkLayout);
      for (int i : networkLayout.neuronLayers()) {
        checkNeuronLayer(networkLayout, i, defaultNeuronParams);
      }
      checkTraining(trainingParams, networkLayout);
    } catch (ConfigException e) {
      throw e.inFile(source);
    }
  }

  private static void checkTraining(TrainingParams t, DelgradLayout layout) {
    String p = "training_params.";
    if (t.substrate() == null) {
      throw ConfigException.at(p + "substrate", "is required but missing (HEAD fails without"
          + " it): set substrate: sim");
    }
    if (t.substrate() != Substrate.SIM || t.useHicannx()) {
      throw ConfigException.at(p + "substrate", "must be sim: the BrainScaleS-2 chip cannot be"
          + " used from FirstSpike");
    }
    String old = "the 2021";
    Schemas.refuseKey(p + "xi", t.xi(), old);
    Schemas.refuseKey(p + "alpha", t.alpha(), old);
    Schemas.refuseKey(p + "beta", t.beta(), old);
    if (t.maxNumMissingSpikes() != null) {
      throw ConfigException.at(p + "max_num_missing_spikes", "is a key of the 2021 schema; the"
          + " new schema has max_num_missing_spikes per NeuronLayer in network_layout.layers");
    }
    if (t.maxDwNorm() != Double.POSITIVE_INFINITY) {
      throw ConfigException.at(p + "max_dw_norm", "is " + t.maxDwNorm() + ", but the new schema"
          + " reads the gradient clipping bound from default_neuron_params.max_dw_norm (HEAD"
          + " ignores this key): move it there and set false here");
    }
    Checks.required(p + "optimizer", t.optimizer());
    if (t.loss() == null) {
      throw ConfigException.at(p + "loss", "is required but missing; give {type:"
          + " shift_invariant_MSE, delta_t}, {type: MSE, t_correct, t_wrong} or {type: TTFS, xi},"
          + " each with an optional regulariser list");
    }
    if (t.loss() instanceof LossConfig.Ttfs ttfs && (ttfs.alpha() != null || ttfs.beta() != null)) {
      throw ConfigException.at(p + "loss." + (ttfs.alpha() != null ? "alpha" : "beta"), "is not"
          + " read by the new schema's TTFS loss (HEAD ignores it): list the term as regulariser:"
          + " [{type: early_output, alpha, beta}]");
    }
    boolean delays = layout.layers().stream().anyMatch(l -> l instanceof Layer.Delay);
    List<LossConfig.Regulariser> regs = t.loss().regulariser();
    for (int k = 0; k < regs.size(); k++) {
      if (regs.get(k) instanceof LossConfig.L2Delay && !delays) {
        throw ConfigException.at(p + "loss.regulariser[" + k + "]", "l2_delay penalises the"
            + " delays, but network_layout.layers has no Delay layer");
      }
    }
  }

  private static void checkNeuronLayer(DelgradLayout layout, int i, NeuronKeys defaults) {
    var settings = layout.settings(i, defaults);
    var p = settings.params();
    if (p.tauSyn() / p.tauMem() != p.gLeak()) {
      Layer.Neuron n = (Layer.Neuron) layout.layers().get(i);
      boolean own = n.neuronParams() != null && n.neuronParams().gLeak() != null;
      throw ConfigException.at(own ? "network_layout.layers[" + i + "].neuron_params.g_leak"
          : "default_neuron_params.g_leak", "is " + p.gLeak() + " but tau_syn / tau_mem = "
          + p.tauSyn() / p.tauMem() + " for NeuronLayer " + i + "; HEAD requires them equal for"
          + " substrate sim");
    }
  }

  private static void checkData(DatasetParams d, DelgradLayout layout) {
    if (d.classes() != null) {
      for (int k = 0; k < d.classes().size(); k++) {
        if (d.classes().get(k) instanceof DatasetParams.PatternClass.Pattern pattern
            && pattern.pattern().size() != layout.nInputs()) {
          throw ConfigException.at("dataset_params.classes[" + k + "].pattern", "has "
              + pattern.pattern().size() + " values but network_layout.n_inputs is "
              + layout.nInputs() + "; give one value per input");
        }
      }
    }
    if (DatasetParams.HEAD_ONLY.contains(d.name())) {
      throw ConfigException.at("dataset_params.name", "the data set '" + d.name() + "' is"
          + " generated by HEAD only and is not built into FirstSpike; valid are "
          + String.join(", ", io.firstspike.data.DatasetFactory.BUILT_IN));
    }
  }

  /** The core's layer specs of {@code network_layout.layers} (see {@link DelgradLayout}). */
  public List<LayerSpec> toLayerSpecs() {
    return networkLayout.toLayerSpecs(defaultNeuronParams);
  }

  /** How each entry of {@code network_layout.layers} is trained (see {@link DelgradLayout}). */
  public List<LayerTraining> toLayerTraining() {
    return networkLayout.toLayerTraining(defaultNeuronParams);
  }

  /**
   * A new network of this config: its layer specs, parameters drawn from {@code source} in layer
   * order (DELGRAD-MODEL.md section 9), the forward pass's weight rounding.
   */
  public LayerNetwork newNetwork(SeededNoise source) {
    return LayerNetwork.initialise(networkLayout.nInputs(), toLayerSpecs(), roundingPrecision(),
        source);
  }

  /**
   * This config's network with saved parameters by name ({@code layers.<i>.weights}, {@code
   * layers.<i>._delay_parameters}, {@code layers.<i>.threshold_noise_fp}).
   *
   * @throws IllegalArgumentException when a parameter is missing, misshapen or unknown
   */
  public LayerNetwork network(Map<String, double[]> parameters) {
    return LayerNetwork.withParameters(networkLayout.nInputs(), toLayerSpecs(),
        roundingPrecision(), parameters);
  }

  /**
   * The core loss: the objective of {@code training_params.loss} and its regularisers, in the
   * time unit tau = {@code default_neuron_params.tau_syn} (DELGRAD-MODEL.md section 5).
   */
  public DelgradLoss loss() {
    return lossOf(trainingParams.loss(), defaultNeuronParams.tauSyn());
  }

  /** The core loss of a new-schema loss section with time unit {@code tauSyn}. */
  public static DelgradLoss lossOf(LossConfig loss, double tauSyn) {
    DelgradObjective objective;
    if (loss instanceof LossConfig.ShiftInvariantMse s) {
      objective = new DelgradObjective.ShiftInvariantMse(s.deltaT(), tauSyn);
    } else if (loss instanceof LossConfig.Mse m) {
      objective = new DelgradObjective.Mse(m.tCorrect(), m.tWrong(), tauSyn);
    } else {
      objective = new DelgradObjective.Ttfs(((LossConfig.Ttfs) loss).xi(), tauSyn);
    }
    List<DelgradRegulariser> regs = new ArrayList<>();
    for (LossConfig.Regulariser r : loss.regulariser()) {
      if (r instanceof LossConfig.EarlyOutput e) {
        regs.add(new DelgradRegulariser.EarlyOutput(e.alpha(), e.beta(), tauSyn));
      } else {
        LossConfig.L2Delay l2 = (LossConfig.L2Delay) r;
        regs.add(new DelgradRegulariser.L2Delay(l2.alpha(), l2.useEffectiveDelays()));
      }
    }
    return new DelgradLoss(objective, regs);
  }

  /** The initial learning rate of layer entry {@code i}'s parameter group. */
  public double learningRate(int i) {
    return networkLayout.learningRate(i, trainingParams.learningRate());
  }

  /** Weight clipping after every batch (global and per-layer {@code clip_weights_max}). */
  public WeightClipping.Plan clipping() {
    return networkLayout.clipping(trainingParams.clipWeightsMax(), defaultNeuronParams);
  }

  /** The forward pass's weight rounding precision, 0 for none. */
  public double roundingPrecision() {
    return trainingParams.roundingPrecision() == null ? 0 : trainingParams.roundingPrecision();
  }

  /** A weight bumper with the config's value, doubling and targeting. */
  public DelgradWeightBumper weightBumper() {
    return new DelgradWeightBumper(trainingParams.weightBumpingValue(),
        trainingParams.weightBumpingExp(), trainingParams.weightBumpingTargeted());
  }

  /** {@code max_num_missing_spikes} of NeuronLayer {@code i} (its index in the layer list). */
  public double maxNumMissingSpikes(int i) {
    return ((Layer.Neuron) networkLayout.layers().get(i)).maxNumMissingSpikes();
  }

  /** The same experiment trained for {@code epochs} epochs (snapshots as listed). */
  public DelgradExperiment withEpochs(int epochs) {
    return withTraining(trainingParams.withEpochNumber(epochs));
  }

  /**
   * The same experiment with one seed for everything: {@code numpy_seed} (data order) and
   * {@code torch_seed} (initial parameters and the run's noise), as {@link
   * ExperimentConfig#withSeed}.
   */
  public DelgradExperiment withSeed(long seed) {
    return withTraining(trainingParams.withSeeds(seed, seed));
  }

  /** The same experiment reading its data from {@code dir} ({@code data_dir}). */
  public DelgradExperiment withDataDir(Path dir) {
    return new DelgradExperiment(dir, datasetParams, defaultNeuronParams, networkLayout,
        trainingParams, source);
  }

  private DelgradExperiment withTraining(TrainingParams t) {
    try {
      return new DelgradExperiment(dataDir, datasetParams, defaultNeuronParams, networkLayout, t,
          source);
    } catch (ConfigException e) {
      throw e.inFile(source);
    }
  }

  /** The same experiment with another source name. */
  public DelgradExperiment withSource(String newSource) {
    return new DelgradExperiment(dataDir, datasetParams, defaultNeuronParams, networkLayout,
        trainingParams, newSource);
  }
}
