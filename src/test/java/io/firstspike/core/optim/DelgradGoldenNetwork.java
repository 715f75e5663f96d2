package io.firstspike.core.optim;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.testsupport.DelgradGoldenJson;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.DelgradLayout;
import io.firstspike.train.config.NeuronKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of one {@code network_steps} / {@code mixed_network_steps} entry of {@code
 * delgrad-golden.json} as live arrays, with the parameter groups HEAD builds from its config
 * (one per layer entry; DELGRAD-MODEL.md section 6), and the test's own restatement of the two
 * rules the optimizer tests need but that belong to other classes: a Delay layer's rectification
 * (section 2.2) and the weight clipping after every batch (section 7.3).
 */
final class DelgradGoldenNetwork {
  final JsonNode entry;
  final JsonNode layers;
  final JsonNode trainingParams;
  /** Live parameter arrays by state-dict name, in layer order. */
  final Map<String, double[]> params = new LinkedHashMap<>();
  final List<ParameterGroup> groups = new ArrayList<>();
  /** The config's layout and neuron defaults, bound by the production loader. */
  final DelgradLayout layout;
  final NeuronKeys defaults;
  private static final String SOURCE = "delgrad-golden.json";

  DelgradGoldenNetwork(JsonNode entry) {
    this.entry = entry;
    this.layers = entry.get("config").get("network_layout").get("layers");
    this.trainingParams = entry.get("config").get("training_params");
    entry.get("parameters_initial").fields().forEachRemaining(
        e -> params.put(e.getKey(), DelgradGoldenJson.flat(e.getValue())));
    layout = ConfigLoader.section(entry.get("config").get("network_layout"), DelgradLayout.class,
        SOURCE);
    defaults = ConfigLoader.section(entry.get("config").get("default_neuron_params"),
        NeuronKeys.class, SOURCE);
    double global = trainingParams.get("learning_rate").asDouble();
    for (int i = 0; i < layers.size(); i++) {
      List<ParameterTensor> tensors = new ArrayList<>();
      for (String key : List.of("layers." + i + "._delay_parameters", "layers." + i + ".weights")) {
        if (params.containsKey(key)) {
          tensors.add(new ParameterTensor(key, params.get(key)));
        }
      }
      // the production mapping of HEAD's rule: the layer's learning_rate, else the global one
      groups.add(new ParameterGroup("layers." + i, tensors, layout.learningRate(i, global)));
    }
  }

  static List<DelgradGoldenNetwork> all() {
    List<DelgradGoldenNetwork> out = new ArrayList<>();
    for (String section : List.of("network_steps", "mixed_network_steps")) {
      for (JsonNode e : DelgradGoldenJson.section(section)) {
        out.add(new DelgradGoldenNetwork(e));
      }
    }
    return out;
  }

  String name() {
    return entry.get("name").asText();
  }

  GroupedOptimizer optimizer() {
    String type = trainingParams.get("optimizer").asText();
    return switch (type) {
      case "adam" -> new GroupedAdam(groups);
      case "sgd" -> new GroupedSgd(groups, trainingParams.get("momentum").asDouble());
      default -> throw new IllegalStateException("optimizer " + type);
    };
  }

  /** Overwrites every live array with a fixture's {@code parameters_after}-like dict. */
  void setParams(JsonNode byName) {
    byName.fields().forEachRemaining(e -> {
      double[] v = DelgradGoldenJson.flat(e.getValue());
      System.arraycopy(v, 0, params.get(e.getKey()), 0, v.length);
    });
  }

  /** The gradients of a batch by tensor name. */
  static Map<String, double[]> gradients(JsonNode batch) {
    Map<String, double[]> g = new LinkedHashMap<>();
    batch.get("gradients").fields().forEachRemaining(
        e -> g.put(e.getKey(), DelgradGoldenJson.flat(e.getValue())));
    return g;
  }

  /**
   * Restatement of {@code DelayLayer.delays_rectify} (section 2.2): clip: raw := max(raw, 0);
   * shift: raw := raw - min(0, min raw); sigmoid: nothing.
   */
  void rectifyDelays() {
    for (int i = 0; i < layers.size(); i++) {
      double[] raw = params.get("layers." + i + "._delay_parameters");
      if (raw == null) {
        continue;
      }
      switch (layers.get(i).get("positivity").get("name").asText()) {
        case "clip" -> {
          for (int k = 0; k < raw.length; k++) {
            raw[k] = Math.max(raw[k], 0.0);
          }
        }
        case "shift" -> {
          double min = 0;
          for (double r : raw) {
            min = Math.min(min, r);
          }
          for (int k = 0; k < raw.length; k++) {
            raw[k] = raw[k] - min;
          }
        }
        default -> { }
      }
    }
  }

  /** The NeuronLayers' layer indices, in order. */
  List<Integer> neuronLayers() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      if ("NeuronLayer".equals(layers.get(i).get("name").asText())) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * The clipping plan of the config (global and per-layer {@code clip_weights_max}), by the
   * production mapping ({@link DelgradLayout#clipping}).
   */
  WeightClipping.Plan clipping() {
    JsonNode global = trainingParams.get("clip_weights_max");
    return layout.clipping(global == null ? null
        : ConfigLoader.section(global, WeightClipping.Setting.class, SOURCE), defaults);
  }

  /** Clips every NeuronLayer's weights with the config's plan (section 7.1 step 5). */
  void clipWeights() {
    WeightClipping.Plan plan = clipping();
    List<Integer> neuron = neuronLayers();
    for (int k = 0; k < neuron.size(); k++) {
      plan.apply(k, params.get("layers." + neuron.get(k) + ".weights"));
    }
  }
}
