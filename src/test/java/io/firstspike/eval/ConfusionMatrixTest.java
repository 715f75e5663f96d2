package io.firstspike.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
  static final double SUM_TOLERANCE = 1e-12;

  @Test
  @DisplayName("rows sum to 1 and the class-weighted diagonal equals the accuracy")
  void rowsAndDiagonal() {
    SplitEvaluation e = FakeEvaluations.yinYang("test", 1000, 7, 0);
    ConfusionMatrix m = ConfusionMatrix.of(e);
    int k = m.nClasses();
    double weightedDiagonal = 0;
    long total = 0;
    for (int t = 0; t < k; t++) {
      double sum = 0;
      for (int p = 0; p <= k; p++) {
        sum += m.fraction(t, p);
      }
      assertThat(m.rowTotal(t)).isPositive();
      assertThat(sum).as("row %d", t).isCloseTo(1.0, within(SUM_TOLERANCE));
      weightedDiagonal += m.fraction(t, t) * m.rowTotal(t);
      total += m.rowTotal(t);
    }
    assertThat(total).isEqualTo(e.nSamples());
    assertThat(weightedDiagonal / total).isCloseTo(e.accuracy(), within(SUM_TOLERANCE));
    assertThat(m.accuracy()).isEqualTo(e.accuracy());
    // The fake data are good but not perfect.
    assertThat(e.accuracy()).isBetween(0.6, 0.999);
  }

  @Test
  @DisplayName("predictions of -1 land in the 'none' column; a class that never occurs has a zero row")
  void noneColumnAndAbsentClass() {
    double inf = Double.POSITIVE_INFINITY;
    SplitEvaluation e = new SplitEvaluation("x", "test", new double[4][1],
        new double[][] {{1, 2, 3}, {2, 1, 3}, {inf, inf, inf}, {1, 2, 3}},
        new int[] {0, 0, 1, 1}, new int[] {0, 1, -1, 0}, List.of("a", "b", "c"));
    ConfusionMatrix m = ConfusionMatrix.of(e);
    assertThat(m.hasNone()).isTrue();
    assertThat(m.count(1, 3)).isEqualTo(1);
    assertThat(m.fraction(0, 0)).isEqualTo(0.5);
    assertThat(m.fraction(0, 1)).isEqualTo(0.5);
    assertThat(m.fraction(1, 3)).isEqualTo(0.5);
    assertThat(m.fraction(1, 0)).isEqualTo(0.5);
    assertThat(m.rowTotal(2)).isZero();
    assertThat(m.fractions()[2]).containsOnly(0.0);
    assertThat(m.accuracy()).isEqualTo(0.25);
  }

  @Test
  @DisplayName("without silent samples there is no 'none' column to show")
  void noNone() {
    SplitEvaluation e = FakeEvaluations.tenClasses("mnist", "test", 300, 5);
    assertThat(ConfusionMatrix.of(e).hasNone()).isFalse();
  }
}
