package io.firstspike.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.layer.Layer;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.NeuronLayer;
import io.firstspike.core.layer.NeuronPassKind;
import io.firstspike.core.layer.Parameter;
import io.firstspike.core.loss.DelgradLoss;
import io.firstspike.core.optim.DelgradWeightBumper;
import io.firstspike.core.optim.GroupedAdam;
import io.firstspike.core.optim.GroupedOptimizer;
import io.firstspike.core.optim.GroupedOptimizerState;
import io.firstspike.core.optim.GroupedSgd;
import io.firstspike.core.optim.ParameterGroup;
import io.firstspike.core.optim.WeightClipping;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.DelgradLayout;
import io.firstspike.train.config.LossConfig;
import io.firstspike.train.config.NeuronKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code network_steps} / {@code mixed_network_steps} entry of {@code delgrad-golden.json} as
 * the core's objects: the {@link LayerNetwork} with the entry's {@code parameters_initial} and
 * {@code threshold_noise_fp}, its parameter groups (one per layer entry; DELGRAD-MODEL.md section
 * 6), and the config-to-core mapping of the loss, the optimizer, the weight bumper and the
 * clipping plan, as a training loop would do it. Rectification and clipping are the network's and {@link WeightClipping}'s own.
 */
public final class DelgradGoldenNetwork {
  public final JsonNode entry;
  public final JsonNode layers;
  public final JsonNode trainingParams;
  public final LayerNetwork network;
  public final List<ParameterGroup> groups;
  /** The config's layout and neuron defaults, bound by the production loader. */
  private final DelgradLayout bound;
  private final NeuronKeys defaults;
  private static final String SOURCE = "delgrad-golden.json";

  public DelgradGoldenNetwork(JsonNode entry) {
    this(entry, LayerNetwork.DEFAULT_PASSES);
  }

