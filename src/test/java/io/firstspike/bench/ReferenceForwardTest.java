package io.firstspike.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.train.Experiments;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The slow reference the benchmarks check against, and the check itself. */
class ReferenceForwardTest {
  private static final double TIME_TOL = 1e-12;

  private static final NeuronParams ET = NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0);

  @Test
  @DisplayName("one input of weight w: the reference time solves w t e^-t = 1 (found by bisection)")
  void singleInputMatchesBisection() {
    for (double w : new double[] {2.8, 4.0, 10.0, 50.0}) {
      double t = ReferenceForward.layer(ET, new double[] {0.0}, new double[] {w}, 1)[0];
      // membrane of one input at 0 (tau = 1, c = 1, EPS negligible here): w t exp(-t)
      double lo = 0;
      double hi = 1; // rising part ends at the peak t = 1
      for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (w * mid * Math.exp(-mid) - 1e-6 * Math.exp(-mid) < 1.0) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      assertThat(t).as("w = %s", w).isCloseTo(lo, within(1e-9));
    }
    double silent = ReferenceForward.layer(ET, new double[] {0.0}, new double[] {2.0}, 1)[0];
    assertThat(silent).as("peak 2/e < 1: no spike").isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  @DisplayName("its Lambert W satisfies w e^w = z from the branch point to large z")
  void lambertIdentity() {
    for (double z = -0.3678; z < 50; z += 0.0173) {
      double w = ReferenceForward.lambertW0(z);
      assertThat(w * Math.exp(w)).as("z = %s", z).isCloseTo(z, within(1e-13 * Math.max(1, z)));
    }
    assertThat(ReferenceForward.lambertW0(-0.5)).isNaN();
  }

  @Test
  @DisplayName("the engine agrees with the reference on the untrained paper Yin-Yang network")
  void engineAgreesOnYinYang() {
    Network net = Experiments.initialNetwork(BenchConfigs.yinYang());
    double[][] in = Experiments.loadData(BenchConfigs.yinYang()).train().inputTimes();
    String summary = ForwardCheck.verify(net, in, 30, 2);
    assertThat(summary).startsWith("30 samples");
  }

  @Test
  @DisplayName("a network whose neurons never fire fails the check instead of passing vacuously")
  void silentNetworkFailsCheck() {
    Network net = Experiments.initialNetwork(BenchConfigs.yinYang());
    for (int l = 0; l < net.nLayers(); l++) {
      Arrays.fill(net.weights(l), -1.0);
    }
    double[][] in = Experiments.loadData(BenchConfigs.yinYang()).train().inputTimes();
    assertThatThrownBy(() -> ForwardCheck.verify(net, in, 5, 1))
        .hasMessageContaining("no neuron spiked");
    assertThatThrownBy(() -> ForwardCheck.requireAccuracy("validation", 0.3, 0.5))
        .hasMessageContaining("accuracy 0.3 is not above 0.5");
  }

  @Test
  @DisplayName("median of odd and even counts")
  void median() {
    assertThat(Timing.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Timing.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
  }

  @Test
  @DisplayName("synthetic 16x16 digits: white pixels never spike, classes differ, seeded")
  void syntheticDigits() {
    var a = BenchData.synthetic("16x16_mnist", 16, true, 200, 1);
    var b = BenchData.synthetic("16x16_mnist", 16, true, 200, 1);
    assertThat(a).isEqualTo(b);
    assertThat(a.nInputs()).isEqualTo(256);
    long silent = Arrays.stream(a.inputTimes()).flatMapToDouble(Arrays::stream)
        .filter(t -> t == Double.POSITIVE_INFINITY).count();
    assertThat(silent).isGreaterThan(200L * 256 / 2);
    assertThat(Arrays.stream(a.labels()).distinct().count()).isEqualTo(10);
  }
}
