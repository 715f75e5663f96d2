package io.firstspike.core.loss;

import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.LossConfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.loss.DelgradLoss.DelayVectors;
import io.firstspike.core.loss.DelgradLoss.Result;
import io.firstspike.testsupport.DelgradGoldenAssert;
import io.firstspike.testsupport.DelgradGoldenJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * HEAD's losses, regularisers and class selection against {@code delgrad-golden.json} (computed
 * by the original's newest version): every {@code loss_cases} entry, and the loss and selection
 * of every batch of {@code network_steps} and {@code mixed_network_steps} from the label times
 * stored there (the network's forward pass is not needed for that).
 */
class DelgradLossGoldenTest {

  /**
   * A fixture's {@code loss} dict through the production mapping: bound onto {@link LossConfig}
   * by the config loader, mapped by {@link DelgradExperiment#lossOf}.
   */
  static DelgradLoss lossOf(JsonNode p, double tauSyn) {
    return DelgradExperiment.lossOf(
        ConfigLoader.section(p, LossConfig.class, "delgrad-golden.json"), tauSyn);
  }

  @Test
  @DisplayName("every loss_cases entry: loss, raw gradient (NaN where HEAD has NaN), effective"
      + " gradient and selected classes")
  void lossCases() {
    JsonNode cases = DelgradGoldenJson.section("loss_cases");
    DelgradGoldenAssert loss = new DelgradGoldenAssert("loss_cases.loss");
    DelgradGoldenAssert raw = new DelgradGoldenAssert("loss_cases.grad_label_times_raw");
    DelgradGoldenAssert effective = new DelgradGoldenAssert("loss_cases.grad_label_times_effective");
    int nanEntries = 0;
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      String name = "loss_cases[" + i + "] " + c.get("loss_params");
      DelgradLoss l = lossOf(c.get("loss_params"), c.get("tau_syn").asDouble());
      double[][] t = DelgradGoldenJson.matrix(c.get("label_times"));
      int[] labels = DelgradGoldenJson.ints(c.get("labels"));
      Result r = l.compute(t, labels);
      loss.check(name, r.loss(), c.get("loss").asDouble());
      double[][] expectedRaw = DelgradGoldenJson.matrix(c.get("grad_label_times_raw"));
      raw.check(name, r.rawGradient(), expectedRaw, true);
      effective.check(name, r.gradient(), DelgradGoldenJson.matrix(c.get("grad_label_times_effective")));
      assertThat(l.selectAll(t)).as(name).containsExactly(DelgradGoldenJson.ints(c.get("selected_classes")));
      for (double[] row : expectedRaw) {
        for (double v : row) {
          nanEntries += Double.isNaN(v) ? 1 : 0;
        }
      }
    }
    // All five kinds (shift-invariant with delta_t > 0 and < 0, MSE, TTFS, early_output) ran,
    // and the fixture's NaN entries were really compared as NaN.
    assertThat(cases.size()).isEqualTo(6);
    assertThat(nanEntries).isGreaterThan(10);
    assertThat(loss.count()).isEqualTo(6);
    assertThat(raw.count()).isEqualTo(effective.count()).isEqualTo(6 * 12 * 3);
    loss.report();
    raw.report();
    effective.report();
  }

  @Test
  @DisplayName("the loss and selection of every golden network batch follow from its label times"
      + " (incl. l2_delay on the effective delays before the step)")
  void networkBatches() {
    DelgradGoldenAssert loss = new DelgradGoldenAssert("network batches.loss");
    int batches = 0;
    int withL2 = 0;
    for (String section : List.of("network_steps", "mixed_network_steps")) {
      for (JsonNode c : DelgradGoldenJson.section(section)) {
        JsonNode config = c.get("config");
        DelgradLoss l =
            lossOf(config.get("training_params").get("loss"),
                config.get("default_neuron_params").get("tau_syn").asDouble());
        JsonNode delaysBefore = c.get("effective_delays_initial");
        for (JsonNode b : c.get("batches")) {
          String name = c.get("name").asText() + " batch " + batches;
          double[][] t = DelgradGoldenJson.matrix(b.get("label_times"));
          int[] labels = DelgradGoldenJson.ints(b.get("labels"));
          assertThat(l.selectAll(t)).as(name)
              .containsExactly(DelgradGoldenJson.ints(b.get("selected_classes")));
          if (b.has("loss")) {
            DelayVectors d = DelayVectors.effective(inLayerOrder(delaysBefore));
            loss.check(name, l.compute(t, labels, d).loss(), b.get("loss").asDouble());
            withL2 += l.delaySources().isEmpty() ? 0 : 1;
          }
          delaysBefore = b.get("effective_delays_after");
          batches++;
        }
      }
    }
    assertThat(batches).isEqualTo(3 + 1 + 3 + 3 + 8);
    assertThat(loss.count()).isEqualTo(3 + 1 + 3 + 3 + 2);
    assertThat(withL2).isEqualTo(3);
    loss.report();
  }

  /** The {@code effective_delays_*} dict (keyed by layer index) as flattened arrays in layer order. */
  static List<double[]> inLayerOrder(JsonNode byLayer) {
    Map<Integer, double[]> sorted = new TreeMap<>();
    byLayer.fields().forEachRemaining(e ->
        sorted.put(Integer.parseInt(e.getKey()), DelgradGoldenJson.flat(e.getValue())));
    return new ArrayList<>(sorted.values());
  }
}
