package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.network.ParallelRanges;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.optim.RangeRunner;
import io.firstspike.testsupport.GoldenAssert;
import io.firstspike.testsupport.GoldenJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link NeuronPassKind}, as a {@link NeuronLayer} runs it ({@link NeuronLayerPass}, on one
 * and on two threads, handed a used input-gradient buffer), against both golden files'
 * {@code layer_cases}: the 2021 release's with {@link EpsRule#RELEASE_2021} and one time per
 * input, DelGrad's with {@link EpsRule#DELGRAD} on the fixture's delayed (per-synapse) input
 * times, its noisy case with the fixture's effective thresholds and output jitter. The reference
 * pass alone is {@link ReferenceNeuronPassGoldenTest}; this holds the fast pass to the original
 * directly, not only through its bit-identity with the reference.
 */
class NeuronPassGoldenTest {

  static List<Arguments> kindsAndThreads() {
    List<Arguments> out = new ArrayList<>();
    for (NeuronPassKind kind : NeuronPassKind.values()) {
      out.add(Arguments.of(kind, 1));
      out.add(Arguments.of(kind, 2));
    }
    return out;
  }

  @ParameterizedTest(name = "{0} on {1} thread(s)")
  @MethodSource("kindsAndThreads")
  @DisplayName("the 2021 layer cases match the original")
  void release2021(NeuronPassKind kind, int threads, TestReporter reporter) {
    String tag = " (" + kind + ", " + threads + " thread(s))";
    GoldenAssert times = new GoldenAssert("ttfs layer_cases output_times" + tag);
    GoldenAssert weights = new GoldenAssert("ttfs layer_cases weight_gradient" + tag);
    GoldenAssert inputs = new GoldenAssert("ttfs layer_cases input_time_gradient" + tag);
    long expected = 0;
    int cases = 0;
    try (ParallelRanges ranges = new ParallelRanges(threads)) {
      for (JsonNode c : GoldenJson.ttfs().get("layer_cases")) {
        JsonNode p = c.get("neuron_params");
        double tauSyn = p.get("tau_syn").asDouble();
        NeuronParams params = new NeuronParams(p.get("g_leak").asDouble(),
            p.get("leak").asDouble(), p.get("threshold").asDouble(), tauSyn,
            p.has("tau_mem") ? p.get("tau_mem").asDouble() : tauSyn);
        NeuronSettings settings = NeuronSettings.of(params, params.variant(),
            EpsRule.RELEASE_2021, ReferenceNeuronPassGoldenTest.clip(p));
        BatchTensor in = BatchTensor.perInput(GoldenJson.matrix(c.get("input_times")));
        int m = c.get("weights").get(0).size();
        Result r = run(kind, settings, in, GoldenJson.flat(c.get("weights")), m, null, null,
            GoldenJson.matrix(c.get("upstream_error")), threads == 1 ? RangeRunner.SERIAL
                : ranges);
        String name = c.get("name").asText();
        times.check(name, r.out.toMatrix(), GoldenJson.matrix(c.get("output_times")));
        weights.check(name, r.weights, GoldenJson.flat(c.get("weight_gradient")));
        inputs.check(name, r.inputs.toMatrix(), GoldenJson.matrix(c.get("input_time_gradient")));
        expected += (long) in.batch() * (m + in.rows()) + (long) in.rows() * m;
        cases++;
      }
    }
    assertThat(cases).isEqualTo(6);
    assertThat(times.compared() + weights.compared() + inputs.compared()).isEqualTo(expected);
    for (GoldenAssert a : List.of(times, weights, inputs)) {
      reporter.publishEntry("golden", a.summary());
      a.report();
    }
  }

  @ParameterizedTest(name = "{0} on {1} thread(s)")
  @MethodSource("kindsAndThreads")
  @DisplayName("the DelGrad layer cases match HEAD on their delayed input times, noise included")
  void delgrad(NeuronPassKind kind, int threads, TestReporter reporter) {
    String tag = " (" + kind + ", " + threads + " thread(s))";
    GoldenAssert times = new GoldenAssert("delgrad layer_cases output_times" + tag);
    GoldenAssert weights = new GoldenAssert("delgrad layer_cases weight_gradient" + tag);
    GoldenAssert inputs = new GoldenAssert("delgrad layer_cases delayed_input_time_gradient"
        + tag);
    long expected = 0;
    int cases = 0;
    int noisy = 0;
    try (ParallelRanges ranges = new ParallelRanges(threads)) {
      for (JsonNode c : GoldenJson.delgrad().get("layer_cases")) {
        JsonNode p = c.get("neuron_params");
        NeuronSettings settings = NeuronSettings.of(ReferenceNeuronPassGoldenTest.params(p),
            ReferenceNeuronPassGoldenTest.variant(p), EpsRule.DELGRAD,
            ReferenceNeuronPassGoldenTest.clip(p));
        BatchTensor in = BatchTensor.perSynapse(GoldenJson.tensor3(c.get("delayed_input_times")));
        int m = c.get("weights").get(0).size();
        BatchTensor thresholds = null;
        BatchTensor jitter = null;
        if (c.has("effective_threshold")) {
          thresholds = BatchTensor.perInput(GoldenJson.matrix(c.get("effective_threshold")));
          jitter = BatchTensor.perInput(GoldenJson.matrix(c.get("output_jitter_draws")));
          noisy++;
        }
        Result r = run(kind, settings, in, GoldenJson.flat(c.get("weights")), m, thresholds,
            jitter, GoldenJson.matrix(c.get("upstream_error")), threads == 1 ? RangeRunner.SERIAL
                : ranges);
        String name = c.get("name").asText();
        times.check(name, r.out.toMatrix(), GoldenJson.matrix(c.get("output_times")));
        weights.check(name, r.weights, GoldenJson.flat(c.get("weight_gradient")));
        inputs.check(name, r.inputs.toArray(m),
            GoldenJson.tensor3(c.get("delayed_input_time_gradient")));
        expected += (long) in.batch() * m + (long) in.rows() * m * (1 + in.batch());
        cases++;
      }
    }
    assertThat(cases).isEqualTo(14);
    assertThat(noisy).isEqualTo(1);
    assertThat(times.compared() + weights.compared() + inputs.compared()).isEqualTo(expected);
    for (GoldenAssert a : List.of(times, weights, inputs)) {
      reporter.publishEntry("golden", a.summary());
      a.report();
    }
  }

  record Result(BatchTensor out, double[] weights, BatchTensor inputs) {}

  /** Forward at the nominal (or the given) thresholds, then backward into a NaN-filled buffer. */
  static Result run(NeuronPassKind kind, NeuronSettings settings, BatchTensor in, double[] w,
      int m, BatchTensor thresholds, BatchTensor jitter, double[][] upstream,
      RangeRunner threads) {
    NeuronLayerPass pass = kind.create(settings, m);
    BatchTensor theta = thresholds != null ? thresholds
        : BatchTensor.filled(in.batch(), m, 1, settings.params().threshold());
    BatchTensor out = BatchTensor.zeros(in.batch(), m, 1);
    pass.forward(in, w, theta, jitter, out, threads);
    BatchTensor inputs = BatchTensor.filled(in.batch(), in.rows(), in.width(), Double.NaN);
    double[] weights = pass.backward(in, w, out, BatchTensor.perInput(upstream), inputs, threads);
    return new Result(out, weights, inputs);
  }
}
