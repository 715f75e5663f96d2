package io.firstspike.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MseLossTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double FORMULA_TOLERANCE = 1e-14;
  private static final double FD_STEP = 1e-6;
  private static final double FD_TOLERANCE = 1e-9;

  @Test
  @DisplayName("the loss is the mean of half squared errors over all B x K entries")
  void matchesFormula() {
    MseLoss p = new MseLoss(1.7, 1.0, 2.0); // targets 3.4 (correct) and 2.0 (wrong)
    double[][] t = {{3.0, 2.5}, {1.0, 4.0}};
    int[] y = {0, 1};
    double expected =
        (0.5 * Math.pow(3.0 - 3.4, 2) + 0.5 * Math.pow(2.5 - 2.0, 2)
                + 0.5 * Math.pow(1.0 - 2.0, 2) + 0.5 * Math.pow(4.0 - 3.4, 2))
            / 4;
    assertThat(p.compute(t, y, null)).isCloseTo(expected, within(FORMULA_TOLERANCE));
  }

  @Test
  @DisplayName("a silent entry contributes 100 to the mean and no gradient")
  void missingEntry() {
    MseLoss p = new MseLoss(1.0, 2.0, 1.0);
    double[][] t = {{INF, 2.5}, {1.0, Double.NaN}};
    int[] y = {0, 0};
    double[][] g = new double[2][2];
    double loss = p.compute(t, y, g);
    assertThat(loss).isCloseTo((100 + 0.5 * 0.25 + 0 + 100) / 4, within(FORMULA_TOLERANCE));
    assertThat(g[0][0]).isZero();
    assertThat(g[1][1]).isZero();
    assertThat(g[0][1]).isCloseTo(0.5 / 4, within(FORMULA_TOLERANCE));
  }

  @Test
  @DisplayName("dL/dT equals central finite differences")
  void gradientMatchesFiniteDifferences() {
    Random rnd = new Random(5);
    MseLoss p = new MseLoss(1.7, 1.0, 1.3);
    double[][] t = new double[4][3];
    int[] y = new int[4];
    for (int b = 0; b < 4; b++) {
      for (int k = 0; k < 3; k++) {
        t[b][k] = 3 * rnd.nextDouble();
      }
      y[b] = rnd.nextInt(3);
    }
    double[][] g = new double[4][3];
    p.compute(t, y, g);
    for (int b = 0; b < 4; b++) {
      for (int k = 0; k < 3; k++) {
        double keep = t[b][k];
        t[b][k] = keep + FD_STEP;
        double up = p.compute(t, y, null);
        t[b][k] = keep - FD_STEP;
        double down = p.compute(t, y, null);
        t[b][k] = keep;
        assertThat(g[b][k]).isCloseTo((up - down) / (2 * FD_STEP), within(FD_TOLERANCE));
      }
    }
  }

  @Test
  @DisplayName("selection is the time closest to t_correct, first index on ties, -1 if silent")
  void selection() {
    MseLoss p = new MseLoss(1.5, 1.0, 2.0); // correct target 3.0
    assertThat(p.select(new double[] {1.0, 2.9, 3.2})).isEqualTo(1);
    assertThat(p.select(new double[] {2.5, 3.5, 1.0})).isEqualTo(0);
    assertThat(p.select(new double[] {INF, 100.0})).isEqualTo(1);
    assertThat(p.select(new double[] {INF, INF})).isEqualTo(-1);
    assertThat(p.select(new double[] {3.0, Double.NaN})).isEqualTo(-1);
  }
}