  /** The entry's network with neuron layers that use {@code passes}. */
  public DelgradGoldenNetwork(JsonNode entry, NeuronPassKind passes) {
    this.entry = entry;
    JsonNode config = entry.get("config");
    JsonNode layout = config.get("network_layout");
    this.layers = layout.get("layers");
    this.trainingParams = config.get("training_params");
    Map<String, double[]> params = new LinkedHashMap<>();
    entry.get("parameters_initial").fields().forEachRemaining(
        e -> params.put(e.getKey(), GoldenJson.flat(e.getValue())));
    entry.get("threshold_noise_fp").fields().forEachRemaining(
        e -> params.put(Parameter.thresholdOffsetsName(Integer.parseInt(e.getKey())),
            GoldenJson.vector(e.getValue())));
    JsonNode rounding = trainingParams.get("rounding_precision");
    double p = rounding == null || rounding.isNull() || rounding.isBoolean() ? 0
        : rounding.asDouble();
    this.network = LayerNetwork.withParameters(layout.get("n_inputs").asInt(),
        DelgradLayers.fromConfig(layout, config.get("default_neuron_params")), p, params,
        passes);
    this.bound = ConfigLoader.section(layout, DelgradLayout.class, SOURCE);
    this.defaults = ConfigLoader.section(config.get("default_neuron_params"), NeuronKeys.class, SOURCE);
    // the production mapping of HEAD's rule: the layer's learning_rate, else the global one
    double global = trainingParams.get("learning_rate").asDouble();
    List<Double> own = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      own.add(bound.learningRate(i, global));
    }
    this.groups = network.parameterGroups(own, global);
  }

  /** Every entry of {@code network_steps}, then of {@code mixed_network_steps}. */
  public static List<DelgradGoldenNetwork> all() {
    List<DelgradGoldenNetwork> out = new ArrayList<>();
    for (String section : List.of("network_steps", "mixed_network_steps")) {
      for (JsonNode e : GoldenJson.delgradSection(section)) {
        out.add(new DelgradGoldenNetwork(e));
      }
    }
    return out;
  }

  /** The entry of that name. */
  public static DelgradGoldenNetwork named(String name) {
    return all().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(
        () -> new IllegalStateException("delgrad-golden.json has no network entry " + name));
  }

  public String name() {
    return entry.get("name").asText();
  }

  /** The live values of a parameter of the network. */
  public double[] param(String name) {
    return network.parameter(name).values();
  }

  /** The optimizer of {@code training_params.optimizer} over {@link #groups}. */
  public GroupedOptimizer optimizer() {
    String type = trainingParams.get("optimizer").asText();
    return switch (type) {
      case "adam" -> new GroupedAdam(groups);
      case "sgd" -> new GroupedSgd(groups, trainingParams.get("momentum").asDouble());
      default -> throw new IllegalStateException("optimizer " + type);
    };
  }

  /** Overwrites the network's live parameters with a fixture's {@code parameters_after}-like dict. */
  public void setParams(JsonNode byName) {
    byName.fields().forEachRemaining(e -> {
      double[] v = GoldenJson.flat(e.getValue());
      System.arraycopy(v, 0, param(e.getKey()), 0, v.length);
    });
  }

  /** The gradients of a batch by tensor name. */
  public static Map<String, double[]> gradients(JsonNode batch) {
    Map<String, double[]> g = new LinkedHashMap<>();
    batch.get("gradients").fields().forEachRemaining(
        e -> g.put(e.getKey(), GoldenJson.flat(e.getValue())));
    return g;
  }

  /** The NeuronLayers' layer indices, in order. */
  public List<Integer> neuronLayers() {
    List<Integer> out = new ArrayList<>();
    for (Layer l : network.layers()) {
      if (l instanceof NeuronLayer) {
        out.add(l.index());
      }
    }
    return out;
  }

  /** Each NeuronLayer's {@code max_num_missing_spikes}, in order. */
  public double[] maxMissingSpikes() {
    return neuronLayers().stream()
        .mapToDouble(i -> layers.get(i).get("max_num_missing_spikes").asDouble()).toArray();
  }

  /**
   * The clipping plan of the config (global and per-layer {@code clip_weights_max}), by the
   * production mapping ({@link DelgradLayout#clipping}).
   */
  public WeightClipping.Plan clipping() {
    JsonNode global = trainingParams.get("clip_weights_max");
    return bound.clipping(global == null ? null
        : ConfigLoader.section(global, WeightClipping.Setting.class, SOURCE), defaults);
  }

  /** Clips every NeuronLayer's weights with the config's plan (section 7.1 step 5). */
  public void clipWeights() {
    WeightClipping.Plan plan = clipping();
    List<Integer> neuron = neuronLayers();
    for (int k = 0; k < neuron.size(); k++) {
      plan.apply(k, param(Parameter.weightsName(neuron.get(k))));
    }
  }

  /** The weight bumper of {@code training_params.weight_bumping_*}, at the start of a segment. */
  public DelgradWeightBumper bumper() {
    return new DelgradWeightBumper(trainingParams.get("weight_bumping_value").asDouble(),
        trainingParams.get("weight_bumping_exp").asBoolean(),
        trainingParams.get("weight_bumping_targeted").asBoolean());
  }

  /** The loss of {@code training_params.loss}, tau = {@code default_neuron_params.tau_syn}. */
  public DelgradLoss loss() {
    return loss(trainingParams.get("loss"),
        entry.get("config").get("default_neuron_params").get("tau_syn").asDouble());
  }

  /**
   * A {@code loss} dict through the production mapping: bound onto {@link LossConfig} by the
   * config loader, mapped by {@link DelgradExperiment#lossOf}.
   */
  public static DelgradLoss loss(JsonNode p, double tauSyn) {
    return DelgradExperiment.lossOf(ConfigLoader.section(p, LossConfig.class, SOURCE), tauSyn);
  }

  /**
   * Compares the optimizer's state with the entry's {@code adam_state_after}: Adam's step count,
   * {@code exp_avg} and {@code exp_avg_sq}, or SGD's {@code momentum_buffer}, per tensor.
   */
  public void checkOptimizerState(GroupedOptimizer opt, GoldenAssert moments) {
    GroupedOptimizerState state = opt.state();
    JsonNode expected = entry.get("adam_state_after");
    assertThat(state.tensors()).as(name()).hasSize(expected.size());
    for (GroupedOptimizerState.TensorState ts : state.tensors()) {
      JsonNode e = expected.get(ts.name());
      String where = name() + " " + ts.name();
      if (e.get("exp_avg").isNull()) {
        assertThat(ts.buffers()).as(where).hasSize(1);
        moments.check(where + " momentum_buffer", ts.buffers().get(0),
            GoldenJson.flat(e.get("momentum_buffer")));
      } else {
        assertThat(ts.step()).as(where).isEqualTo(e.get("step").asLong());
        moments.check(where + " exp_avg", ts.buffers().get(0), GoldenJson.flat(e.get("exp_avg")));
        moments.check(where + " exp_avg_sq", ts.buffers().get(1),
            GoldenJson.flat(e.get("exp_avg_sq")));
      }
    }
  }
}
