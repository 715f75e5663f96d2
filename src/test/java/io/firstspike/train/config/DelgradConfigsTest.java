package io.firstspike.train.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.firstspike.core.layer.DelayType;
import io.firstspike.core.layer.EpsRule;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.NeuronSettings;
import io.firstspike.core.layer.Positivity;
import io.firstspike.core.layer.ReferenceNeuronPass;
import io.firstspike.core.loss.DelgradObjective;
import io.firstspike.core.loss.DelgradRegulariser;
import io.firstspike.core.neuron.Variant;
import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The new (DelGrad) schema: every config HEAD runs loads, its broken ones are refused with a
 * clear message each, the values are the files' (read off them by eye), and each rule of
 * DELGRAD-MODEL.md sections 1 to 3, 5 to 8 and 11 has its message.
 */
class DelgradConfigsTest {
  static final String FILE = "dg.yaml";

  /** A valid 4-30-3 network with synaptic delays; each error test breaks one thing. */
  static final String BASE = """
      dataset_params: {name: yin_yang}
      default_neuron_params: {g_leak: 0.5, leak: 0.0, max_dw_norm: 0.2, tau_mem: 2.0, tau_syn: 1.0, threshold: 1.0}
      network_layout:
        n_inputs: 4
        layers:
          - {name: DelaySynaptic, delay_mean: 0.0, delay_std: 0.25, positivity: {name: sigmoid, scale: 1.0}}
          - {name: NeuronLayer, size: 30, weights_mean: 1.0, weights_std: 1.0, max_num_missing_spikes: 0.3}
          - {name: BroadcastLayer}
          - {name: NeuronLayer, size: 3, weights_mean: 1.0, weights_std: 1.0, max_num_missing_spikes: 0.0}
      training_params:
        batch_size: 150
        epoch_number: 3
        learning_rate: 0.005
        loss: {type: shift_invariant_MSE, delta_t: 0.2}
        optimizer: adam
        substrate: sim
      """;

  static Path head(String name) {
    return Shared.file("reference/delgrad/configs/" + name);
  }

  /** Every config HEAD itself runs: its experiment configs and the pretrained runs' configs. */
  static Stream<Path> working() throws IOException {
    List<Path> out = new ArrayList<>();
    for (String name : List.of("16x16_mnist.yaml", "yin_yang_H30_W.yaml", "yin_yang_H30_WA.yaml",
        "yin_yang_H30_WS.yaml", "yin_yang_H5_WS.yaml", "yin_yang_hwAware.yaml")) {
      out.add(head(name));
    }
    try (Stream<Path> runs = Files.list(Shared.file("reference/delgrad/pretrained"))) {
      for (Path run : runs.sorted().toList()) {
        out.add(run.resolve("config.yaml"));
        out.add(run.resolve("epoch_300/config.yaml"));
      }
    }
    assertThat(out).hasSize(18);
    return out.stream();
  }

  private static DelgradExperiment parse(String yaml) {
    return (DelgradExperiment) ConfigLoader.parseAny(yaml, FILE);
  }

  private static String base(String target, String replacement) {
    assertThat(BASE).contains(target);
    return BASE.replace(target, replacement);
  }

