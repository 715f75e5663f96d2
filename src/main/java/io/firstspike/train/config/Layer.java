package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.firstspike.core.layer.DelayType;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.Positivity;
import java.util.List;

/**
 * One entry of the new schema's {@code network_layout.layers} (DELGRAD-MODEL.md sections 1, 2.1,
 * 2.2 and 3.1), chosen by its {@code name}. {@code feat_in} and {@code feat_out}, which HEAD
 * writes into the per-epoch configs, are ignored (the shapes follow from the layers). Each record
 * checks its own keys; the order of the layers and their shapes are checked by {@link
 * DelgradLayout}, the neuron parameters by {@link DelgradExperiment}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY,
    property = "name", visible = true)
@JsonSubTypes({
    @JsonSubTypes.Type(value = Layer.Broadcast.class, name = Layer.Broadcast.NAME),
    @JsonSubTypes.Type(value = Layer.Delay.class,
        names = {"DelayAxonal", "DelaySynaptic", "DelayDendritic"}),
    @JsonSubTypes.Type(value = Layer.Biases.class, name = Layer.Biases.NAME),
    @JsonSubTypes.Type(value = Layer.Multiplex.class, name = Layer.Multiplex.NAME),
    @JsonSubTypes.Type(value = Layer.Neuron.class, name = Layer.Neuron.NAME)})
@JsonIgnoreProperties({"feat_in", "feat_out"})
@JsonClassDescription("layer type")
public sealed interface Layer
    permits Layer.Broadcast, Layer.Delay, Layer.Biases, Layer.Multiplex, Layer.Neuron {

  /** The layer's {@code name} (its type). */
  String name();

  /**
   * {@code BroadcastLayer}: one time per input becomes one per synapse of the next neurons.
   *
   * <p>HEAD builds a Broadcast layer from its name alone and ignores the other keys of its dict
   * (DELGRAD-MODEL.md section 14: a sweep that switches {@code layers/0/name} from {@code
   * DelayAxonal} to {@code BroadcastLayer} keeps the delay keys; its {@code learning_rate} is
   * None and its {@code monitor} records nothing, section 4 and 7.4). So the keys of a Delay
   * layer are accepted here and ignored, whatever their values; any other key is refused as
   * unknown, with the closest of these (a typo is still an error).
   *
   * @param name {@code BroadcastLayer}
   */
  @JsonIgnoreProperties({"feat_in", "feat_out", "delay_mean", "delay_std", "jitter",
      "learning_rate", "monitor", "positivity", "postsyn_sharing_factor", "presyn_sharing_factor",
      "trainable"})
  record Broadcast(String name) implements Layer {
    public static final String NAME = "BroadcastLayer";
  }

  /**
   * {@code DelayAxonal}, {@code DelaySynaptic}, {@code DelayDendritic}: trainable delays added to
   * the input times.
   *
   * @param name the delay type
   * @param delayMean {@code delay_mean}: mean of the initial raw delays
   * @param delayStd {@code delay_std}: their standard deviation, >= 0
   * @param jitter {@code jitter}: std of the noise on every delayed time per forward call (0)
   * @param learningRate {@code learning_rate} of this layer's delays, null: the global one
   * @param monitor {@code monitor}: record the effective delays every epoch (needs trainable)
   * @param positivity {@code positivity}: how the raw parameters become positive delays
   * @param postsynSharingFactor {@code postsyn_sharing_factor} (1): neurons sharing one delay
   * @param presynSharingFactor {@code presyn_sharing_factor} (1): inputs sharing one delay
   * @param trainable {@code trainable} (true): false keeps the delays fixed
   */
  record Delay(
      String name,
      @JsonProperty(required = true) double delayMean,
      @JsonProperty(required = true) double delayStd,
      @JsonProperty(defaultValue = "0.0") double jitter,
      Double learningRate,
      @JsonProperty(defaultValue = "false") boolean monitor,
      DelayPositivity positivity,
      @JsonProperty(defaultValue = "1") int postsynSharingFactor,
      @JsonProperty(defaultValue = "1") int presynSharingFactor,
      @JsonProperty(defaultValue = "true") boolean trainable) implements Layer {
    public Delay {
      if (positivity == null) {
        throw ConfigException.at("positivity", "is required but missing: give {name: sigmoid,"
            + " shift, scale}, {name: clip} or {name: shift} (HEAD: \"You have to specify a way"
            + " to make the delays positive\")");
      }
      Checks.nonNegative("delay_std", delayStd);
      Checks.nonNegative("jitter", jitter);
      if (learningRate != null) {
        Checks.nonNegative("learning_rate", learningRate);
      }
      Checks.positive("presyn_sharing_factor", presynSharingFactor);
      Checks.positive("postsyn_sharing_factor", postsynSharingFactor);
      if (monitor && !trainable) {
        throw ConfigException.at("monitor", "is true but trainable is false; HEAD monitors only"
            + " trainable delays: set monitor: false or trainable: true");
      }
    }

    /** The core's delay type of {@link #name}. */
    public DelayType type() {
      for (DelayType t : DelayType.values()) {
        if (t.configName().equals(name)) {
          return t;
        }
      }
      throw new IllegalStateException("not a delay layer: " + name);
    }

    LayerSpec.Delay toSpec() {
      return new LayerSpec.Delay(type(), positivity.toCore(), presynSharingFactor,
          postsynSharingFactor, jitter, trainable, new LayerSpec.Normal(delayMean, delayStd));
    }
  }

  /**
   * A Delay layer's {@code positivity}: {@code sigmoid} (delays in (shift, shift + scale)),
   * {@code clip} or {@code shift} (DELGRAD-MODEL.md section 2.2).
   *
   * @param name the kind
   * @param shift sigmoid only: the lower bound (0.0)
   * @param scale sigmoid only: the range (1.0)
   */
  record DelayPositivity(@JsonProperty(required = true) Kind name, Double shift, Double scale) {
    /** The positivity {@code name}s. */
    @JsonClassDescription("positivity")
    public enum Kind implements ConfigName {
      SIGMOID("sigmoid"),
      CLIP("clip"),
      SHIFT("shift");

      private final String yamlName;

      Kind(String yamlName) {
        this.yamlName = yamlName;
      }

      @Override
      public String yamlName() {
        return yamlName;
      }
    }

    public DelayPositivity {
      if (name == Kind.SIGMOID) {
        shift = shift == null ? 0.0 : shift;
        scale = scale == null ? 1.0 : scale;
      } else if (shift != null || scale != null) {
        throw ConfigException.at(shift != null ? "shift" : "scale", "is only used by the sigmoid"
            + " positivity, not by " + name.yamlName() + "; remove it");
      }
    }

    /** The core's positivity. */
    public Positivity toCore() {
      return switch (name) {
        case SIGMOID -> Positivity.sigmoid(shift, scale);
        case CLIP -> Positivity.clip();
        case SHIFT -> Positivity.shiftToPositive();
      };
    }
  }

  /**
   * {@code Biases}: inputs that always spike at {@code times}, appended after the others.
   *
   * @param name {@code Biases}
   * @param times the bias spike times, >= 0 each
   */
  record Biases(String name, @JsonProperty(required = true) List<Double> times) implements Layer {
    public static final String NAME = "Biases";

    public Biases {
      for (int k = 0; k < times.size(); k++) {
        Checks.nonNegative("times[" + k + "]", times.get(k));
      }
      times = List.copyOf(times);
    }
  }

  /**
   * {@code Multiplex}: each input repeated {@code factor} times, interleaved (x, x, y, y).
   *
   * @param name {@code Multiplex}
   * @param factor the repeat count, >= 1
   */
  record Multiplex(String name, @JsonProperty(required = true) int factor) implements Layer {
    public static final String NAME = "Multiplex";

    public Multiplex {
      Checks.positive("factor", factor);
    }
  }

  /**
   * {@code NeuronLayer}: {@code size} LIF neurons with one weight per input (synapse row).
   *
   * @param name {@code NeuronLayer}
   * @param biases {@code biases}: HEAD ignores it (pattern.yaml has {@code biases: []}); only an
   *     empty list is accepted, bias inputs are a {@code Biases} layer
   * @param learningRate {@code learning_rate} of its weights, null: the global one
   * @param maxNumMissingSpikes {@code max_num_missing_spikes}: the largest tolerated fraction of
   *     silent neurons before weight bumping, in [0, 1]; 1 when not trainable
   * @param monitor {@code monitor}: record the weights every epoch (needs trainable)
   * @param neuronParams {@code neuron_params}: overrides of default_neuron_params, key by key
   * @param size {@code size}: the number of neurons, >= 1
   * @param trainable {@code trainable} (true): false keeps the weights fixed
   * @param weightsMean {@code weights_mean}: mean of the initial weights
   * @param weightsStd {@code weights_std}: their standard deviation, >= 0
   */
  record Neuron(
      String name,
      List<Double> biases,
      Double learningRate,
      @JsonProperty(required = true) double maxNumMissingSpikes,
      @JsonProperty(defaultValue = "false") boolean monitor,
      NeuronKeys neuronParams,
      @JsonProperty(required = true) int size,
      @JsonProperty(defaultValue = "true") boolean trainable,
      @JsonProperty(required = true) double weightsMean,
      @JsonProperty(required = true) double weightsStd) implements Layer {
    public static final String NAME = "NeuronLayer";

    public Neuron {
      if (biases != null && !biases.isEmpty()) {
        throw ConfigException.at("biases", "is ignored by HEAD, so only [] is accepted; give"
            + " bias inputs as a layer {name: Biases, times: " + Checks.shown(biases) + "}"
            + " before the Broadcast or Delay layer");
      }
      Checks.positive("size", size);
      Checks.within("max_num_missing_spikes", maxNumMissingSpikes, 0, 1);
      if (!trainable && maxNumMissingSpikes != 1) {
        throw ConfigException.at("max_num_missing_spikes", "must be 1 when trainable is false"
            + " (a fixed layer cannot be bumped), got " + maxNumMissingSpikes);
      }
      if (monitor && !trainable) {
        throw ConfigException.at("monitor", "is true but trainable is false; HEAD monitors only"
            + " trainable layers: set monitor: false or trainable: true");
      }
      if (learningRate != null) {
        Checks.nonNegative("learning_rate", learningRate);
      }
      Checks.nonNegative("weights_std", weightsStd);
    }
  }
}
