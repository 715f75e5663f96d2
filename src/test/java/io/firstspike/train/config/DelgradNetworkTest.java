package io.firstspike.train.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.layer.BiasesLayer;
import io.firstspike.core.layer.BroadcastLayer;
import io.firstspike.core.layer.DelayLayer;
import io.firstspike.core.layer.Layer;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerShape;
import io.firstspike.core.layer.MultiplexLayer;
import io.firstspike.core.layer.NetworkPass;
import io.firstspike.core.layer.NeuronLayer;
import io.firstspike.core.layer.NoiseSource;
import io.firstspike.core.layer.LayerTraining;
import io.firstspike.core.layer.Parameter;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.core.optim.WeightClipping;
import io.firstspike.io.ImportedLayerNetwork;
import io.firstspike.io.PtImporter;
import io.firstspike.testsupport.Shared;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * From a loaded new-schema config to the core's {@link LayerNetwork}: the layer types, their
 * shapes (DELGRAD-MODEL.md section 1, worked out by hand from each file's layer list), the
 * parameter tensors and where their initial values come from.
 */
class DelgradNetworkTest {
  private static final long SEED = 2000;

  private static DelgradExperiment load(Path file) {
    return (DelgradExperiment) ConfigLoader.loadAny(file);
  }

  private static LayerShape shape(int rows, int synapses) {
    return new LayerShape(rows, synapses);
  }

  private static void assertLayer(Layer layer, Class<? extends Layer> type, LayerShape in,
      LayerShape out) {
    assertThat(layer).as("layer %d", layer.index()).isInstanceOf(type);
    assertThat(layer.inputShape()).as("layer %d input", layer.index()).isEqualTo(in);
    assertThat(layer.outputShape()).as("layer %d output", layer.index()).isEqualTo(out);
  }

  /** name -> [rows, cols] (or [m]) and trainable, in layer order. */
  private static Map<String, String> parameterTable(LayerNetwork net) {
    Map<String, String> table = new LinkedHashMap<>();
    for (Parameter p : net.parameters()) {
      table.put(p.name(), java.util.Arrays.toString(p.shape()) + (p.trainable() ? " trainable" : ""));
    }
    return table;
  }

  @Test
  @DisplayName("configs/yin_yang_H30_WS.yaml: synaptic delays 4x30, 30 dt neurons, synaptic delays 30x3, 3 neurons")
  void h30ws() {
    DelgradExperiment c = load(Path.of("configs/yin_yang_H30_WS.yaml"));
    LayerNetwork net = c.newNetwork(new SeededNoise(SEED));
    assertThat(net.nInputs()).isEqualTo(4);
    assertThat(net.nOutputs()).isEqualTo(3);
    assertThat(net.layers()).hasSize(4);
    assertLayer(net.layer(0), DelayLayer.class, shape(4, 1), shape(4, 30));
    assertLayer(net.layer(1), NeuronLayer.class, shape(4, 30), shape(30, 1));
    assertLayer(net.layer(2), DelayLayer.class, shape(30, 1), shape(30, 3));
    assertLayer(net.layer(3), NeuronLayer.class, shape(30, 3), shape(3, 1));
    assertThat(parameterTable(net)).containsExactly(
        Map.entry("layers.0._delay_parameters", "[4, 30] trainable"),
        Map.entry("layers.1.weights", "[4, 30] trainable"),
        Map.entry("layers.1.threshold_noise_fp", "[30]"),
        Map.entry("layers.2._delay_parameters", "[30, 3] trainable"),
        Map.entry("layers.3.weights", "[30, 3] trainable"),
        Map.entry("layers.3.threshold_noise_fp", "[3]"));
    assertThat(net.roundingPrecision()).isZero();

    // initial values: Normal(delay_mean 0, delay_std 0.25), then Normal(weights_mean 1,
    // weights_std 1), then fp 0 + 0 N(0, 1), from one stream in layer order
    SeededNoise replay = new SeededNoise(SEED);
    double[] delays = net.parameter("layers.0._delay_parameters").values();
    for (double d : delays) {
      assertThat(d).isEqualTo(0.0 + 0.25 * replay.next());
    }
    double[] weights = net.parameter("layers.1.weights").values();
    for (double w : weights) {
      assertThat(w).isEqualTo(1.0 + 1.0 * replay.next());
    }
    assertThat(net.parameter("layers.1.threshold_noise_fp").values()).containsOnly(0.0);

    NetworkPass pass = net.forward(new double[][] {{0.3, 1.2, 1.85, 0.95},
        {0.15, 2.0, 2.0, 0.15}}, NoiseSource.ZERO);
    assertThat(pass.labelTimes()).hasDimensions(2, 3);
    assertThat(pass.hiddenTimes(1)).hasDimensions(2, 30);
  }

  @Test
  @DisplayName("configs/yin_yang_H30_WS.yaml trains its delays at 0.003, its weights at 0.01, monitors all, no clipping")
  void h30wsTraining() {
    DelgradExperiment c = load(Path.of("configs/yin_yang_H30_WS.yaml"));
    WeightClipping.Setting absent = WeightClipping.Setting.ABSENT;
    assertThat(c.toLayerTraining()).containsExactly(
        new LayerTraining(0.003, true, null, absent),
        new LayerTraining(0.01, true, 0.3, absent),
        new LayerTraining(0.003, true, null, absent),
        new LayerTraining(0.01, true, 0.0, absent));
    List<LayerTraining> hw = load(Path.of("configs/yin_yang_hwAware.yaml")).toLayerTraining();
    assertThat(hw.get(0)).isEqualTo(LayerTraining.NONE);
    assertThat(hw.get(2).clipWeightsMax()).as("2.1 is training_params' global bound")
        .isEqualTo(absent);
    assertThat(hw.get(2).learningRate()).as("none of its own").isNull();
    String text = ConfigLoader.readText(Path.of("configs/yin_yang_H30_WS.yaml"));
    assertThat(text).contains("  max_dw_norm: 0.2 ");
    DelgradExperiment clipped = (DelgradExperiment) ConfigLoader.parseAny(
        text.replace("  max_dw_norm: 0.2 ", "  clip_weights_max: 1.5\n  max_dw_norm: 0.2 "), "c.yaml");
    assertThat(clipped.toLayerTraining()).extracting(LayerTraining::clipWeightsMax).as("merged")
        .containsExactly(absent, new WeightClipping.Setting.Bound(1.5), absent,
            new WeightClipping.Setting.Bound(1.5));
  }

  /** HEAD's six pretrained runs. */
  static Stream<String> pretrainedRuns() {
    return Stream.of("yin_yang_H30_W", "yin_yang_H30_WA", "yin_yang_H30_WS", "yin_yang_H5_WS",
        "yin_yang_hwAware_W", "yin_yang_hwAware_WA");
  }

  @ParameterizedTest
  @MethodSource("pretrainedRuns")
  @DisplayName("a pretrained run's config.yaml gives the layer list, training options and rounding that its .pt holds")
  void configMatchesImportedNetwork(String run) throws Exception {
    Path dir = Shared.file("reference/delgrad/pretrained/" + run);
    DelgradExperiment c = load(dir.resolve("config.yaml"));
    ImportedLayerNetwork pt = PtImporter.readLayerNetwork(dir.resolve("epoch_300/yin_yang_network.pt"));
    assertThat(c.toLayerSpecs()).isEqualTo(pt.network().specs());
    assertThat(c.toLayerTraining()).isEqualTo(pt.training());
    assertThat(c.roundingPrecision()).isEqualTo(pt.network().roundingPrecision());
    Map<String, double[]> saved = new LinkedHashMap<>();
    for (Parameter p : pt.network().parameters()) {
      saved.put(p.name(), p.values());
    }
    double[][] x = {{0.3, 1.2, 1.85, 0.95}, {0.9, 0.4, 1.25, 1.75}};
    assertThat(c.network(saved).forward(x, NoiseSource.ZERO).labelTimes())
        .isEqualTo(pt.network().forward(x, NoiseSource.ZERO).labelTimes());
  }

  @Test
  @DisplayName("configs/yin_yang_hwAware.yaml: Multiplex 5, shared axonal delays, noisy neurons, rounding 1/30")
  void hwAware() {
    DelgradExperiment c = load(Path.of("configs/yin_yang_hwAware.yaml"));
    LayerNetwork net = c.newNetwork(new SeededNoise(SEED));
    assertThat(net.layers()).hasSize(5);
    assertLayer(net.layer(0), MultiplexLayer.class, shape(4, 1), shape(20, 1));
    assertLayer(net.layer(1), DelayLayer.class, shape(20, 1), shape(20, 30));
    assertLayer(net.layer(2), NeuronLayer.class, shape(20, 30), shape(30, 1));
    assertLayer(net.layer(3), DelayLayer.class, shape(30, 1), shape(30, 3));
    assertLayer(net.layer(4), NeuronLayer.class, shape(30, 3), shape(3, 1));
    assertThat(parameterTable(net)).containsExactly(
        Map.entry("layers.1._delay_parameters", "[4, 1] trainable"), // 20 inputs / presyn 5
        Map.entry("layers.2.weights", "[20, 30] trainable"),
        Map.entry("layers.2.threshold_noise_fp", "[30]"),
        Map.entry("layers.3._delay_parameters", "[30, 1] trainable"),
        Map.entry("layers.4.weights", "[30, 3] trainable"),
        Map.entry("layers.4.threshold_noise_fp", "[3]"));
    assertThat(net.roundingPrecision()).isEqualTo(1.0 / 30);
    // fp ~ Normal(0.13, 0.08): drawn, so not all equal and near the mean
    double[] fp = net.parameter("layers.2.threshold_noise_fp").values();
    assertThat(java.util.Arrays.stream(fp).distinct().count()).isEqualTo(30);
    assertThat(java.util.Arrays.stream(fp).average().orElseThrow()).isBetween(0.13 - 0.05, 0.13 + 0.05);
  }

  @Test
  @DisplayName("HEAD's 16x16_mnist.yaml: a bias input after the hidden layer widens the label layer's input")
  void mnist16() {
    DelgradExperiment c = load(Shared.file("reference/delgrad/configs/16x16_mnist.yaml"));
    LayerNetwork net = c.newNetwork(new SeededNoise(SEED));
    List<Layer> layers = net.layers();
    assertThat(layers).hasSize(5);
    assertLayer(layers.get(0), BroadcastLayer.class, shape(256, 1), shape(256, 128));
    assertLayer(layers.get(1), NeuronLayer.class, shape(256, 128), shape(128, 1));
    assertLayer(layers.get(2), BiasesLayer.class, shape(128, 1), shape(129, 1));
    assertLayer(layers.get(3), BroadcastLayer.class, shape(129, 1), shape(129, 10));
    assertLayer(layers.get(4), NeuronLayer.class, shape(129, 10), shape(10, 1));
  }

  @Test
  @DisplayName("saved parameters give the same network: same forward times; a missing one is named")
  void withSavedParameters() {
    DelgradExperiment c = load(Path.of("configs/yin_yang_H30_WS.yaml"));
    LayerNetwork fresh = c.newNetwork(new SeededNoise(7));
    Map<String, double[]> saved = new LinkedHashMap<>();
    for (Parameter p : fresh.parameters()) {
      saved.put(p.name(), p.values().clone());
    }
    LayerNetwork loaded = c.network(saved);
    double[][] x = {{0.3, 1.2, 1.85, 0.95}};
    double[][] times = fresh.forward(x, NoiseSource.ZERO).labelTimes();
    assertThat(java.util.Arrays.stream(times[0]).filter(Double::isFinite).count())
        .as("label neurons that spike").isPositive();
    assertThat(loaded.forward(x, NoiseSource.ZERO).labelTimes()).isEqualTo(times);
    saved.remove("layers.2._delay_parameters");
    assertThatThrownBy(() -> c.network(saved)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layers.2._delay_parameters is missing (90 values expected)");
  }
}
