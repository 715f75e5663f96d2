package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.loss.Loss;
import io.firstspike.core.loss.MseLoss;
import io.firstspike.core.loss.TtfsLoss;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.optim.GroupedAdam;
import io.firstspike.testsupport.GoldenAssert;
import io.firstspike.testsupport.GoldenJson;
import io.firstspike.testsupport.GoldenNetworkSteps;
import io.firstspike.testsupport.GoldenNetworkSteps.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 2021 paper's Yin-Yang network written as a layer list (Biases, Broadcast, NeuronLayer 120,
 * Biases, Broadcast, NeuronLayer 3; {@link EpsRule#RELEASE_2021}) against the training step of
 * ttfs-golden.json: hidden and label times and the clipped weight gradients given the loss's
 * dL/dT, the loss and selected classes, and the weights after the original's Adam step taken on
 * these gradients. The fixture's three 0.0 hidden times stand for "no spike" (see
 * GoldenNetworkStepTest).
 */
class LayerNetworkRelease2021Test {

  @ParameterizedTest(name = "step {0}")
  @ValueSource(ints = {0, 1})
  @DisplayName("a 2021 network as a layer list reproduces the original's training step")
  void matchesOriginal(int index, TestReporter reporter) {
    JsonNode raw = GoldenJson.ttfs().get("network_steps").get(index);
    Step step = GoldenNetworkSteps.load().get(index);
    JsonNode p = raw.get("neuron_params");
    NeuronParams params = NeuronParams.equalTime(p.get("g_leak").asDouble(),
        p.get("leak").asDouble(), p.get("threshold").asDouble(), p.get("tau_syn").asDouble());
    NeuronSettings settings = NeuronSettings.of(params, params.variant(), EpsRule.RELEASE_2021,
        raw.get("max_dw_norm").asDouble());
    double[] bias = GoldenJson.vector(raw.get("bias_times"));
    int[] widths = step.layerWidths();
    List<LayerSpec> specs = List.of(new LayerSpec.Biases(bias), new LayerSpec.Broadcast(),
        new LayerSpec.Neuron(widths[0], settings, true, LayerSpec.Normal.ZERO),
        new LayerSpec.Biases(bias), new LayerSpec.Broadcast(),
        new LayerSpec.Neuron(widths[1], settings, true, LayerSpec.Normal.ZERO));
    double[][] inputs = GoldenJson.matrix(raw.get("input_times"));
    LayerNetwork net = LayerNetwork.withParameters(inputs[0].length, specs, 0, Map.of(
        "layers.2.weights", step.weightsBefore()[0], "layers.5.weights", step.weightsBefore()[1]));

    NetworkPass pass = net.forward(inputs, NoiseSource.ZERO);
    double[][] expectedHidden = step.hiddenTimes();
    int zeros = 0;
    for (double[] row : expectedHidden) {
      for (int j = 0; j < row.length; j++) {
        if (row[j] == 0.0) {
          row[j] = Double.POSITIVE_INFINITY;
          zeros++;
        }
      }
    }
    assertThat(zeros).isEqualTo(3);
    GoldenAssert err = new GoldenAssert("ttfs network_steps[" + index + "] " + step.lossType());
    err.check("hidden_times", pass.hiddenTimes(2), expectedHidden);
    err.check("label_times", pass.labelTimes(), step.labelTimes());
    double[][] dLdT = new double[inputs.length][widths[1]];
    Loss loss = loss(step);
    err.check("loss", loss.compute(pass.labelTimes(), step.labels(), dLdT), step.loss());
    assertThat(loss.selectAll(pass.labelTimes())).as("selected_classes")
        .containsExactly(step.selectedClasses());
    NetworkGradients g = net.backward(pass, dLdT);
    err.check("weight_gradients[0]", g.get("layers.2.weights"), step.weightGradients()[0]);
    err.check("weight_gradients[1]", g.get("layers.5.weights"), step.weightGradients()[1]);
    // the original's Adam step (one group, its learning rate) on this code's own gradients
    List<Double> noOwnRates = java.util.Collections.nCopies(specs.size(), null);
    new GroupedAdam(net.parameterGroups(noOwnRates, step.learningRate()))
        .step(g.parameters());
    err.check("weights_after_adam_step[0]", net.parameter("layers.2.weights").values(),
        step.weightsAfterAdamStep()[0]);
    err.check("weights_after_adam_step[1]", net.parameter("layers.5.weights").values(),
        step.weightsAfterAdamStep()[1]);
    assertThat(err.compared()).isEqualTo(150L * (120 + 3) + 1 + 2 * (5 * 120 + 121 * 3));
    reporter.publishEntry("golden", err.summary());
    err.report();
  }

  private static Loss loss(Step step) {
    JsonNode p = step.lossParams();
    return switch (step.lossType()) {
      case "TTFS" -> new TtfsLoss(p.get("xi").asDouble(), p.get("alpha").asDouble(),
          p.get("beta").asDouble(), step.tauSyn());
      case "MSE" -> new MseLoss(p.get("t_correct").asDouble(), p.get("t_wrong").asDouble(),
          step.tauSyn());
      default -> throw new IllegalStateException("unknown loss_type " + step.lossType());
    };
  }
}
