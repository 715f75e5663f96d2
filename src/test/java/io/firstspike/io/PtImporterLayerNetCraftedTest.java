package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.layer.DelayType;
import io.firstspike.core.layer.EpsRule;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.LayerTraining;
import io.firstspike.core.layer.NeuronSettings;
import io.firstspike.core.layer.NoiseSource;
import io.firstspike.core.layer.Positivity;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.WeightClipping;
import io.firstspike.io.CraftedLayerNet.Global;
import io.firstspike.io.CraftedLayerNet.LayerObject;
import io.firstspike.io.CraftedLayerNet.SelfGetattr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DelGrad network files built by hand from DELGRAD-MODEL.md section 13 (the shipped runs use
 * neither Biases, Multiplex with delays after it, clip/shift positivity nor non-trainable layers):
 * every layer type and positivity, int64 bias times, tensors outside the state dict, strided
 * views; and the refusal of files whose two descriptions of a layer disagree or that reach for
 * anything else.
 */
class PtImporterLayerNetCraftedTest {
  private static final long SEED = 2025L;
  private static final NeuronSettings ET = new NeuronSettings(
      new NeuronParams(1.0, 0.0, 0.5, 1.0, 1.0), Variant.ET, EpsRule.DELGRAD, 0.2,
      NeuronSettings.Noise.NONE);

  @TempDir Path dir;

  private final Random rnd = new Random(SEED);
  private final Map<String, double[]> expected = new LinkedHashMap<>();

  private double[] random(String name, int n) {
    return CraftedLayerNet.random(rnd, expected, name, n);
  }

  private CraftedLayerNet mixed() {
    return CraftedLayerNet.mixed(rnd, expected);
  }

  private static final List<LayerSpec> MIXED_SPECS = List.of(
      new LayerSpec.Multiplex(2),
      new LayerSpec.Delay(DelayType.SYNAPTIC, Positivity.sigmoid(0.5, 2.0), 1, 1, 0.0, true,
          new LayerSpec.Normal(0.1, 0.3)),
      new LayerSpec.Biases(new double[] {0, 1}),
      new LayerSpec.Neuron(3, ET, false, new LayerSpec.Normal(1.5, 0.5)),
      new LayerSpec.Delay(DelayType.DENDRITIC, Positivity.clip(), 1, 1, 0.0, false,
          LayerSpec.Normal.ZERO),
      new LayerSpec.Neuron(2, ET, true, LayerSpec.Normal.ZERO));