  private static ConfigException error(String yaml, String keyPath, String... mentions) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parseAny(yaml, FILE));
    assertThat(e).as("expected a ConfigException at %s", keyPath).isNotNull();
    assertThat(e.file()).isEqualTo(FILE);
    assertThat(e.keyPath()).isEqualTo(keyPath);
    assertThat(e.getMessage()).startsWith(keyPath.isEmpty() ? FILE + ": " : FILE + ": " + keyPath + ": ")
        .doesNotContain("\n").contains(mentions);
    return e;
  }

  @ParameterizedTest
  @MethodSource("working")
  @DisplayName("every config HEAD runs loads, maps to core specs, and survives write -> load")
  void headConfigsLoad(Path file) {
    AnyConfig any = ConfigLoader.loadAny(file);
    assertThat(any).isInstanceOf(DelgradExperiment.class);
    DelgradExperiment c = (DelgradExperiment) any;
    assertThat(c.source()).isEqualTo(file.toString());
    assertThat(c.toLayerSpecs()).hasSize(c.networkLayout().layers().size());
    String written = ConfigWriter.toYaml(c);
    assertThat(written).doesNotContain("feat_in").doesNotContain("feat_out");
    AnyConfig again = ConfigLoader.parseAny(written, file.toString());
    assertThat(again).isEqualTo(c);
    assertThat(ConfigWriter.toYaml(again)).isEqualTo(written);
  }

  @Test
  @DisplayName("yin_yang_H30_WS: synaptic delays (sigmoid 0..1, lr 0.003), 4-30-3 dt neurons (lr 0.01)")
  void h30ws() {
    DelgradExperiment c = (DelgradExperiment) ConfigLoader.loadAny(head("yin_yang_H30_WS.yaml"));
    assertThat(c.datasetParams().name()).isEqualTo("yin_yang");
    assertThat(c.datasetParams().multiplyInputLayer()).isEqualTo(1);
    assertThat(c.datasetParams().early()).isEqualTo(0.15);
    assertThat(c.networkLayout().nInputs()).isEqualTo(4);
    List<LayerSpec> specs = c.toLayerSpecs();
    assertThat(specs.get(0)).isEqualTo(new LayerSpec.Delay(DelayType.SYNAPTIC,
        Positivity.sigmoid(0.0, 1.0), 1, 1, 0.0, true, new LayerSpec.Normal(0.0, 0.25)));
    NeuronSettings dt = NeuronSettings.of(
        new io.firstspike.core.neuron.NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0), Variant.DT,
        EpsRule.DELGRAD, 0.2);
    assertThat(specs.get(1)).isEqualTo(new LayerSpec.Neuron(30, dt, true, new LayerSpec.Normal(1.0, 1.0)));
    assertThat(specs.get(2)).isInstanceOf(LayerSpec.Delay.class);
    assertThat(specs.get(3)).isEqualTo(new LayerSpec.Neuron(3, dt, true, new LayerSpec.Normal(1.0, 1.0)));
    assertThat(List.of(c.learningRate(0), c.learningRate(1), c.learningRate(2), c.learningRate(3)))
        .containsExactly(0.003, 0.01, 0.003, 0.01);
    assertThat(c.maxNumMissingSpikes(1)).isEqualTo(0.3);
    assertThat(c.maxNumMissingSpikes(3)).isEqualTo(0.0);
    assertThat(c.loss().objective()).isEqualTo(new DelgradObjective.ShiftInvariantMse(0.2, 1.0));
    assertThat(c.loss().regularisers()).isEmpty();
    TrainingParams t = c.trainingParams();
    assertThat(t.batchSize()).isEqualTo(150);
    assertThat(t.batchSizeEval()).isEqualTo(200);
    assertThat(t.epochNumber()).isEqualTo(300);
    assertThat(t.optimizer()).isEqualTo(Optimizer.ADAM);
    assertThat(t.lrScheduler()).isEqualTo(LrScheduler.stepLr(20, 0.95));
    assertThat(t.substrate()).isEqualTo(Substrate.SIM);
    assertThat(t.torchSeed()).isEqualTo(2000L);
    assertThat(t.trainingNoise()).isNull();
    assertThat(c.clipping().enabled()).isFalse();
    assertThat(c.roundingPrecision()).isZero();
    assertThat(c.weightBumper().value()).isEqualTo(0.0005);
  }

  @Test
  @DisplayName("yin_yang_hwAware: Multiplex 5, shared axonal delays with jitter, noisy et neurons, clipping, rounding")
  void hwAware() {
    DelgradExperiment c = (DelgradExperiment) ConfigLoader.loadAny(head("yin_yang_hwAware.yaml"));
    List<LayerSpec> specs = c.toLayerSpecs();
    assertThat(specs.get(0)).isEqualTo(new LayerSpec.Multiplex(5));
    assertThat(specs.get(1)).isEqualTo(new LayerSpec.Delay(DelayType.AXONAL,
        Positivity.sigmoid(2.0, 1.5), 5, 1, 0.01, true, new LayerSpec.Normal(0.0, 0.5)));
    LayerSpec.Neuron hidden = (LayerSpec.Neuron) specs.get(2);
    assertThat(hidden.size()).isEqualTo(30);
    assertThat(hidden.init()).isEqualTo(new LayerSpec.Normal(1.0, 0.12));
    assertThat(hidden.neuron().variant()).isEqualTo(Variant.ET);
    assertThat(hidden.neuron().params().threshold()).isEqualTo(2.6);
    assertThat(hidden.neuron().noise()).isEqualTo(new NeuronSettings.Noise(0.0, 0.04, 0.13, 0.08, 0.0));
    assertThat(((LayerSpec.Delay) specs.get(3)).presynSharing()).isEqualTo(1);
    assertThat(((LayerSpec.Neuron) specs.get(4)).init()).isEqualTo(new LayerSpec.Normal(0.075, 0.15));
    assertThat(c.learningRate(2)).as("no layer rate: the global one").isEqualTo(0.002);
    assertThat(c.clipping().enabled()).isTrue();
    assertThat(c.clipping().bounds()).containsExactly(2.1, 2.1);
    assertThat(c.roundingPrecision()).isEqualTo(1.0 / 30);
    assertThat(c.trainingParams().batchSize()).isEqualTo(40);
    assertThat(c.trainingParams().epochSnapshots()).containsExactly(20, 50, 100, 200);
    assertThat(c.loss().objective()).isEqualTo(new DelgradObjective.ShiftInvariantMse(0.3, 1.0));
    assertThat(c.maxNumMissingSpikes(4)).isEqualTo(0.05);
  }

  @Test
  @DisplayName("16x16_mnist: Biases [0] after the hidden layer, per-layer lr 0.001 on the label layer only")
  void mnist16() {
    DelgradExperiment c = (DelgradExperiment) ConfigLoader.loadAny(head("16x16_mnist.yaml"));
    List<LayerSpec> specs = c.toLayerSpecs();
    assertThat(((LayerSpec.Biases) specs.get(2)).times()).containsExactly(0.0);
    assertThat(c.learningRate(1)).isEqualTo(0.003);
    assertThat(c.learningRate(4)).isEqualTo(0.001);
    assertThat(c.trainingParams().trainingNoise()).isEqualTo(new TrainingNoise(0.0, 0.3));
    assertThat(c.networkLayout().nInputs()).isEqualTo(256);
    assertThat(c.datasetParams().name()).isEqualTo("16x16_mnist");
  }

  @Test
  @DisplayName("HEAD's per-epoch configs: false for resolution, sim_time, rounding_precision, clip_weights_max, max_dw_norm")
  void perEpochFalseValues() {
    DelgradExperiment c = (DelgradExperiment) ConfigLoader.loadAny(
        Shared.file("reference/delgrad/pretrained/yin_yang_hwAware_W/epoch_300/config.yaml"));
    TrainingParams t = c.trainingParams();
    assertThat(t.resolution()).as("false: the default").isEqualTo(0.01);
    assertThat(t.simTime()).isEqualTo(4.0);
    assertThat(t.maxDwNorm()).isInfinite();
    assertThat(t.epochSnapshots()).containsExactly(20, 50, 100, 200, 300);
    DelgradExperiment w = (DelgradExperiment) ConfigLoader.loadAny(
        Shared.file("reference/delgrad/pretrained/yin_yang_H30_W/epoch_300/config.yaml"));
    assertThat(w.roundingPrecision()).isZero();
    assertThat(w.trainingParams().clipWeightsMax()).isEqualTo(new io.firstspike.core.optim.WeightClipping.Setting.Flag(false));
    assertThat(w.clipping().enabled()).isFalse();
  }

  @Test
  @DisplayName("HEAD's broken configs are refused, each with what is wrong")
  void brokenAtHead() {
    ConfigException pattern = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.loadAny(head("pattern.yaml")));
    assertThat(pattern.keyPath()).isEqualTo("dataset_params.classes[3].std_dev");
    assertThat(pattern.detail()).contains("unknown key 'std_dev'", "did you mean 'std'?");
    for (String name : List.of("xor.yaml", "single_in_single_out.yaml")) {
      ConfigException e = catchThrowableOfType(ConfigException.class,
          () -> ConfigLoader.loadAny(head(name)));
      assertThat(e.file()).endsWith(name);
      assertThat(e.keyPath()).isEmpty();
      assertThat(e.detail()).startsWith("mixes the two config schemas: network_layout.layers of"
          + " the new (DelGrad) schema with dataset, neuron_params of the 2021 schema");
    }
    // pattern.yaml's other defects, each fatal in HEAD too: its Delay layer has no positivity
    // (NotImplementedError), its patterns have 5 values for 4 inputs (AssertionError)
    String noiseFixed = read(head("pattern.yaml")).replace("std_dev: 0.01", "std: 0.01");
    assertThat(catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.parseAny(noiseFixed, "pattern.yaml")).keyPath())
        .isEqualTo("network_layout.layers[1].positivity");
    String fixed = noiseFixed.replace("delay_std: 0.5", "delay_std: 0.5\n      positivity: {name: clip}");
    ConfigException length = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.parseAny(fixed, "pattern.yaml"));
    assertThat(length.getMessage()).isEqualTo("pattern.yaml: dataset_params.classes[0].pattern:"
        + " has 5 values but network_layout.n_inputs is 4; give one value per input");
    String fourInputs = fixed.replace("[0, 2, 4, 6, 8]", "[0, 2, 4, 6]").replace("[9, 7, 5, 3, 1]",
        "[9, 7, 5, 3]");
    assertThat(catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.parseAny(fourInputs, "pattern.yaml")).detail())
        .startsWith("the data set 'pattern' is generated by HEAD only");
  }

  @Test
  @DisplayName("a config that asks for the chip is refused first, before any other check")
  void chipFirst() {
    assertThat(catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.loadAny(head("yin_yang_hx.yaml"))).detail())
        .isEqualTo("is hx, the BrainScaleS-2 chip, which FirstSpike cannot use: set substrate: sim"
            + " to train the simulated network");
    assertThat(catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.loadAny(head("yin_yang_hxpynn.yaml"))).keyPath())
        .isEqualTo("training_params.substrate");
    String broken = base("substrate: sim", "substrate: hx_pynn").replace("batch_size: 150",
        "batch_size: many").replace("{name: yin_yang}", "{name: yinyang}");
    error(broken, "training_params.substrate", "hx_pynn, the BrainScaleS-2 chip");
    error(broken + "  use_hicannx: true\n", "training_params.use_hicannx", "BrainScaleS-2");
    error(base("dataset_params: {name: yin_yang}", "dataset: yin_yang").replace("optimizer: adam",
        "optimizer: adam\n  use_hicannx: true"), "training_params.use_hicannx", "BrainScaleS-2");
  }

  @Test
  @DisplayName("the chip is refused before the values are read: .nan, aliases, duplicate keys, deep nesting, a syntax error after it")
  void chipBeforeValueChecks() {
    String hx = base("substrate: sim", "substrate: hx");
    String chip = "is hx, the BrainScaleS-2 chip";
    error(hx.replace("learning_rate: 0.005", "learning_rate: .nan"), "training_params.substrate", chip);
    error(hx.replace("epoch_number: 3", "epoch_number: &n 3\n  batch_size_eval: *n"),
        "training_params.substrate", chip);
    error(hx.replace("epoch_number: 3", "epoch_number: 3\n  epoch_number: 4"),
        "training_params.substrate", chip);
    error(hx.replace("{name: yin_yang}", "{name: " + "[".repeat(40) + "]".repeat(40) + "}"),
        "training_params.substrate", chip);
    error(hx + "extra: [unclosed\n", "training_params.substrate", chip);
    error(hx.replace("dataset_params:", "dataset: yin_yang\ndataset_params:"),
        "training_params.substrate", chip);
    String ttfs = base("dataset_params: {name: yin_yang}", "dataset: yin_yang")
        .replace("learning_rate: 0.005", "learning_rate: .inf\n  use_hicannx: true");
    error(ttfs, "training_params.use_hicannx", "BrainScaleS-2", "set use_hicannx: false");
    // what cannot be read as far as training_params is left to the other checks
    error("dataset_params: [unclosed\n" + hx, "", "not valid YAML");
    error(hx.replace("dataset_params:", "# \u0007\ndataset_params:"), "", "control character U+0007");
    // a tree (the dashboard's JSON body) is looked at in the same way
    var tree = ConfigMapper.MAPPER.createObjectNode();
    tree.putObject("training_params").put("use_hicannx", true).put("batch_size", "many");
    tree.put("bogus", 1);
    assertThat(catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.anyFromTree(tree, FILE)).getMessage())
        .startsWith(FILE + ": training_params.use_hicannx: is true, but the BrainScaleS-2 chip");
  }

  @Test
  @DisplayName("the base config maps to the core: specs, global learning rate, no clipping")
  void baseMapping() {
    DelgradExperiment c = parse(BASE);
    assertThat(c.toLayerSpecs().get(2)).isEqualTo(new LayerSpec.Broadcast());
    assertThat(c.learningRate(1)).isEqualTo(0.005);
    assertThat(c.weightBumper().value()).isEqualTo(0.0005);
    assertThat(c.trainingParams().momentum()).isZero();
    DelgradExperiment sgd = parse(base("  optimizer: adam\n", ""));
    assertThat(sgd.trainingParams().optimizer()).as("HEAD's default").isEqualTo(Optimizer.SGD);
    assertThat(ConfigWriter.toYaml(sgd)).contains("optimizer: sgd");
    DelgradExperiment none = parse(base("optimizer: adam", "optimizer: adam\n  lr_scheduler: {type: null}"));
    assertThat(none.trainingParams().lrScheduler()).isNull();
    DelgradExperiment noClip = parse(base("max_dw_norm: 0.2", "max_dw_norm: null"));
    assertThat(((LayerSpec.Neuron) noClip.toLayerSpecs().get(1)).neuron().maxDwNorm())
        .isEqualTo(ReferenceNeuronPass.NO_CLIPPING);
  }

  @Test
  @DisplayName("a NeuronLayer's neuron_params override the defaults key by key (variant per layer)")
  void perLayerNeuronParams() {
    DelgradExperiment c = parse(base("max_num_missing_spikes: 0.3}",
        "max_num_missing_spikes: 0.3, neuron_params: {tau_mem: 1.0, g_leak: 1.0, jitter: 0.01,"
            + " clip_weights_max: 1.5}}"));
    LayerSpec.Neuron hidden = (LayerSpec.Neuron) c.toLayerSpecs().get(1);
    LayerSpec.Neuron label = (LayerSpec.Neuron) c.toLayerSpecs().get(3);
    assertThat(hidden.neuron().variant()).isEqualTo(Variant.ET);
    assertThat(hidden.neuron().noise().outputJitter()).isEqualTo(0.01);
    assertThat(hidden.neuron().params().threshold()).as("from the defaults").isEqualTo(1.0);
    assertThat(label.neuron().variant()).isEqualTo(Variant.DT);
    assertThat(c.clipping().enabled()).as("a layer's own bound switches clipping on").isTrue();
    assertThat(c.clipping().bounds()).containsExactly(1.5, Double.POSITIVE_INFINITY);
    error(base("max_num_missing_spikes: 0.3}", "max_num_missing_spikes: 0.3, neuron_params:"
        + " {treshold: 1.2}}"), "network_layout.layers[1].neuron_params.treshold",
        "unknown key 'treshold'", "did you mean 'threshold'?");
    error(base("max_num_missing_spikes: 0.3}", "max_num_missing_spikes: 0.3, neuron_params:"
        + " {tau_mem: 3.0}}"), "network_layout.layers[1].neuron_params.tau_mem",
        "tau_mem / tau_syn = 3.0", "model_tau_ratio (1 or 2)");
  }

  @Test
  @DisplayName("layers: names, required keys, order and shapes")
  void layerRules() {
    error(base("name: DelaySynaptic", "name: DelaySynaptik"), "network_layout.layers[0].name",
        "unknown layer type 'DelaySynaptik'", "did you mean 'DelaySynaptic'?",
        "valid are BroadcastLayer, DelayAxonal, DelaySynaptic, DelayDendritic, Biases, Multiplex,"
            + " NeuronLayer");
    error(base("{name: BroadcastLayer}", "{}"), "network_layout.layers[2].name",
        "is required but missing");
    error(base(", positivity: {name: sigmoid, scale: 1.0}", ""), "network_layout.layers[0].positivity",
        "is required but missing", "sigmoid");
    error(base("weights_std: 1.0, max_num_missing_spikes: 0.3", "weights_std: 1.0"),
        "network_layout.layers[1].max_num_missing_spikes", "is required but missing");
    error(base("size: 30,", "size: 30, sise: 3,"), "network_layout.layers[1].sise",
        "did you mean 'size'?");
    error(base("    - {name: BroadcastLayer}\n", ""), "network_layout.layers[2]",
        "needs one input time per synapse", "BroadcastLayer or a Delay layer");
    error(base("delay_std: 0.25,", "delay_std: 0.25, presyn_sharing_factor: 3,"),
        "network_layout.layers[0].presyn_sharing_factor", "4 inputs are not divisible by 3"
            .replace("by 3", "by presyn_sharing_factor 3"));
    error(base("delay_std: 0.25,", "delay_std: 0.25, postsyn_sharing_factor: 7,"),
        "network_layout.layers[0].postsyn_sharing_factor", "30 neurons are not divisible");
    error(base("max_num_missing_spikes: 0.0}", "max_num_missing_spikes: 0.0}\n    - {name:"
        + " BroadcastLayer}"), "network_layout.layers", "must end with a NeuronLayer");
    error(base("max_num_missing_spikes: 0.3}", "max_num_missing_spikes: 0.3, trainable: false}"),
        "network_layout.layers[1].max_num_missing_spikes", "must be 1 when trainable is false");
    error(base("{name: sigmoid, scale: 1.0}", "{name: clip, scale: 1.0}"),
        "network_layout.layers[0].positivity.scale", "only used by the sigmoid");
    error(base("{name: sigmoid, scale: 1.0}", "{name: relu}"),
        "network_layout.layers[0].positivity.name", "unknown positivity 'relu'",
        "valid are sigmoid, clip, shift");
    error(base("{name: BroadcastLayer}", "{name: BroadcastLayer, delay_mea: 0.0}"),
        "network_layout.layers[2].delay_mea", "unknown key 'delay_mea'",
        "did you mean 'delay_mean'?", "known keys in network_layout.layers[2] are name",
        "accepted and ignored, as HEAD ignores them: delay_mean, delay_std, jitter,");
    error(base("{name: BroadcastLayer}", "{name: BroadcastLayer, size: 3}"),
        "network_layout.layers[2].size", "unknown key 'size'");
    error(base("max_num_missing_spikes: 0.3}", "max_num_missing_spikes: 0.3, biases: [1]}"),
        "network_layout.layers[1].biases", "only [] is accepted", "{name: Biases, times: [1.0]}");
    assertThat(parse(base("max_num_missing_spikes: 0.3}",
        "max_num_missing_spikes: 0.3, feat_in: [4, 30], feat_out: [30, 1]}"))).as("ignored")
        .isEqualTo(parse(BASE));
  }

  @Test
  @DisplayName("a BroadcastLayer keeps a Delay layer's keys, as after the original's sweep.yaml"
      + " switched layers/0/name: HEAD ignores them, so they load, with any value, and change"
      + " nothing")
  void broadcastIgnoresDelayKeys() {
    String delayKeys = "{name: BroadcastLayer, delay_mean: 0.0, delay_std: -1, jitter: 0.5,"
        + " learning_rate: 0.1, monitor: true, positivity: {name: sigmoid, scale: 1.0},"
        + " postsyn_sharing_factor: 7, presyn_sharing_factor: 3, trainable: false}";
    DelgradExperiment kept = parse(base("{name: BroadcastLayer}", delayKeys));
    assertThat(kept).isEqualTo(parse(BASE));
    assertThat(ConfigWriter.toYaml(kept)).as("the effective config leaves them out")
        .doesNotContain("delay_std: -1").isEqualTo(ConfigWriter.toYaml(parse(BASE)));
  }

  @Test
  @DisplayName("neuron parameters: what HEAD requires and asserts")
  void neuronRules() {
    error(base(" max_dw_norm: 0.2,", ""), "default_neuron_params.max_dw_norm",
        "is required but missing", "null for no clipping");
    error(base("tau_mem: 2.0, ", ""), "default_neuron_params.tau_mem", "is required but missing");
    error(base("g_leak: 0.5", "g_leak: 1.0"), "default_neuron_params.g_leak",
        "is 1.0 but tau_syn / tau_mem = 0.5", "HEAD requires them equal for substrate sim");
    error(base("tau_mem: 2.0", "tau_mem: 3.0"), "default_neuron_params.tau_mem",
        "tau_mem / tau_syn = 3.0");
    error(base("tau_mem: 2.0", "tau_mem: 2.0, model_tau_ratio: 3"),
        "default_neuron_params.model_tau_ratio", "must be 1 (et: tau_mem = tau_syn) or 2");
    error(base("threshold: 1.0}", "threshold: 1.0, threshold_noise_b2b_std: -0.1}"),
        "default_neuron_params.threshold_noise_b2b_std", ">= 0");
  }

  @Test
  @DisplayName("training_params: the keys of this schema, the losses and regularisers HEAD knows")
  void trainingRules() {
    error(base("  substrate: sim\n", ""), "training_params.substrate", "is required but missing");
    error(base("  loss: {type: shift_invariant_MSE, delta_t: 0.2}\n", ""), "training_params.loss",
        "is required but missing", "shift_invariant_MSE");
    error(base("optimizer: adam", "optimizer: adam\n  xi: 0.2"), "training_params.xi",
        "is a key of the 2021 schema", "regulariser");
    error(base("optimizer: adam", "optimizer: adam\n  max_num_missing_spikes: 0.3"),
        "training_params.max_num_missing_spikes", "per NeuronLayer in network_layout.layers");
    error(base("optimizer: adam", "optimizer: adam\n  max_dw_norm: 0.5"),
        "training_params.max_dw_norm", "default_neuron_params.max_dw_norm");
    error(base("{type: shift_invariant_MSE, delta_t: 0.2}", "{type: TTFS, xi: 0.2, alpha: 0.005,"
        + " beta: 1.0}"), "training_params.loss.alpha", "[{type: early_output, alpha, beta}]");
    error(base("{type: shift_invariant_MSE, delta_t: 0.2}", "{type: shift_invariant_mse, delta_t: 0.2}"),
        "training_params.loss.type", "did you mean 'shift_invariant_MSE'?");
    error(base("delta_t: 0.2}", "delta_t: 0.2, regulariser: [{type: l1_delay, alpha: 1}]}"),
        "training_params.loss.regulariser[0].type", "unknown regulariser 'l1_delay'",
        "did you mean 'l2_delay'?");
    error(base("delta_t: 0.2}", "delta_t: 0.2, regulariser: [{type: early_output, beta: 3}]}"),
        "training_params.loss.regulariser[0].alpha", "is required but missing");
    String noDelays = base("{name: DelaySynaptic, delay_mean: 0.0, delay_std: 0.25, positivity:"
        + " {name: sigmoid, scale: 1.0}}", "{name: BroadcastLayer}");
    error(noDelays.replace("delta_t: 0.2}", "delta_t: 0.2, regulariser: [{type: l2_delay, alpha:"
        + " 0.01, use_effective_delays: true}]}"), "training_params.loss.regulariser[0]",
        "no Delay layer");
    DelgradExperiment reg = parse(base("delta_t: 0.2}", "delta_t: 0.2, regulariser: [{type:"
        + " early_output, alpha: 0.005, beta: 3.0}, {type: l2_delay, alpha: 0.01,"
        + " use_effective_delays: true}]}"));
    assertThat(reg.loss().regularisers()).containsExactly(
        new DelgradRegulariser.EarlyOutput(0.005, 3.0, 1.0), new DelgradRegulariser.L2Delay(0.01, true));
    DelgradExperiment ttfs = parse(base("{type: shift_invariant_MSE, delta_t: 0.2}",
        "{type: TTFS, xi: 0.2}"));
    assertThat(ttfs.loss().objective()).isEqualTo(new DelgradObjective.Ttfs(0.2, 1.0));
  }

  @Test
  @DisplayName("data sets: HEAD's names, the ones FirstSpike does not build are refused")
  void dataRules() {
    error(base("{name: yin_yang}", "{name: yinyang}"), "dataset_params.name",
        "unknown data set 'yinyang'", "did you mean 'yin_yang'?");
    error(base("{name: yin_yang}", "{name: single_in_single_out, input_mean: 1.0}"),
        "dataset_params.name", "generated by HEAD only and is not built into FirstSpike");
    error(base("{name: yin_yang}", "{name: yin_yang, early: 2.0}"), "dataset_params.late",
        "must be later than early");
    assertThat(parse(base("{name: yin_yang}", "{name: yin_yang, multiply_input_layer: 5,"
        + " size: 5000, seed: 42}")).datasetParams().multiplyInputLayer()).isEqualTo(5);
  }

  @Test
  @DisplayName("a config mixing the schemas is refused, naming the keys of each")
  void mixedSchemas() {
    error("dataset: yin_yang\n" + BASE, "", "mixes the two config schemas: dataset_params,"
        + " default_neuron_params, network_layout.layers of the new (DelGrad) schema with dataset");
    error(base("n_inputs: 4", "n_inputs: 4\n  n_layers: 2"), "", "network_layout.n_layers of the"
        + " 2021 schema");
  }

  @Test
  @DisplayName("the 2021-only entry points refuse a valid new-schema config with one clear line")
  void notTrainableYet() {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.parse(BASE, FILE));
    assertThat(e.getMessage()).isEqualTo(FILE + ": " + ConfigLoader.DELGRAD_NOT_TRAINABLE);
    assertThat(e.getMessage()).startsWith(FILE + ": this config is of the new (DelGrad) schema");
    // an invalid one gets its own error, not that one
    error(base("batch_size: 150", "batch_size: 0"), "training_params.batch_size", "got 0");
    assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(
        base("batch_size: 150", "batch_size: 0"), FILE)).keyPath()).isEqualTo("training_params.batch_size");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
