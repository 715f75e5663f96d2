package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.loss.DelgradLoss;
import io.firstspike.core.loss.DelgradObjective;
import io.firstspike.core.optim.RangeRunner;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link LayerInference}: batching, class selection, accuracy and HEAD's set loss. */
class LayerInferenceTest {
  private static final DelgradLoss LOSS =
      new DelgradLoss(new DelgradObjective.ShiftInvariantMse(0.2, 1.0));
  private static final List<LayerSpec> SPECS = List.of(
      LayerNetworkTest.delay(DelayType.SYNAPTIC, 1, 1),
      new LayerSpec.Neuron(6, LayerNetworkTest.ET, true, new LayerSpec.Normal(2.0, 1.0)),
      new LayerSpec.Broadcast(),
      new LayerSpec.Neuron(3, LayerNetworkTest.ET, true, new LayerSpec.Normal(2.0, 1.0)));

  private static double[][] inputs(int n) {
    Random rnd = new Random(3);
    double[][] x = new double[n][4];
    for (double[] row : x) {
      for (int i = 0; i < row.length; i++) {
        row[i] = 0.15 + 1.85 * rnd.nextDouble();
      }
    }
    return x;
  }

  @Test
  @DisplayName("without noise the batch size changes nothing; the loss is HEAD's size-weighted mean of batch losses; accuracy counts selected == label")
  void batchesSelectionAndLoss() {
    LayerNetwork net = LayerNetwork.initialise(4, SPECS, 0, new SeededNoise(11));
    double[][] x = inputs(23);
    int[] labels = new int[x.length];
    Arrays.setAll(labels, i -> i % 3);
    LayerInference.Result all = LayerInference.run(net, x, labels, LOSS, 23, NoiseSource.ZERO,
        RangeRunner.SERIAL);
    LayerInference.Result batched = LayerInference.run(net, x, labels, LOSS, 5, NoiseSource.ZERO,
        RangeRunner.SERIAL);
    assertThat(batched.labelTimes()).isDeepEqualTo(all.labelTimes());
    assertThat(batched.selected()).isEqualTo(all.selected());

    double[][] t = net.forward(x, NoiseSource.ZERO).labelTimes();
    assertThat(all.labelTimes()).isDeepEqualTo(t);
    int correct = 0;
    for (int s = 0; s < x.length; s++) {
      assertThat(all.selected()[s]).isEqualTo(LOSS.select(t[s]));
      correct += LOSS.select(t[s]) == labels[s] ? 1 : 0;
    }
    assertThat(Arrays.stream(all.selected()).filter(c -> c >= 0).count())
        .as("the network spikes: most samples select a class").isGreaterThan(12);
    assertThat(all.correct()).isEqualTo(correct);
    assertThat(all.accuracy()).isEqualTo(correct / 23.0);
    // Batches of 5, 5, 5, 5, 3: sum(batch loss * batch size) / 23.
    double sum = 0;
    for (int from = 0; from < 23; from += 5) {
      int to = Math.min(23, from + 5);
      sum += LOSS.compute(Arrays.copyOfRange(t, from, to), Arrays.copyOfRange(labels, from, to))
          .loss() * (to - from);
    }
    assertThat(batched.loss()).isEqualTo(sum / 23);
    assertThat(all.loss()).isEqualTo(LOSS.compute(t, labels).loss());
  }

  @Test
  @DisplayName("a silent label layer selects no class (-1), which is always wrong")
  void silentIsWrong() {
    LayerNetwork net = LayerNetwork.initialise(4, SPECS, 0, new SeededNoise(11));
    double inf = Double.POSITIVE_INFINITY;
    double[][] x = {{inf, inf, inf, inf}, {inf, inf, inf, inf}};
    LayerInference.Result r = LayerInference.run(net, x, new int[] {0, 1}, LOSS, 2,
        NoiseSource.ZERO, RangeRunner.SERIAL);
    assertThat(r.selected()).containsExactly(-1, -1);
    assertThat(r.correct()).isZero();
  }

  @Test
  @DisplayName("mismatched inputs and labels or a batch size below 1 are refused")
  void badArguments() {
    LayerNetwork net = LayerNetwork.initialise(4, SPECS, 0, new SeededNoise(11));
    assertThatThrownBy(() -> LayerInference.run(net, inputs(3), new int[2], LOSS, 2,
        NoiseSource.ZERO, RangeRunner.SERIAL)).hasMessageContaining("3 inputs but 2 labels");
    assertThatThrownBy(() -> LayerInference.run(net, inputs(3), new int[3], LOSS, 0,
        NoiseSource.ZERO, RangeRunner.SERIAL)).hasMessageContaining("batch_size_eval");
  }
}
