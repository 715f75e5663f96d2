package io.firstspike.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TtfsLossTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  /** Rounding between the stable log-sum-exp and the plain formula. */
  private static final double FORMULA_TOLERANCE = 1e-13;
  /** Central difference step and the error it leaves (O(h^2) plus rounding / h). */
  private static final double FD_STEP = 1e-6;
  private static final double FD_TOLERANCE = 1e-8;

  private static final TtfsLoss LOSS = new TtfsLoss(0.2, 0.005, 1.0, 1.0);

  /** The formula of TTFS-MODEL.md section 4, evaluated directly without any stabilisation. */
  private static double direct(TtfsLoss p, double[] t, int y) {
    double s = p.xi() * p.tauSyn();
    double sum = 0;
    for (double tk : t) {
      sum += Math.exp(-tk / s);
    }
    return Math.log(sum) + t[y] / s + p.alpha() * Math.exp(t[y] / (p.beta() * p.tauSyn()));
  }

  @Test
  @DisplayName("the batch loss is the mean of the per-sample formula")
  void matchesFormula() {
    TtfsLoss p = new TtfsLoss(0.3, 0.02, 1.5, 2.0);
    double[][] t = {{1.0, 1.5, 2.0}, {3.0, 0.7, 0.9}, {0.5, 0.5, 4.0}, {2.2, INF, 1.1}};
    int[] y = {0, 1, 2, 2};
    double expected = 0;
    for (int b = 0; b < t.length; b++) {
      expected += direct(p, t[b], y[b]);
    }
    expected /= t.length;
    assertThat(p.compute(t, y, null)).isCloseTo(expected, within(FORMULA_TOLERANCE));
  }

  @Test
  @DisplayName("a label neuron that never spikes costs exactly 100 and gives no gradient")
  void missingLabelSpike() {
    double[][] t = {{INF, 1.0, 1.2}, {1.0, 1.1, 1.2}};
    int[] y = {0, 0};
    double[][] g = {{7, 7, 7}, {7, 7, 7}};
    double loss = LOSS.compute(t, y, g);
    assertThat(loss).isCloseTo((100 + direct(LOSS, t[1], 0)) / 2, within(FORMULA_TOLERANCE));
    assertThat(g[0]).containsExactly(0.0, 0.0, 0.0);
    assertThat(g[1][0]).isNotZero();
    assertThat(LOSS.compute(new double[][] {{INF, INF}}, new int[] {1}, null)).isEqualTo(100.0);
  }

  @Test
  @DisplayName("a NaN label time is treated like a missing spike")
  void nanLabelTime() {
    double[][] g = new double[1][3];
    assertThat(LOSS.compute(new double[][] {{Double.NaN, 1, 2}}, new int[] {0}, g)).isEqualTo(100.0);
    assertThat(g[0]).containsExactly(0.0, 0.0, 0.0);
    // A NaN in another class drops out of the softmax like +Infinity.
    assertThat(LOSS.compute(new double[][] {{1.0, Double.NaN, 2}}, new int[] {0}, null))
        .isEqualTo(LOSS.compute(new double[][] {{1.0, INF, 2}}, new int[] {0}, null));
  }

  @Test
  @DisplayName("large times neither overflow nor underflow the log-sum-exp")
  void stableForLargeTimes() {
    // exp(-t / 0.2) underflows to 0 for t = 200: the plain formula gives -inf + 1000.
    double[][] t = {{200.0, 200.5, 201.0}};
    double loss = new TtfsLoss(0.2, 0.0, 1.0, 1.0).compute(t, new int[] {0}, null);
    double expected = Math.log(1 + Math.exp(-0.5 / 0.2) + Math.exp(-1.0 / 0.2));
    assertThat(loss).isCloseTo(expected, within(1e-12));
  }

  @Test
  @DisplayName("dL/dT equals central finite differences of the mean loss")
  void gradientMatchesFiniteDifferences() {
    Random rnd = new Random(11);
    TtfsLoss p = new TtfsLoss(0.4, 0.05, 1.3, 1.5);
    int batch = 5;
    int k = 4;
    double[][] t = new double[batch][k];
    int[] y = new int[batch];
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < k; j++) {
        t[b][j] = 0.5 + 2 * rnd.nextDouble();
      }
      y[b] = rnd.nextInt(k);
    }
    t[2][(y[2] + 1) % k] = INF; // a silent non-label neuron: no gradient, the rest still exact
    double[][] g = new double[batch][k];
    p.compute(t, y, g);
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < k; j++) {
        if (t[b][j] == INF) {
          assertThat(g[b][j]).isZero();
          continue;
        }
        double keep = t[b][j];
        t[b][j] = keep + FD_STEP;
        double up = p.compute(t, y, null);
        t[b][j] = keep - FD_STEP;
        double down = p.compute(t, y, null);
        t[b][j] = keep;
        assertThat(g[b][j])
            .as("dL/dT[%d][%d]", b, j)
            .isCloseTo((up - down) / (2 * FD_STEP), within(FD_TOLERANCE));
      }
    }
  }

  @Test
  @DisplayName("selection is the earliest spike, the first index on ties, -1 when all are silent")
  void selection() {
    assertThat(LOSS.select(new double[] {1.2, 0.9, 1.0})).isEqualTo(1);
    assertThat(LOSS.select(new double[] {1.0, 0.8, 0.8})).isEqualTo(1);
    assertThat(LOSS.select(new double[] {INF, INF, 2.0})).isEqualTo(2);
    assertThat(LOSS.select(new double[] {INF, INF, INF})).isEqualTo(-1);
    assertThat(LOSS.select(new double[] {1.0, Double.NaN, 0.5})).isEqualTo(-1);
    assertThat(LOSS.selectAll(new double[][] {{2, 1}, {INF, INF}})).containsExactly(1, -1);
  }

  @Test
  @DisplayName("wrong labels, shapes and parameters are rejected with the offending value")
  void rejectsBadInput() {
    assertThatThrownBy(() -> LOSS.compute(new double[][] {{1, 2}}, new int[] {2}, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label of sample 0 is 2");
    assertThatThrownBy(() -> LOSS.compute(new double[][] {{1, 2}, {1}}, new int[] {0, 0}, null))
        .hasMessageContaining("row 1");
    assertThatThrownBy(() -> new TtfsLoss(0, 1, 1, 1)).hasMessageContaining("xi");
    assertThatThrownBy(() -> new TtfsLoss(1, 1, -1, 1)).hasMessageContaining("beta");
  }
}
