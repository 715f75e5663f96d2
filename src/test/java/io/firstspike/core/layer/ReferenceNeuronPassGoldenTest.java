package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.layer.ReferenceNeuronPass.Gradients;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.testsupport.GoldenAssert;
import io.firstspike.testsupport.GoldenJson;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The reference pass against both golden files' {@code layer_cases}: the 2021 release's
 * (ttfs-golden.json, one time per input, {@link EpsRule#RELEASE_2021}) and DelGrad's
 * (delgrad-golden.json, per-synapse times after the delay layer, {@link EpsRule#DELGRAD},
 * including the case with threshold noise and output jitter, whose realised draws the fixture
 * gives). The delay layers themselves are checked in the network tests.
 */
class ReferenceNeuronPassGoldenTest {
  /** Tells these sections from the network's and the other passes' in the golden report. */
  static final String ALONE = " (ReferenceNeuronPass alone)";

  @Test
  @DisplayName("every 2021 layer case matches the original with the 2021 EPS rule")
  void release2021LayerCases(TestReporter reporter) {
    GoldenAssert times = new GoldenAssert("ttfs layer_cases output_times" + ALONE);
    GoldenAssert weights = new GoldenAssert("ttfs layer_cases weight_gradient" + ALONE);
    GoldenAssert inputs = new GoldenAssert("ttfs layer_cases input_time_gradient" + ALONE);
    long expected = 0;
    int cases = 0;
    for (JsonNode c : GoldenJson.ttfs().get("layer_cases")) {
      String name = c.get("name").asText();
      JsonNode p = c.get("neuron_params");
      double tauSyn = p.get("tau_syn").asDouble();
      NeuronParams params = new NeuronParams(p.get("g_leak").asDouble(), p.get("leak").asDouble(),
          p.get("threshold").asDouble(), tauSyn,
          p.has("tau_mem") ? p.get("tau_mem").asDouble() : tauSyn);
      assertThat(params.variant().name().toLowerCase()).isEqualTo(c.get("variant").asText());
      ReferenceNeuronPass pass = ReferenceNeuronPass.release2021(params);
      BatchTensor in = BatchTensor.perInput(GoldenJson.matrix(c.get("input_times")));
      double[] w = GoldenJson.flat(c.get("weights"));
      int m = c.get("weights").get(0).size();
      BatchTensor out = pass.forward(in, w, m);
      Gradients g = pass.backward(in, w, m, out,
          BatchTensor.perInput(GoldenJson.matrix(c.get("upstream_error"))), clip(p));
      times.check(name, out.toMatrix(), GoldenJson.matrix(c.get("output_times")));
      weights.check(name, g.weights(), GoldenJson.flat(c.get("weight_gradient")));
      inputs.check(name, g.inputTimes().toMatrix(),
          GoldenJson.matrix(c.get("input_time_gradient")));
      expected += (long) in.batch() * (m + in.rows()) + (long) in.rows() * m;
      cases++;
    }
    assertThat(cases).isEqualTo(6);
    assertThat(times.compared() + weights.compared() + inputs.compared()).isEqualTo(expected);
    reporter.publishEntry("golden", times.summary());
    times.report();
    reporter.publishEntry("golden", weights.summary());
    weights.report();
    reporter.publishEntry("golden", inputs.summary());
    inputs.report();
  }

  @Test
  @DisplayName("every DelGrad layer case matches HEAD on its delayed input times, noise included")
  void delgradLayerCases(TestReporter reporter) {
    GoldenAssert times = new GoldenAssert("delgrad layer_cases output_times" + ALONE);
    GoldenAssert weights = new GoldenAssert("delgrad layer_cases weight_gradient" + ALONE);
    GoldenAssert inputs = new GoldenAssert(
        "delgrad layer_cases delayed_input_time_gradient" + ALONE);
    int cases = 0;
    int noisy = 0;
    for (JsonNode c : GoldenJson.delgrad().get("layer_cases")) {
      String name = c.get("name").asText();
      JsonNode p = c.get("neuron_params");
      ReferenceNeuronPass pass = new ReferenceNeuronPass(params(p), variant(p), EpsRule.DELGRAD);
      BatchTensor in = BatchTensor.perSynapse(GoldenJson.tensor3(c.get("delayed_input_times")));
      double[] w = GoldenJson.flat(c.get("weights"));
      int m = c.get("weights").get(0).size();
      BatchTensor thresholds = null;
      BatchTensor jitter = null;
      if (c.has("effective_threshold")) {
        thresholds = BatchTensor.perInput(GoldenJson.matrix(c.get("effective_threshold")));
        jitter = BatchTensor.perInput(GoldenJson.matrix(c.get("output_jitter_draws")));
        noisy++;
      }
      BatchTensor out = pass.forward(in, w, m, thresholds, jitter);
      Gradients g = pass.backward(in, w, m, out,
          BatchTensor.perInput(GoldenJson.matrix(c.get("upstream_error"))), clip(p));
      times.check(name, out.toMatrix(), GoldenJson.matrix(c.get("output_times")));
      weights.check(name, g.weights(), GoldenJson.flat(c.get("weight_gradient")));
      inputs.check(name, g.inputTimes().toArray(m),
          GoldenJson.tensor3(c.get("delayed_input_time_gradient")));
      cases++;
    }
    assertThat(cases).isEqualTo(14);
    assertThat(noisy).isEqualTo(1);
    reporter.publishEntry("golden", times.summary());
    times.report();
    reporter.publishEntry("golden", weights.summary());
    weights.report();
    reporter.publishEntry("golden", inputs.summary());
    inputs.report();
  }

  static NeuronParams params(JsonNode p) {
    return new NeuronParams(p.get("g_leak").asDouble(), p.get("leak").asDouble(),
        p.get("threshold").asDouble(), p.get("tau_syn").asDouble(), p.get("tau_mem").asDouble());
  }

  static Variant variant(JsonNode p) {
    return p.get("model_tau_ratio").asDouble() == 1.0 ? Variant.ET : Variant.DT;
  }

  static double clip(JsonNode p) {
    JsonNode c = p.get("max_dw_norm");
    return c == null || c.isNull() ? ReferenceNeuronPass.NO_CLIPPING : c.asDouble();
  }
}
