package io.firstspike.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.core.layer.DelayType;
import io.firstspike.core.layer.EpsRule;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.NeuronSettings;
import io.firstspike.core.layer.Positivity;
import io.firstspike.core.layer.ReferenceNeuronPass;
import io.firstspike.core.neuron.NeuronParams;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns the new-schema config parts that the DelGrad golden file holds (as JSON) into layer
 * specs, following DELGRAD-MODEL.md sections 3.1 and 11: a layer's neuron_params = the
 * default_neuron_params overridden key by key; variant from model_tau_ratio or tau_mem / tau_syn.
 * (The golden file's configs were parsed by HEAD, so no validation beyond what the specs do.)
 */
public final class DelgradLayers {
  private DelgradLayers() {}

  /** The specs of {@code network_layout.layers} given {@code default_neuron_params}. */
  public static List<LayerSpec> fromConfig(JsonNode layout, JsonNode defaultNeuronParams) {
    List<LayerSpec> specs = new ArrayList<>();
    for (JsonNode l : layout.get("layers")) {
      String name = l.get("name").asText();
      specs.add(switch (name) {
        case "BroadcastLayer" -> new LayerSpec.Broadcast();
        case "DelayAxonal", "DelaySynaptic", "DelayDendritic" -> delay(l, name);
        case "Biases" -> new LayerSpec.Biases(GoldenJson.vector(l.get("times")));
        case "Multiplex" -> new LayerSpec.Multiplex(l.get("factor").asInt());
        case "NeuronLayer" -> new LayerSpec.Neuron(l.get("size").asInt(),
            neuronSettings(merge(defaultNeuronParams, l.get("neuron_params"))),
            l.path("trainable").asBoolean(true),
            new LayerSpec.Normal(l.path("weights_mean").asDouble(0),
                l.path("weights_std").asDouble(0)));
        default -> throw new IllegalArgumentException("Layertype " + name + " not implemented");
      });
    }
    return specs;
  }

  static LayerSpec.Delay delay(JsonNode l, String name) {
    DelayType type = switch (name) {
      case "DelayAxonal" -> DelayType.AXONAL;
      case "DelaySynaptic" -> DelayType.SYNAPTIC;
      default -> DelayType.DENDRITIC;
    };
    return new LayerSpec.Delay(type, positivity(l.get("positivity")),
        l.path("presyn_sharing_factor").asInt(1), l.path("postsyn_sharing_factor").asInt(1),
        l.path("jitter").asDouble(0), l.path("trainable").asBoolean(true),
        new LayerSpec.Normal(l.path("delay_mean").asDouble(0), l.path("delay_std").asDouble(0)));
  }

  /** {@code {name: sigmoid|clip|shift, shift, scale}}. */
  public static Positivity positivity(JsonNode p) {
    return switch (p.get("name").asText()) {
      case "sigmoid" -> Positivity.sigmoid(p.path("shift").asDouble(0.0),
          p.path("scale").asDouble(1.0));
      case "clip" -> Positivity.clip();
      case "shift" -> Positivity.shiftToPositive();
      default -> throw new IllegalArgumentException("unknown positivity " + p);
    };
  }

  /** A complete neuron_params dict (DelGrad schema, EPS rule DELGRAD). */
  public static NeuronSettings neuronSettings(JsonNode p) {
    double tauSyn = p.get("tau_syn").asDouble();
    double tauMem = p.get("tau_mem").asDouble();
    NeuronParams params = new NeuronParams(p.get("g_leak").asDouble(), p.get("leak").asDouble(),
        p.get("threshold").asDouble(), tauSyn, tauMem);
    JsonNode ratio = p.get("model_tau_ratio");
    JsonNode clip = p.get("max_dw_norm");
    double maxDwNorm = clip == null || clip.isNull() || clip.isBoolean()
        ? ReferenceNeuronPass.NO_CLIPPING : clip.asDouble();
    NeuronSettings.Noise noise = new NeuronSettings.Noise(
        p.path("threshold_noise_s2s_std").asDouble(0), p.path("threshold_noise_b2b_std").asDouble(0),
        p.path("threshold_noise_fp_mean").asDouble(0), p.path("threshold_noise_fp_std").asDouble(0),
        p.path("jitter").asDouble(0));
    return new NeuronSettings(params, NeuronSettings.variantOf(tauSyn, tauMem,
        ratio == null || ratio.isNull() ? null : ratio.asDouble()), EpsRule.DELGRAD, maxDwNorm,
        noise);
  }

  static JsonNode merge(JsonNode defaults, JsonNode overrides) {
    ObjectNode merged = ((ObjectNode) defaults).deepCopy();
    if (overrides != null && !overrides.isNull()) {
      Iterator<Map.Entry<String, JsonNode>> it = overrides.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        merged.set(e.getKey(), e.getValue());
      }
    }
    return merged;
  }
}
