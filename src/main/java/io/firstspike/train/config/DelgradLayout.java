package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.LayerTraining;
import io.firstspike.core.layer.NeuronSettings;
import io.firstspike.core.optim.WeightClipping;
import java.util.ArrayList;
import java.util.List;

/**
 * The new schema's {@code network_layout} (DELGRAD-MODEL.md section 1): the input width and the
 * list of layers, checked as HEAD builds the network. Starting from {@code [n_inputs, 1]}, every
 * layer maps its input shape [N, S] (S = 1: one time per input, S = M: one per synapse of the
 * next M neurons) to its output:
 *
 * <pre>
 *   BroadcastLayer            [N, 1] -> [N, M_next]
 *   Delay*                    [N, 1] or [N, M_next] -> [N, M_next]; N % presyn_sharing = 0,
 *                             M_next % postsyn_sharing = 0
 *   Biases (times)            [N, S] -> [N + len(times), S]
 *   Multiplex (factor)        [N, S] -> [N * factor, S]
 *   NeuronLayer (size M)      [N, M] -> [M, 1]      (needs one time per synapse)
 * </pre>
 *
 * M_next is the size of the first NeuronLayer at or after the layer; the last layer is a
 * NeuronLayer.
 *
 * @param layers {@code layers}: the layers in order
 * @param nInputs {@code n_inputs}: input width (must equal the data's), >= 1
 * @param widthPixel {@code width_pixel}: 16x16_mnist image side, null for the default 16
 */
