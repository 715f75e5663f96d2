package io.firstspike.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.optim.RangeRunner;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The scan after an optimizer step or a bump names the first weight that is NaN, infinite or
 * beyond the runaway bound, serial or not.
 */
class WeightCheckTest {
  /** Runs the parts on several threads, last part first. */
  private static final RangeRunner THREADS = (parts, part) ->
      IntStream.range(0, parts).parallel().map(p -> parts - 1 - p).forEach(part);

  private static final double BOUND = 1e6;

  @Test
  @DisplayName("the first weight outside the bound in layer and index order is found in parallel parts")
  void firstInOrder() {
    double[][] w = {new double[80_000], new double[70_000]};
    assertThat(w[0].length + w[1].length).isGreaterThanOrEqualTo(WeightCheck.PARALLEL_FROM);
    assertThat(WeightCheck.firstOutside(w, BOUND, THREADS)).isNull();
    w[1][69_999] = Double.NaN; // the last part
    w[1][3] = Double.POSITIVE_INFINITY; // the first part, second layer
    assertThat(WeightCheck.firstOutside(w, BOUND, THREADS)).containsExactly(1, 3);
    w[0][79_000] = Double.NEGATIVE_INFINITY; // first layer, last part
    assertThat(WeightCheck.firstOutside(w, BOUND, THREADS)).containsExactly(0, 79_000);
    assertThat(WeightCheck.firstOutside(w, BOUND, RangeRunner.SERIAL)).containsExactly(0, 79_000);
    w[0][50_000] = -1.5e6; // finite, but beyond the bound
    assertThat(WeightCheck.firstOutside(w, BOUND, THREADS)).containsExactly(0, 50_000);
  }

  @Test
  @DisplayName("a small network is scanned in one part; the bound itself is allowed")
  void small() {
    double[][] w = {new double[10], new double[3]};
    w[0][4] = BOUND;
    w[0][5] = -BOUND;
    assertThat(WeightCheck.firstOutside(w, BOUND, THREADS)).isNull();
    w[1][2] = Double.NaN;
    assertThat(WeightCheck.firstOutside(w, BOUND, THREADS)).containsExactly(1, 2);
    w[1][1] = Math.nextUp(BOUND);
    assertThat(WeightCheck.firstOutside(w, BOUND, THREADS)).containsExactly(1, 1);
  }

  @Test
  @DisplayName("the bound is a million units of g_leak |threshold - leak|, far above trained networks")
  void boundScalesWithTheNeuron() {
    assertThat(WeightCheck.bound(NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0))).isEqualTo(1e6);
    assertThat(WeightCheck.bound(new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0))).isEqualTo(5e5);
    assertThat(WeightCheck.bound(NeuronParams.equalTime(1.0, -65.0, -50.0, 1.0))).isEqualTo(1.5e7);
  }

  @Test
  @DisplayName("the message names the layer, the value and the bound")
  void messages() {
    NeuronParams p = NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0);
    double[][] weights = {new double[2 * 3], new double[4 * 2]};
    Network net = new Network(p, 2, new int[] {3, 2}, new int[] {0, 1}, new double[][] {{}, {0.9}},
        weights);
    assertThat(WeightCheck.problem(net, RangeRunner.SERIAL)).isNull();
    net.weights(1)[5] = -3.14159e7;
    assertThat(WeightCheck.problem(net, RangeRunner.SERIAL)).isEqualTo("a weight of layer 1"
        + " reached -3.14e+07, beyond the bound |w| <= 1e+06 (1e+06 x g_leak |threshold - leak|;"
        + " trained networks stay below 10)");
    net.weights(0)[0] = Double.NaN;
    assertThat(WeightCheck.problem(net, RangeRunner.SERIAL)).isEqualTo("a weight of layer 0 became NaN");
    net.weights(0)[0] = 1_000_001.5;
    assertThat(WeightCheck.problem(net, RangeRunner.SERIAL)).as("told apart from the bound")
        .startsWith("a weight of layer 0 reached 1000002, beyond the bound |w| <= 1e+06");
    assertThat(WeightCheck.shown(100, 3)).isEqualTo("100");
    assertThat(WeightCheck.shown(2.5e-7, 3)).isEqualTo("2.5e-07");
  }
}
