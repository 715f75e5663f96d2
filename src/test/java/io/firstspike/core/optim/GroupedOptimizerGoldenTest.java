package io.firstspike.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.testsupport.DelgradGoldenNetwork;
import io.firstspike.testsupport.GoldenAssert;
import io.firstspike.testsupport.GoldenJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Parameter groups, Adam and SGD with momentum, and StepLR against {@code delgrad-golden.json}
 * (the original's HEAD). The gradients of every batch are in the fixture, so the optimizer step
 * is tested alone: parameters after a batch = clip(rectify(step(parameters before, gradients))),
 * with the network's own rectification and the config's clipping plan.
 */
class GroupedOptimizerGoldenTest {

  @Test
  @DisplayName("one group per layer entry, with the layer's learning_rate else the global one")
  void groupsAndLearningRates() {
    int cases = 0;
    for (DelgradGoldenNetwork n : DelgradGoldenNetwork.all()) {
      double[] expected = GoldenJson.vector(n.entry.get("param_group_lrs"));
      assertThat(n.groups).as(n.name()).hasSize(expected.length);
      GroupedOptimizer opt = n.optimizer();
      for (int g = 0; g < expected.length; g++) {
        assertThat(opt.learningRate(g)).as(n.name() + " group " + g).isEqualTo(expected[g]);
        JsonNode names = n.entry.get("param_group_param_names").get(g);
        assertThat(n.groups.get(g).tensors()).as(n.name() + " group " + g).hasSize(names.size());
        for (int k = 0; k < names.size(); k++) {
          assertThat(n.groups.get(g).tensors().get(k).name())
              .isEqualTo("layers." + g + "." + names.get(k).asText());
        }
      }
      cases++;
    }
    assertThat(cases).isEqualTo(5);
  }

  @Test
  @DisplayName("every golden batch: parameters after = step from parameters before and the stored"
      + " gradients (Adam and SGD with momentum, per-group learning rates, rectify, clip), and"
      + " the final Adam moments, step counts and momentum buffers")
  void stepsAndFinalState() {
    GoldenAssert after = new GoldenAssert("network batches.parameters_after");
    GoldenAssert moments = new GoldenAssert("network steps.adam_state_after");
    int steps = 0;
    int bumped = 0;
    boolean sawSgd = false;
    boolean sawClip = false;
    for (DelgradGoldenNetwork n : DelgradGoldenNetwork.all()) {
      GroupedOptimizer opt = n.optimizer();
      sawSgd |= opt instanceof GroupedSgd s && s.momentum() > 0;
      sawClip |= n.clipping().enabled();
      int b = 0;
      for (JsonNode batch : n.entry.get("batches")) {
        String where = n.name() + " batch " + b++;
        if (batch.get("weights_bumped").asInt() != -2) {
          // Weight bumping is tested in DelgradWeightBumperGoldenTest; here the batch only
          // hands its parameters to the next one.
          n.setParams(batch.get("parameters_after"));
          bumped++;
          continue;
        }
        Map<String, double[]> before = new java.util.LinkedHashMap<>();
        batch.get("parameters_after").fieldNames()
            .forEachRemaining(k -> before.put(k, n.param(k).clone()));
        opt.step(DelgradGoldenNetwork.gradients(batch));
        n.network.rectifyDelays();
        n.clipWeights();
        batch.get("parameters_after").fields().forEachRemaining(e -> {
          double[] expected = GoldenJson.flat(e.getValue());
          after.check(where + " " + e.getKey(), n.param(e.getKey()), expected);
          // The step moved the parameters by far more than the tolerance.
          assertThat(maxRelativeChange(before.get(e.getKey()), expected)).as(where + " " + e.getKey())
              .isGreaterThan(1e-6);
        });
        steps++;
      }
      n.checkOptimizerState(opt, moments);
    }
    assertThat(steps).isEqualTo(3 + 1 + 3 + 3 + 2);
    assertThat(bumped).isEqualTo(6);
    assertThat(sawSgd).isTrue();
    assertThat(sawClip).isTrue();
    assertThat(moments.compared()).isGreaterThan(1000);
    after.report();
    moments.report();
  }

  private static double maxRelativeChange(double[] a, double[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300));
    }
    return worst;
  }

  @Test
  @DisplayName("StepLR multiplies every group's current rate at each step_size: the lr_schedules"
      + " fixtures bit for bit over 301 epochs, also after a restore")
  void lrSchedules() {
    int checked = 0;
    GoldenAssert golden = new GoldenAssert("lr_schedules");
    for (JsonNode c : GoldenJson.delgradSection("lr_schedules")) {
      double[] initial = GoldenJson.vector(c.get("initial_lrs"));
      double[][] during = GoldenJson.matrix(c.get("lr_during_epoch"));
      GroupedAdam opt = new GroupedAdam(groupsWithRates(initial));
      StepLR sched = new StepLR(opt, c.get("step_size").asInt(), c.get("gamma").asDouble());
      for (int e = 0; e < during.length; e++) {
        for (int g = 0; g < initial.length; g++) {
          assertThat(opt.learningRate(g)).as("epoch %d group %d", e, g).isEqualTo(during[e][g]);
          golden.check("epoch " + e + " group " + g, opt.learningRate(g), during[e][g]);
          checked++;
        }
        sched.step();
      }
      // Restoring the schedule at epoch 237 replays the same multiplications.
      GroupedAdam restored = new GroupedAdam(groupsWithRates(initial));
      new StepLR(restored, c.get("step_size").asInt(), c.get("gamma").asDouble()).restore(237);
      for (int g = 0; g < initial.length; g++) {
        assertThat(restored.learningRate(g)).isEqualTo(during[237][g]);
      }
    }
    assertThat(checked).isEqualTo(301 * 4);
    assertThat(golden.identical()).isEqualTo(checked);
    golden.report();
  }

  static List<ParameterGroup> groupsWithRates(double... lrs) {
    return java.util.stream.IntStream.range(0, lrs.length)
        .mapToObj(g -> new ParameterGroup("layers." + g,
            List.of(new ParameterTensor("layers." + g + ".weights", new double[] {1.0, 2.0})), lrs[g]))
        .toList();
  }
}