  @Test
  @DisplayName("every layer type: int64 bias times, sigmoid through getattr, clip through a module function, fixed tensors outside the state dict, a strided view")
  void mixedNetwork() throws IOException {
    ImportedLayerNetwork imported = PtImporter.readLayerNetwork(mixed().write(dir.resolve("m.pt")));
    LayerNetwork net = imported.network();
    assertThat(net.nInputs()).isEqualTo(2);
    assertThat(net.roundingPrecision()).isZero();
    List<LayerSpec> specs = net.specs();
    assertThat(specs).hasSize(MIXED_SPECS.size());
    for (int l = 0; l < specs.size(); l++) {
      if (specs.get(l) instanceof LayerSpec.Biases b) {
        assertThat(b.times()).containsExactly(0.0, 1.0);
      } else {
        assertThat(specs.get(l)).as("layer " + l).isEqualTo(MIXED_SPECS.get(l));
      }
    }
    for (Map.Entry<String, double[]> e : expected.entrySet()) {
      assertThat(net.parameter(e.getKey()).values()).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(net.parameters()).hasSize(expected.size());
    assertThat(net.parameter("layers.3.weights").trainable()).isFalse();
    assertThat(net.parameter("layers.4._delay_parameters").trainable()).isFalse();
    assertThat(net.parameter("layers.1._delay_parameters").trainable()).isTrue();
    assertThat(imported.training()).containsExactly(LayerTraining.NONE,
        new LayerTraining(0.003, true, null, WeightClipping.Setting.ABSENT), LayerTraining.NONE,
        new LayerTraining(null, false, 1.0, new WeightClipping.Setting.Bound(2.5)),
        new LayerTraining(null, false, null, WeightClipping.Setting.ABSENT),
        new LayerTraining(0.01, true, 0.0, WeightClipping.Setting.ABSENT));
    assertThat(imported.layerClasses()).containsExactly("utils.MultiplexLayer", "utils.DelayLayer",
        "utils.BiasesLayer", "utils.NeuronLayer", "utils.DelayLayer", "utils.NeuronLayer");
    assertThat(imported.trainingParams()).containsEntry("batch_size_eval", 200);

    // The same network built directly computes the same times.
    Map<String, double[]> params = new LinkedHashMap<>(expected);
    LayerNetwork direct = LayerNetwork.withParameters(2, MIXED_SPECS, 0, params);
    double[][] x = {{0.2, 1.1}, {0.9, 0.3}, {Double.POSITIVE_INFINITY, 0.5}};
    assertThat(net.forward(x, NoiseSource.ZERO).labelTimes())
        .isDeepEqualTo(direct.forward(x, NoiseSource.ZERO).labelTimes());
    assertThat(PtImporter.readAny(imported.source())).isInstanceOf(ImportedLayerNetwork.class);
  }

  @Test
  @DisplayName("broadcast and shift positivity; rounding precision and integer times in layers_def")
  void broadcastAndShift() throws IOException {
    CraftedLayerNet net = new CraftedLayerNet(2);
    net.netAttributes.put("rounding_precision", 0.125);
    net.netAttributes.put("rounding", true);
    LayerObject b = net.layer("BroadcastLayer", "BroadcastLayer");
    b.attributes.put("_n_postsyn", 3);
    LayerObject h = net.layer("NeuronLayer", "NeuronLayer");
    h.def.putAll(Map.of("size", 3, "max_num_missing_spikes", 0.3));
    CraftedLayerNet.parameters(h).put("weights", net.doubles("0", random("layers.1.weights", 6),
        true, 2, 3));
    h.attributes.put("neuron_params", CraftedLayerNet.neuronParams());
    LayerObject a = net.layer("DelayLayer", "DelayAxonal");
    a.def.put("positivity", Map.of("name", "shift"));
    CraftedLayerNet.parameters(a).put("_delay_parameters",
        net.doubles("1", random("layers.2._delay_parameters", 3), true, 3, 1));
    a.attributes.put("_fn_on_rectify", new Global("utils", "shift_to_positive"));
    LayerObject o = net.layer("NeuronLayer", "NeuronLayer");
    o.def.putAll(Map.of("size", 1, "max_num_missing_spikes", 0.0));
    CraftedLayerNet.parameters(o).put("weights", net.doubles("2", random("layers.3.weights", 3),
        true, 3, 1));
    o.attributes.put("neuron_params", CraftedLayerNet.neuronParams());

    LayerNetwork imported = PtImporter.readLayerNetwork(net.write(dir.resolve("b.pt"))).network();
    assertThat(imported.roundingPrecision()).isEqualTo(0.125);
    assertThat(imported.specs().get(2)).isEqualTo(new LayerSpec.Delay(DelayType.AXONAL,
        Positivity.shiftToPositive(), 1, 1, 0.0, true, LayerSpec.Normal.ZERO));
    assertThat(imported.parameter("layers.2._delay_parameters").values())
        .isEqualTo(expected.get("layers.2._delay_parameters"));
    assertThat(imported.parameter("layers.1.threshold_noise_fp").values())
        .as("no fp tensor and no fp noise: zeros").containsExactly(0.0, 0.0, 0.0);
  }

  /** The mixed network with one change, imported; returns the error message. */
  private String refusal(Consumer<CraftedLayerNet> change) throws IOException {
    CraftedLayerNet net = mixed();
    change.accept(net);
    Path f = net.write(dir.resolve("bad" + Files.list(dir).count() + ".pt"));
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> PtImporter.readLayerNetwork(f));
    assertThat(t).isInstanceOf(FileFormatException.class);
    assertThat(t.getMessage()).startsWith(f.toString());
    return t.getMessage();
  }

