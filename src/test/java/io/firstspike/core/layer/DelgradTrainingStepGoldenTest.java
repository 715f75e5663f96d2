package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.layer.DelgradTrainingStep.Result;
import io.firstspike.core.network.ParallelRanges;
import io.firstspike.core.optim.GroupedOptimizer;
import io.firstspike.core.optim.RangeRunner;
import io.firstspike.testsupport.DelgradGoldenNetwork;
import io.firstspike.testsupport.GoldenAssert;
import io.firstspike.testsupport.GoldenJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link DelgradTrainingStep} end to end against {@code delgrad-golden.json} (HEAD's training
 * loop): every batch of every {@code network_steps} and {@code mixed_network_steps} entry, each
 * entry from its {@code parameters_initial} and {@code threshold_noise_fp} and then from this
 * code's own parameters (never reset to the fixture's). Per batch: hidden and label times,
 * selected classes, bump code and value, loss, every parameter gradient, the parameters and
 * effective delays after the step; per entry the optimizer state after its last batch. The
 * mixed entries cover Biases, Multiplex, dendritic delays, shift and clip positivity,
 * early_output with l2_delay, SGD with momentum, rounding, weight clipping and a bumping
 * sequence. Tolerance: {@link GoldenAssert}'s; the value counts below are the fixture's, so no
 * field escapes the comparison. Each section runs with the default (fast) neuron pass on one and
 * two threads, and with the reference pass on two.
 */
class DelgradTrainingStepGoldenTest {