public record DelgradLayout(
    @JsonProperty(required = true) List<Layer> layers,
    @JsonProperty(required = true) int nInputs,
    Integer widthPixel) {

  public DelgradLayout {
    Checks.positive("n_inputs", nInputs);
    if (widthPixel != null) {
      Checks.positive("width_pixel", widthPixel);
    }
    if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof Layer.Neuron)) {
      throw ConfigException.at("layers", "must end with a NeuronLayer (the label layer), got "
          + layers.stream().map(Layer::name).toList());
    }
    layers = List.copyOf(layers);
    checkShapes(nInputs, layers);
  }

  private static void checkShapes(int nInputs, List<Layer> layers) {
    long rows = nInputs;
    long synapses = 1;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      String at = "layers[" + i + "]";
      int next = nextNeuronSize(layers, i);
      if (layer instanceof Layer.Broadcast) {
        if (synapses != 1) {
          throw ConfigException.at(at, "BroadcastLayer needs one time per input, but the layer"
              + " before already gives one per synapse; remove it");
        }
        synapses = next;
      } else if (layer instanceof Layer.Delay d) {
        if (synapses != 1 && synapses != next) {
          throw ConfigException.at(at, d.name() + " gets " + synapses + " synapses per input"
              + " but the next NeuronLayer has " + next + " neurons");
        }
        if (rows % d.presynSharingFactor() != 0) {
          throw ConfigException.at(at + ".presyn_sharing_factor", rows + " inputs are not"
              + " divisible by presyn_sharing_factor " + d.presynSharingFactor());
        }
        if (next % d.postsynSharingFactor() != 0) {
          throw ConfigException.at(at + ".postsyn_sharing_factor", "the next NeuronLayer's "
              + next + " neurons are not divisible by postsyn_sharing_factor "
              + d.postsynSharingFactor());
        }
        synapses = next;
      } else if (layer instanceof Layer.Biases b) {
        rows += b.times().size();
      } else if (layer instanceof Layer.Multiplex x) {
        rows *= x.factor();
      } else {
        Layer.Neuron n = (Layer.Neuron) layer;
        if (synapses != n.size()) {
          throw ConfigException.at(at, "a NeuronLayer needs one input time per synapse: put a"
              + " BroadcastLayer or a Delay layer before it (directly, or before Biases or"
              + " Multiplex)");
        }
        if (rows * n.size() > Checks.MAX_ARRAY_LENGTH) {
          throw ConfigException.at(at + ".size", "layer " + i + " would have " + rows + " x "
              + n.size() + " = " + rows * n.size() + " weights; at most "
              + Checks.MAX_ARRAY_LENGTH + " fit in one array");
        }
        rows = n.size();
        synapses = 1;
      }
      if (rows * synapses > Checks.MAX_ARRAY_LENGTH) {
        throw ConfigException.at(at, rows + " inputs x " + synapses + " synapses = "
            + rows * synapses + " times per sample; at most " + Checks.MAX_ARRAY_LENGTH
            + " fit in one array");
      }
    }
  }

  /** M_next: the size of the first NeuronLayer at or after layer i. */
  private static int nextNeuronSize(List<Layer> layers, int i) {
    for (int k = i; k < layers.size(); k++) {
      if (layers.get(k) instanceof Layer.Neuron n) {
        return n.size();
      }
    }
    throw new IllegalStateException("no NeuronLayer after layer " + i); // the last one is
  }

  /** The indices of the NeuronLayers, in order (the last is the label layer). */
  public List<Integer> neuronLayers() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof Layer.Neuron) {
        out.add(i);
      }
    }
    return out;
  }

  /** The neuron parameters of NeuronLayer {@code i}: the defaults overridden by its own. */
  public NeuronKeys neuronKeys(int i, NeuronKeys defaults) {
    return defaults.overriddenBy(((Layer.Neuron) layers.get(i)).neuronParams());
  }

  /**
   * The core's layer specs (DELGRAD-MODEL.md sections 1 to 3): delays with their positivity,
   * sharing, jitter and initialisation; neuron layers with their merged neuron parameters
   * ({@link NeuronKeys#toSettings}: variant, HEAD's EPS rule, max_dw_norm, noise).
   *
   * @param defaults {@code default_neuron_params}
   */
  public List<LayerSpec> toLayerSpecs(NeuronKeys defaults) {
    List<LayerSpec> specs = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      if (l instanceof Layer.Delay d) {
        specs.add(d.toSpec());
      } else if (l instanceof Layer.Biases b) {
        specs.add(new LayerSpec.Biases(b.times().stream().mapToDouble(Double::doubleValue).toArray()));
      } else if (l instanceof Layer.Multiplex x) {
        specs.add(new LayerSpec.Multiplex(x.factor()));
      } else if (l instanceof Layer.Neuron n) {
        specs.add(new LayerSpec.Neuron(n.size(), settings(i, defaults), n.trainable(),
            new LayerSpec.Normal(n.weightsMean(), n.weightsStd())));
      } else {
        specs.add(new LayerSpec.Broadcast());
      }
    }
    return specs;
  }

  /**
   * How each entry is trained (DELGRAD-MODEL.md sections 6 and 7): its own learning rate,
   * monitor flag, a NeuronLayer's max_num_missing_spikes and its merged clip_weights_max; {@link
   * LayerTraining#NONE} for the layers without parameters.
   *
   * @param defaults {@code default_neuron_params}
   */
  public List<LayerTraining> toLayerTraining(NeuronKeys defaults) {
    List<LayerTraining> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      if (l instanceof Layer.Delay d) {
        out.add(new LayerTraining(d.learningRate(), d.monitor(), null,
            WeightClipping.Setting.ABSENT));
      } else if (l instanceof Layer.Neuron n) {
        out.add(new LayerTraining(n.learningRate(), n.monitor(), n.maxNumMissingSpikes(),
            neuronKeys(i, defaults).clipping()));
      } else {
        out.add(LayerTraining.NONE);
      }
    }
    return out;
  }

  /**
   * The core settings of NeuronLayer {@code i}; a problem is reported at the layer's own
   * {@code neuron_params} key when the layer sets that key, else at {@code default_neuron_params}.
   */
  NeuronSettings settings(int i, NeuronKeys defaults) {
    try {
      return neuronKeys(i, defaults).toSettings();
    } catch (ConfigException e) {
      NeuronKeys own = ((Layer.Neuron) layers.get(i)).neuronParams();
      String key = e.keyPath().split("[.\\[]")[0];
      boolean overridden = own != null && ConfigMapper.toTree(own).has(key);
      throw e.under(overridden ? "network_layout.layers[" + i + "].neuron_params"
          : "default_neuron_params");
    }
  }

  /**
   * The initial learning rate of layer {@code i}'s parameter group: its own {@code
   * learning_rate}, else the global one (DELGRAD-MODEL.md section 6).
   */
  public double learningRate(int i, double global) {
    Layer l = layers.get(i);
    Double own = l instanceof Layer.Delay d ? d.learningRate()
        : l instanceof Layer.Neuron n ? n.learningRate() : null;
    return own != null ? own : global;
  }

  /** The per-NeuronLayer clipping of DELGRAD-MODEL.md section 7.3. */
  public WeightClipping.Plan clipping(WeightClipping.Setting global, NeuronKeys defaults) {
    List<WeightClipping.Setting> own = new ArrayList<>();
    for (int i : neuronLayers()) {
      own.add(neuronKeys(i, defaults).clipping());
    }
    return WeightClipping.resolve(global == null ? WeightClipping.Setting.ABSENT : global, own);
  }
}
