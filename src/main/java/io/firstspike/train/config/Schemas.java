package io.firstspike.train.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a config tree needs before it is bound, and the 2021 schema's short forms
 * (DELGRAD-MODEL.md section 0, TTFS-MODEL.md sections 2 and 5):
 *
 * <ul>
 *   <li>{@link #refuseChip}: a config that asks for the BrainScaleS-2 chip is refused before any
 *       other check;
 *   <li>{@link #detect}: the schema, by its keys; a config mixing both is refused;
 *   <li>{@link #expand2021} / {@link #fold2021}: the 2021 short forms, expanded before binding
 *       and written back as the original writes them: one {@code max_num_missing_spikes} for all
 *       layers, one {@code bias_times} list for all layers, TTFS from the top-level {@code xi},
 *       {@code alpha}, {@code beta} without a {@code loss} section;
 *   <li>{@link #fillDelgrad}: the new schema's defaults that differ from the 2021 ones
 *       ({@code optimizer: sgd}) and its leftover {@code training_params.max_dw_norm}.
 * </ul>
 */
final class Schemas {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** The two schemas. */
  enum Schema {
    TTFS_2021,
    DELGRAD
  }

  private Schemas() {}

  /**
   * Refuses a config that asks for the BrainScaleS-2 chip, whatever else it says: {@code
   * training_params.use_hicannx: true} (either schema) or {@code training_params.substrate: hx}
   * or {@code hx_pynn} (new schema). It reads {@code tokens} as a stream, before the tree is
   * built, so that the chip is named before any value is checked (.nan, aliases, duplicate keys,
   * nesting, the schema, the keys); a text unreadable before {@code training_params} is left to
   * those checks. use_hicannx is reported first when both ask.
   */
  static void refuseChip(JsonParser tokens) {
    boolean hicannx = false;
    String substrate = null;
    try (tokens) {
      if (tokens.nextToken() == JsonToken.START_OBJECT) {
        while (tokens.nextToken() == JsonToken.FIELD_NAME) {
          boolean training = tokens.currentName().equals("training_params");
          if (tokens.nextToken() == JsonToken.START_OBJECT && training) {
            while (tokens.nextToken() == JsonToken.FIELD_NAME) {
              String key = tokens.currentName();
              JsonToken value = tokens.nextToken();
              hicannx |= key.equals("use_hicannx") && value == JsonToken.VALUE_TRUE;
              if (key.equals("substrate") && value == JsonToken.VALUE_STRING
                  && CHIPS.contains(tokens.getText())) {
                substrate = tokens.getText();
              }
              tokens.skipChildren();
            }
          } else {
            tokens.skipChildren();
          }
        }
      }
    } catch (IOException unreadable) {
      // reported by the strict reading; what was read so far still counts
    }
    if (hicannx) {
      throw ConfigException.at("training_params.use_hicannx", "is true, but the BrainScaleS-2"
          + " chip (HICANN-X) cannot be used from FirstSpike: set use_hicannx: false (or remove"
          + " it) to train the simulated network");
    }
    if (substrate != null) {
      throw ConfigException.at("training_params.substrate", "is " + substrate + ", the"
          + " BrainScaleS-2 chip, which FirstSpike cannot use: set substrate: sim to train the"
          + " simulated network");
    }
  }

  /** The substrates that are the chip. */
  private static final List<String> CHIPS =
      List.of(Substrate.HX.yamlName(), Substrate.HX_PYNN.yamlName());

  /**
   * The schema of a config: new when it has {@code dataset_params}, {@code
   * default_neuron_params} or {@code network_layout.layers}; 2021 otherwise (its keys are
   * {@code dataset}, {@code neuron_params} and {@code network_layout.layer_sizes} etc.).
   *
   * @throws ConfigException when it has keys of both
   */
  static Schema detect(JsonNode root) {
    List<String> newKeys = new ArrayList<>();
    List<String> oldKeys = new ArrayList<>();
    for (String k : List.of("dataset_params", "default_neuron_params")) {
      if (root.has(k)) {
        newKeys.add(k);
      }
    }
    for (String k : List.of("dataset", "neuron_params")) {
      if (root.has(k)) {
        oldKeys.add(k);
      }
    }
    JsonNode layout = root.get("network_layout");
    if (layout != null && layout.isObject()) {
      if (layout.has("layers")) {
        newKeys.add("network_layout.layers");
      }
      for (String k : List.of("layer_sizes", "n_layers", "n_biases", "bias_times",
          "weight_means", "weight_stdevs")) {
        if (layout.has(k)) {
          oldKeys.add("network_layout." + k);
        }
      }
    }
    if (!newKeys.isEmpty() && !oldKeys.isEmpty()) {
      throw ConfigException.at("", "mixes the two config schemas: " + String.join(", ", newKeys)
          + " of the new (DelGrad) schema with " + String.join(", ", oldKeys) + " of the 2021"
          + " schema; neither version of the original reads such a file: use dataset_params,"
          + " default_neuron_params and network_layout.layers, or dataset, neuron_params and"
          + " network_layout.layer_sizes (see configs/README.md)");
    }
    return newKeys.isEmpty() ? Schema.TTFS_2021 : Schema.DELGRAD;
  }

  /**
   * Expands the 2021 short forms in place: a number {@code max_num_missing_spikes} becomes one
   * entry per layer, a flat {@code bias_times} list one list per layer (n_layers copies). Left
   * as they are when {@code n_layers} is not a positive integer (binding reports that).
   */
  static void expand2021(ObjectNode root) {
    JsonNode layout = root.get("network_layout");
    JsonNode training = root.get("training_params");
    int n = -1;
    if (layout instanceof ObjectNode l) {
      JsonNode nl = l.get("n_layers");
      n = nl != null && nl.isInt() && nl.intValue() > 0 ? nl.intValue() : -1;
      JsonNode times = l.get("bias_times");
      if (times instanceof ArrayNode t && !t.isEmpty()) {
        l.set("bias_times", biasTimesPerLayer(t, n));
      }
    }
    if (training instanceof ObjectNode t) {
      JsonNode m = t.get("max_num_missing_spikes");
      if (m != null && m.isNumber()) {
        ArrayNode perLayer = F.arrayNode();
        for (int k = 0; k < Math.max(n, 1); k++) {
          perLayer.add(m);
        }
        t.set("max_num_missing_spikes", perLayer);
      } else if (m != null && !m.isArray() && !m.isNull()) {
        throw ConfigException.at("training_params.max_num_missing_spikes", "expected a fraction"
            + " in [0, 1] or one fraction per layer, got " + Scalars.describe(m));
      }
    }
  }

  /** One list for all layers -> n copies; one list per layer stays; a mix is refused. */
  private static ArrayNode biasTimesPerLayer(ArrayNode times, int n) {
    String p = "network_layout.bias_times";
    boolean perLayer = times.get(0).isArray();
    for (int i = 0; i < times.size(); i++) {
      JsonNode e = times.get(i);
      if (perLayer && !e.isArray()) {
        throw ConfigException.at(p + "[" + i + "]", "expected a list of times (the other entries"
            + " are lists: one list per layer), got " + Scalars.describe(e));
      }
      if (!perLayer) {
        try {
          ConfigMapper.bind(e, Double.class, null);
        } catch (ConfigException refused) {
          throw refused.under(p + "[" + i + "]");
        }
      }
    }
    if (perLayer) {
      return times;
    }
    ArrayNode out = F.arrayNode();
    for (int k = 0; k < Math.max(n, 1); k++) {
      out.add(times.deepCopy());
    }
    return out;
  }

  /** The written 2021 tree in the original's forms (see {@link #expand2021}). */
  static void fold2021(ObjectNode root) {
    if (root.get("network_layout") instanceof ObjectNode l
        && l.get("bias_times") instanceof ArrayNode times && !times.isEmpty()) {
      boolean shared = true;
      for (JsonNode t : times) {
        shared &= t.equals(times.get(0));
      }
      if (shared) {
        l.set("bias_times", times.get(0));
      }
    }
    if (root.get("training_params") instanceof ObjectNode t && t.has("xi") && t.has("alpha")
        && t.has("beta") && t.path("loss").path("type").asText().equals(LossConfig.Ttfs.TYPE)) {
      t.remove("loss");
    }
  }

  /**
   * The new schema's defaults that the 2021 schema does not share, in place: {@code optimizer}
   * sgd; {@code training_params.max_dw_norm}, a leftover HEAD writes as false and never reads,
   * false ({@link DelgradExperiment} refuses a number there: the bound belongs to the neuron
   * parameters).
   */
  static void fillDelgrad(ObjectNode root) {
    if (!(root.get("training_params") instanceof ObjectNode t)) {
      return;
    }
    if (!t.has("optimizer")) {
      t.put("optimizer", Optimizer.SGD.yamlName());
    }
    if (!t.has("max_dw_norm")) {
      t.put("max_dw_norm", false);
    }
    for (String key : List.of("max_num_missing_spikes", "xi", "alpha", "beta")) {
      if (t.has(key)) {
        throw ConfigException.at("training_params." + key, "is a key of the 2021 schema; the new"
            + " schema has " + (key.equals("max_num_missing_spikes")
                ? "max_num_missing_spikes per NeuronLayer in network_layout.layers"
                : "the loss in training_params.loss ({type: TTFS, xi} plus regulariser"
                    + " [{type: early_output, alpha, beta}])"));
      }
    }
  }

  /** Refuses a key of the other schema that {@code value} says is set. */
  static void refuseKey(String keyPath, Object value, String whose) {
    if (value != null) {
      throw ConfigException.at(keyPath, "is a key of " + whose + " schema, not of this one:"
          + " remove it");
    }
  }
}
