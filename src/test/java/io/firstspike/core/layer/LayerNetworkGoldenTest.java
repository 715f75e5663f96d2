package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.core.layer.NoiseSource.Kind;
import io.firstspike.core.optim.RangeRunner;
import io.firstspike.data.Dataset;
import io.firstspike.data.YinYang;
import io.firstspike.testsupport.DelgradLayers;
import io.firstspike.testsupport.GoldenAssert;
import io.firstspike.testsupport.GoldenJson;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.DelgradExperiment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LayerNetwork} against delgrad-golden.json (computed by DelGrad's HEAD): every
 * {@code layer_cases} entry end to end (input times, delay layer, neuron layer, every field),
 * {@code rectify_cases}, and the pretrained networks of {@code inference_cases}.
 */
class LayerNetworkGoldenTest {

  @Test
  @DisplayName("every layer case matches HEAD end to end: delays, times, all gradients, noise")
  void layerCases(TestReporter reporter) {
    Map<String, GoldenAssert> sections = new java.util.LinkedHashMap<>();
    int cases = 0;
    for (JsonNode c : GoldenJson.delgrad().get("layer_cases")) {
      String name = c.get("name").asText();
      double[][] x = GoldenJson.matrix(c.get("input_times"));
      int n = x[0].length;
      int m = c.get("weights").get(0).size();
      JsonNode np = c.get("neuron_params");
      DelayType type = DelayType.valueOf(c.get("delay_type").asText().toUpperCase());
      List<LayerSpec> specs = List.of(
          new LayerSpec.Delay(type, DelgradLayers.positivity(c.get("positivity")),
              c.get("presyn_sharing_factor").asInt(), c.get("postsyn_sharing_factor").asInt(),
              c.get("delay_jitter").asDouble(), true, LayerSpec.Normal.ZERO),
          new LayerSpec.Neuron(m, DelgradLayers.neuronSettings(np), true, LayerSpec.Normal.ZERO));
      Map<String, double[]> params = new HashMap<>();
      params.put("layers.0._delay_parameters", GoldenJson.flat(c.get("delay_parameters")));
      params.put("layers.1.weights", GoldenJson.flat(c.get("weights")));
      params.put("layers.1.threshold_noise_fp", GoldenJson.vector(np.get("threshold_noise_fp")));
      LayerNetwork net = LayerNetwork.withParameters(n, specs, 0, params);
      DelayLayer delay = (DelayLayer) net.layer(0);
      NeuronLayer neurons = (NeuronLayer) net.layer(1);

      NoiseSource noise = NoiseSource.ZERO;
      if (c.has("delay_jitter_draws")) {
        noise = new ReplayedNoise()
            .put(Kind.DELAY_JITTER, 0, flat3(GoldenJson.tensor3(c.get("delay_jitter_draws"))))
            .put(Kind.THRESHOLD_S2S, 1, GoldenJson.flat(c.get("threshold_noise_s2s")))
            .put(Kind.THRESHOLD_B2B, 1, GoldenJson.vector(c.get("threshold_noise_b2b")))
            .put(Kind.OUTPUT_JITTER, 1, GoldenJson.flat(c.get("output_jitter_draws")));
        section(sections, "effective_threshold").check(name, neurons.effectiveThresholds(x.length,
            GoldenJson.flat(c.get("threshold_noise_s2s")),
            GoldenJson.vector(c.get("threshold_noise_b2b"))).toMatrix(),
            GoldenJson.matrix(c.get("effective_threshold")));
      }
      NetworkPass pass = net.forward(x, noise);
      double[][] upstream = GoldenJson.matrix(c.get("upstream_error"));
      NetworkGradients g = net.backward(pass, upstream);
      BatchTensor delayedGradient = neurons.backward(pass.input(1), pass.output(1),
          BatchTensor.perInput(upstream), RangeRunner.SERIAL, new HashMap<>());

      section(sections, "effective_delays").check(name, delay.effectiveDelays(),
          GoldenJson.matrix(c.get("effective_delays")));
      double[][] full = new double[n][m];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          full[i][j] = delay.effectiveDelay(i, j);
        }
      }
      section(sections, "effective_delays_full").check(name, full,
          GoldenJson.matrix(c.get("effective_delays_full")));
      section(sections, "delayed_input_times").check(name, pass.output(0).toArray(m),
          GoldenJson.tensor3(c.get("delayed_input_times")));
      section(sections, "output_times").check(name, pass.labelTimes(),
          GoldenJson.matrix(c.get("output_times")));
      section(sections, "weight_gradient").check(name, g.get("layers.1.weights"),
          GoldenJson.flat(c.get("weight_gradient")));
      section(sections, "delay_parameter_gradient").check(name,
          g.get("layers.0._delay_parameters"), GoldenJson.flat(c.get("delay_parameter_gradient")));
      section(sections, "delayed_input_time_gradient").check(name, delayedGradient.toArray(m),
          GoldenJson.tensor3(c.get("delayed_input_time_gradient")));
      section(sections, "input_time_gradient").check(name, g.inputTimes(),
          GoldenJson.matrix(c.get("input_time_gradient")));
      assertThat(g.parameters().keySet())
          .containsExactly("layers.0._delay_parameters", "layers.1.weights");
      cases++;
    }
    assertThat(cases).isEqualTo(14);
    assertThat(sections).hasSize(9);
    for (GoldenAssert a : sections.values()) {
      assertThat(a.compared()).isPositive();
      reporter.publishEntry("golden", a.summary());
      a.report();
    }
  }

  @Test
  @DisplayName("rectification and effective delays of rectify_cases match HEAD")
  void rectifyCases(TestReporter reporter) {
    GoldenAssert err = new GoldenAssert("delgrad rectify_cases");
    int n = 0;
    for (JsonNode c : GoldenJson.delgrad().get("rectify_cases")) {
      String kind = c.get("positivity").asText();
      if (kind.equals("sigmoid")) {
        Positivity p = Positivity.sigmoid(c.get("shift").asDouble(), c.get("scale").asDouble());
        double[][] raw = GoldenJson.matrix(c.get("raw"));
        double[][] effective = new double[raw.length][raw[0].length];
        for (int i = 0; i < raw.length; i++) {
          for (int j = 0; j < raw[i].length; j++) {
            effective[i][j] = p.effective(raw[i][j]);
          }
        }
        err.check(kind, effective, GoldenJson.matrix(c.get("effective")));
      } else {
        Positivity p = kind.equals("clip") ? Positivity.clip() : Positivity.shiftToPositive();
        double[] raw = GoldenJson.flat(c.get("before"));
        p.rectify(raw);
        err.check(kind, raw, GoldenJson.flat(c.get("after")));
      }
      n++;
    }
    assertThat(n).isEqualTo(3);
    // clip and shift 5 x 3 each, sigmoid 4 x 3: every value of the fixture was compared
    assertThat(err.compared()).isEqualTo(15 + 15 + 12);
    reporter.publishEntry("golden", err.summary());
    err.report();
  }

  static Stream<String> inferenceCases() {
    List<String> names = new ArrayList<>();
    GoldenJson.delgrad().get("inference_cases").forEach(c -> names.add(c.get("name").asText()));
    return names.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inferenceCases")
  @DisplayName("pretrained networks give HEAD's hidden and label times and test accuracy")
  void inferenceCases(String name, TestReporter reporter) {
    JsonNode c = null;
    for (JsonNode k : GoldenJson.delgrad().get("inference_cases")) {
      if (k.get("name").asText().equals(name)) {
        c = k;
      }
    }
    // HEAD's per-epoch config of the run, through the production loader and mapping (the
    // fixture leaves out dataset_params: Yin-Yang, as the run's own config.yaml says)
    ObjectNode config = ((ObjectNode) c.get("config")).deepCopy();
    config.putObject("dataset_params").put("name", "yin_yang");
    DelgradExperiment experiment =
        (DelgradExperiment) ConfigLoader.anyFromTree(config, name + " config");
    List<LayerSpec> specs = experiment.toLayerSpecs();
    JsonNode layout = config.get("network_layout");
    Map<String, double[]> params = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = c.get("parameters").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      params.put(e.getKey(), GoldenJson.flat(e.getValue()));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = c.get("threshold_noise_fp").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      params.put(Parameter.thresholdOffsetsName(Integer.parseInt(e.getKey())),
          GoldenJson.vector(e.getValue()));
    }
    JsonNode rounding = c.get("rounding_precision");
    assertThat(experiment.roundingPrecision()).isEqualTo(rounding.isNull() ? 0 : rounding.asDouble());
    LayerNetwork net = LayerNetwork.withParameters(experiment.networkLayout().nInputs(), specs,
        experiment.roundingPrecision(), params);
    GoldenAssert err = new GoldenAssert(name);
    for (Iterator<Map.Entry<String, JsonNode>> it = c.get("effective_delays").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      DelayLayer d = (DelayLayer) net.layer(Integer.parseInt(e.getKey()));
      err.check("effective_delays " + e.getKey(), d.effectiveDelays(),
          GoldenJson.matrix(e.getValue()));
    }
    // HEAD's "noise off": no draws; the fixed-pattern offsets are part of the network
    NetworkPass pass = net.forward(GoldenJson.matrix(c.get("input_times")), NoiseSource.ZERO);
    for (Iterator<Map.Entry<String, JsonNode>> it = c.get("hidden_times").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      err.check("hidden_times " + e.getKey(), pass.hiddenTimes(Integer.parseInt(e.getKey())),
          GoldenJson.matrix(e.getValue()));
    }
    err.check("label_times", pass.labelTimes(), GoldenJson.matrix(c.get("label_times")));
    assertThat(select(pass.labelTimes())).containsExactly(GoldenJson.ints(c.get("selected_classes")));

    // the test set is the project's Yin-Yang generator (seed 40), bit for bit the published one
    Dataset test = YinYang.encoded(40, 1000);
    double[][] first = GoldenJson.matrix(c.get("input_times"));
    for (int s = 0; s < first.length; s++) {
      assertThat(test.inputTimes()[s]).containsExactly(first[s]);
    }
    assertThat(java.util.Arrays.copyOf(test.labels(), 25))
        .containsExactly(GoldenJson.ints(c.get("labels")));
    int[] selected = select(net.forward(test.inputTimes(), NoiseSource.ZERO).labelTimes());
    long correct = IntStream.range(0, 1000).filter(s -> selected[s] == test.labels()[s]).count();
    assertThat(correct / 1000.0).isEqualTo(c.get("test_accuracy_1000").asDouble());
    reporter.publishEntry("golden", err.summary() + "; test accuracy " + correct / 1000.0);
    err.report();
  }

  /** shift-invariant MSE with delta_t > 0 (all inference configs): argmin_k |t_k|, -1 if Inf. */
  static int[] select(double[][] t) {
    int[] s = new int[t.length];
    for (int b = 0; b < t.length; b++) {
      int best = 0;
      for (int k = 1; k < t[b].length; k++) {
        if (Math.abs(t[b][k]) < Math.abs(t[b][best])) {
          best = k;
        }
      }
      s[b] = Double.isFinite(t[b][best]) ? best : -1;
    }
    return s;
  }

  static GoldenAssert section(Map<String, GoldenAssert> sections, String name) {
    return sections.computeIfAbsent(name, k -> new GoldenAssert("delgrad layer_cases " + k));
  }

  static double[] flat3(double[][][] t) {
    List<Double> all = new ArrayList<>();
    for (double[][] m : t) {
      for (double[] r : m) {
        for (double v : r) {
          all.add(v);
        }
      }
    }
    return all.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