  @Test
  @DisplayName("inconsistent or hostile DelGrad files are refused with a message naming the file and the fact")
  void refusals() throws IOException {
    List<String[]> checks = new ArrayList<>();
    checks.add(new String[] {refusal(n -> n.netAttributes.put("substrate", "hx")),
        "BrainScaleS-2"});
    checks.add(new String[] {refusal(n -> {
      n.netModule = "networks";
      n.netClass = "NetOnHX_PYNN";
    }), "BrainScaleS-2"});
    checks.add(new String[] {refusal(n -> n.layers.get(1).attributes.put("_fn_on_delay",
        new SelfGetattr("__reduce_ex__"))), "getattr(<utils.DelayLayer>, '__reduce_ex__')"});
    checks.add(new String[] {refusal(n -> n.layers.get(3).attributes.put("x",
        new SelfGetattr("scaled_shift_sigmoid"))), "getattr(<utils.NeuronLayer>"});
    checks.add(new String[] {refusal(n -> n.layers.get(4).attributes.put("_fn_on_rectify",
        new Global("utils", "shift_to_positive"))), "positivity 'clip'"});
    checks.add(new String[] {refusal(n -> n.layers.get(4).attributes.put("_fn_on_rectify",
        new Global("os", "system"))), "'os.system'"});
    checks.add(new String[] {refusal(n -> n.layers.get(1).attributes.put("lr", 0.5)),
        "lr = 0.5"});
    checks.add(new String[] {refusal(n -> n.layers.get(1).attributes.put("sigmoid_scale", 1.0)),
        "sigmoid_scale"});
    checks.add(new String[] {refusal(n -> n.layers.get(1).def.put("feat_out", List.of(4, 2))),
        "feat_out"});
    checks.add(new String[] {refusal(n -> n.layers.get(0).def.put("factor", 3)), "factor"});
    checks.add(new String[] {refusal(n -> n.layers.get(2).def.put("times", List.of(0, 2))),
        "disagree"});
    checks.add(new String[] {refusal(n -> n.layers.get(3).def.put("name", "EqualtimeLayer")),
        "'EqualtimeLayer'"});
    checks.add(new String[] {refusal(n -> n.layers.get(3).attributes.put("input_features", 4)),
        "input_features"});
    checks.add(new String[] {refusal(n -> n.layers.get(5).def.put("size", 3)), "implies"});
    checks.add(new String[] {refusal(n -> n.layers.remove(5)), "last layer must be a NeuronLayer"});
    checks.add(new String[] {refusal(n -> n.layers.get(3).attributes.put("trainable", true)),
        "trainable"});
    checks.add(new String[] {refusal(n -> n.layers.get(1).def.remove("positivity")),
        "no positivity"});
    checks.add(new String[] {refusal(n -> n.layers.get(4).attributes.remove("_delay_parameters")),
        "'_delay_parameters'"});
    checks.add(new String[] {refusal(n -> n.netAttributes.put("rounding", true)), "rounding"});
    checks.add(new String[] {refusal(n -> ((Map<String, Object>) n.layers.get(5).attributes
        .get("neuron_params")).put("tau_mem", 1.5)), "model_tau_ratio"});
    for (String[] c : checks) {
      assertThat(c[0]).contains(c[1]);
    }
    assertThat(checks).hasSize(20);
  }

  @Test
  @DisplayName("read() refuses a DelGrad file and readLayerNetwork() a 2021 file, each naming the other")
  void wrongReader() throws IOException {
    Path delgrad = mixed().write(dir.resolve("d.pt"));
    assertThatThrownBy(() -> PtImporter.read(delgrad)).isInstanceOf(FileFormatException.class)
        .hasMessageContaining("readLayerNetwork");
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("w0", new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9});
    s.put("w1", new double[] {1, 2, 3, 4, 5, 6, 7});
    s.put("b0", new double[] {0.5});
    CraftedPt.View[] w = {
      new CraftedPt.View("w0", 0, new int[] {3, 3}, new int[] {3, 1}),
      new CraftedPt.View("w1", 1, new int[] {3, 2}, new int[] {1, 3}),
    };
    Path old = CraftedPt.zip(dir.resolve("old.pt"), CraftedPt.network(2, new int[] {3, 2},
        new int[] {1, 0}, new double[][] {{0.5}, {}}, w,
        new CraftedPt.View[] {new CraftedPt.View("b0", 0, new int[] {1}, new int[] {1})},
        CraftedPt.counts(s)), s);
    assertThatThrownBy(() -> PtImporter.readLayerNetwork(old))
        .isInstanceOf(FileFormatException.class).hasMessageContaining("PtImporter.read");
    assertThat(PtImporter.readAny(old)).isInstanceOf(ImportedNetwork.class);
  }
}