  /** The configs have no noise: a draw would be a bug. */
  static final NoiseSource NO_DRAWS = (kind, layer, std, out) -> {
    throw new AssertionError("unexpected noise draw " + kind + " for layer " + layer);
  };

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // section, neuron passes, threads, entries, batches, bumped, effective_delays_initial,
      // hidden_times, label_times, loss, gradients, parameters_after, effective_delays_after,
      // optimizer state
      "network_steps, FAST, 1, 2, 4, 0, 244, 18000, 1800, 4, 1504, 1504, 664, 1328",
      "network_steps, FAST, 2, 2, 4, 0, 244, 18000, 1800, 4, 1504, 1504, 664, 1328",
      "network_steps, REFERENCE, 2, 2, 4, 0, 244, 18000, 1800, 4, 1504, 1504, 664, 1328",
      "mixed_network_steps, FAST, 1, 3, 14, 6, 78, 2800, 1200, 8, 689, 1109, 339, 430",
      "mixed_network_steps, FAST, 2, 3, 14, 6, 78, 2800, 1200, 8, 689, 1109, 339, 430",
      "mixed_network_steps, REFERENCE, 2, 3, 14, 6, 78, 2800, 1200, 8, 689, 1109, 339, 430"})
  @DisplayName("every batch of the section matches HEAD end to end, with each kind of neuron pass"
      + " and on one and two threads")
  void section(String section, NeuronPassKind passes, int threads, int entries, int batches,
      int bumped, long delaysInitial, long hidden, long label, long losses, long gradients,
      long paramsAfter, long delaysAfter, long optimizerState, TestReporter reporter) {
    Map<String, GoldenAssert> checks = new LinkedHashMap<>();
    for (String k : List.of("effective_delays_initial", "hidden_times", "label_times", "loss",
        "gradients", "parameters_after", "effective_delays_after", "optimizer_state")) {
      checks.put(k, new GoldenAssert(section + " " + k + " (" + passes + ", " + threads
          + " thread(s))"));
    }
    try (ParallelRanges ranges = new ParallelRanges(threads)) {
      run(section, passes, threads == 1 ? RangeRunner.SERIAL : ranges, checks, entries, batches,
          bumped);
    }
    long[] expected = {delaysInitial, hidden, label, losses, gradients, paramsAfter, delaysAfter,
        optimizerState};
    int k = 0;
    for (GoldenAssert a : checks.values()) {
      assertThat(a.compared()).as(a.summary()).isEqualTo(expected[k++]);
      reporter.publishEntry("golden", a.summary());
      a.report();
    }
  }

  private static void run(String section, NeuronPassKind passes, RangeRunner threads,
      Map<String, GoldenAssert> checks, int entries, int batches, int bumped) {
    int seenEntries = 0;
    int seenBatches = 0;
    int seenBumps = 0;
    for (JsonNode e : GoldenJson.delgradSection(section)) {
      DelgradGoldenNetwork g = new DelgradGoldenNetwork(e, passes);
      checkDelays(checks.get("effective_delays_initial"), g.name() + " initial", g.network,
          e.get("effective_delays_initial"));
      GroupedOptimizer opt = g.optimizer();
      DelgradTrainingStep step = new DelgradTrainingStep(g.network,
          new DelgradTrainingStep.Settings(g.loss(), g.maxMissingSpikes(), g.clipping(), null),
          opt, g.bumper());
      int b = 0;
      for (JsonNode batch : e.get("batches")) {
        String where = g.name() + " batch " + b++;
        int[] labels = GoldenJson.ints(batch.get("labels"));
        Result r = step.train(GoldenJson.matrix(batch.get("input_times")), labels, NO_DRAWS,
            threads);
        batch.get("hidden_times").fields().forEachRemaining(h -> checks.get("hidden_times")
            .check(where + " layer " + h.getKey(),
                r.hiddenTimes(Integer.parseInt(h.getKey())),
                GoldenJson.matrix(h.getValue())));
        checks.get("label_times").check(where, r.labelTimes(),
            GoldenJson.matrix(batch.get("label_times")));
        assertThat(r.selected()).as(where)
            .containsExactly(GoldenJson.ints(batch.get("selected_classes")));
        int expectedCorrect = 0;
        for (int s = 0; s < labels.length; s++) {
          expectedCorrect += GoldenJson.ints(batch.get("selected_classes"))[s] == labels[s] ? 1 : 0;
        }
        assertThat(r.correct()).as(where).isEqualTo(expectedCorrect);
        assertThat(r.bump().code()).as(where).isEqualTo(batch.get("weights_bumped").asInt());
        assertThat(r.bump().value()).as(where).isEqualTo(batch.get("bump_value").asDouble());
        if (r.bumped()) {
          seenBumps++;
          assertThat(batch.has("loss")).as(where).isFalse();
          assertThat(r.loss()).as(where).isNaN();
          assertThat(r.gradients()).as(where).isNull();
        } else {
          checks.get("loss").check(where, r.loss(), batch.get("loss").asDouble());
          List<String> names = new ArrayList<>();
          batch.get("gradients").fields().forEachRemaining(gr -> {
            names.add(gr.getKey());
            checks.get("gradients").check(where + " " + gr.getKey(),
                r.gradients().get(gr.getKey()), GoldenJson.flat(gr.getValue()));
          });
          assertThat(r.gradients().parameters().keySet()).as(where)
              .containsExactlyElementsOf(names);
        }
        batch.get("parameters_after").fields().forEachRemaining(p -> checks
            .get("parameters_after").check(where + " " + p.getKey(), g.param(p.getKey()),
                GoldenJson.flat(p.getValue())));
        checkDelays(checks.get("effective_delays_after"), where, g.network,
            batch.get("effective_delays_after"));
        seenBatches++;
      }
      g.checkOptimizerState(opt, checks.get("optimizer_state"));
      seenEntries++;
    }
    assertThat(seenEntries).isEqualTo(entries);
    assertThat(seenBatches).isEqualTo(batches);
    assertThat(seenBumps).isEqualTo(bumped);
  }

  /** The {@code effective_delays_*} dict (by layer index) against the network's E''. */
  static void checkDelays(GoldenAssert a, String where, LayerNetwork net, JsonNode byLayer) {
    List<Integer> seen = new ArrayList<>();
    byLayer.fields().forEachRemaining(d -> {
      int l = Integer.parseInt(d.getKey());
      seen.add(l);
      a.check(where + " layer " + l, ((DelayLayer) net.layer(l)).effectiveDelays(),
          GoldenJson.matrix(d.getValue()));
    });
    assertThat(seen).as(where).containsExactlyElementsOf(
        net.delayLayers().stream().map(DelayLayer::index).toList());
  }
}
