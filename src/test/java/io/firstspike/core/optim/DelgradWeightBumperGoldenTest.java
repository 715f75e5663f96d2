package io.firstspike.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.optim.DelgradWeightBumper.Decision;
import io.firstspike.core.optim.DelgradWeightBumper.LayerTimes;
import io.firstspike.testsupport.DelgradGoldenNetwork;
import io.firstspike.testsupport.GoldenAssert;
import io.firstspike.testsupport.GoldenJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * HEAD's weight bumping against {@code delgrad-golden.json}: the decision (code and value) of every
 * golden batch from its stored hidden and label times, and for {@code mixC_weight_bumping} (six
 * bumps: hidden layer 1 three times, then the label layer three times, then two normal steps) the
 * whole parameter sequence of the small pieces in HEAD's order: check, bump or step, rectify, clip.
 */
class DelgradWeightBumperGoldenTest {

  /** One batch's check from the fixture's times (hidden NeuronLayers, then the label layer). */
  static Decision check(DelgradGoldenNetwork n, DelgradWeightBumper bumper, JsonNode batch) {
    List<Integer> neuron = n.neuronLayers();
    List<LayerTimes> hidden = new ArrayList<>();
    for (int i : neuron.subList(0, neuron.size() - 1)) {
      hidden.add(new LayerTimes(i, GoldenJson.matrix(batch.get("hidden_times").get("" + i)),
          n.layers.get(i).get("max_num_missing_spikes").asDouble()));
    }
    int last = neuron.get(neuron.size() - 1);
    LayerTimes label = new LayerTimes(last, GoldenJson.matrix(batch.get("label_times")),
        n.layers.get(last).get("max_num_missing_spikes").asDouble());
    return bumper.check(hidden, label);
  }

  @Test
  @DisplayName("every golden batch's bump code and bump value follow from its hidden and label times")
  void decisions() {
    List<Integer> codes = new ArrayList<>();
    for (DelgradGoldenNetwork n : DelgradGoldenNetwork.all()) {
      DelgradWeightBumper bumper = n.bumper();
      for (JsonNode batch : n.entry.get("batches")) {
        Decision d = check(n, bumper, batch);
        assertThat(d.code()).as(n.name()).isEqualTo(batch.get("weights_bumped").asInt());
        assertThat(d.value()).as(n.name()).isEqualTo(batch.get("bump_value").asDouble());
        codes.add(d.code());
      }
    }
    // Three network batches, one, three, three, and mixC's 1, 1, 1, -1, -1, -1, -2, -2.
    assertThat(codes).containsExactly(-2, -2, -2, -2, -2, -2, -2, -2, -2, -2,
        1, 1, 1, -1, -1, -1, -2, -2);
  }

  @Test
  @DisplayName("mixC: bumped weights (targeted, doubled on repeats, reset on a new code), then"
      + " two Adam steps, match HEAD's parameters after every batch")
  void bumpingSequence() {
    DelgradGoldenNetwork n = DelgradGoldenNetwork.named("mixC_weight_bumping");
    DelgradWeightBumper bumper = n.bumper();
    GroupedOptimizer opt = n.optimizer();
    GoldenAssert after = new GoldenAssert("mixC.parameters_after");
    int b = 0;
    int changedByBump = 0;
    for (JsonNode batch : n.entry.get("batches")) {
      String where = "mixC batch " + b++;
      Decision d = check(n, bumper, batch);
      if (d.bumped()) {
        double[] w = n.param("layers." + d.layerIndex() + ".weights");
        double[] before = w.clone();
        bumper.bump(d, w);
        for (int i = 0; i < w.length; i++) {
          changedByBump += w[i] != before[i] ? 1 : 0;
        }
      } else {
        opt.step(DelgradGoldenNetwork.gradients(batch));
        n.network.rectifyDelays();
      }
      n.clipWeights();
      batch.get("parameters_after").fields().forEachRemaining(e ->
          after.check(where + " " + e.getKey(), n.param(e.getKey()),
              GoldenJson.flat(e.getValue())));
    }
    assertThat(b).isEqualTo(8);
    assertThat(changedByBump).isGreaterThan(6);
    assertThat(opt.stepsOf(0)).isEqualTo(2);
    after.report();
  }
}
