package io.firstspike.core.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** w_r = p * roundHalfEven(w / p) (DELGRAD-MODEL.md section 7.3). */
class WeightRoundingTest {

  @Test
  @DisplayName("rounds to the nearest multiple of p, ties to the even multiple")
  void halfEven() {
    assertThat(WeightRounding.round(0.5, 1.0)).isEqualTo(0.0);
    assertThat(WeightRounding.round(1.5, 1.0)).isEqualTo(2.0);
    assertThat(WeightRounding.round(2.5, 1.0)).isEqualTo(2.0);
    assertThat(WeightRounding.round(-0.5, 1.0)).isEqualTo(-0.0);
    assertThat(WeightRounding.round(-1.5, 1.0)).isEqualTo(-2.0);
    assertThat(WeightRounding.round(0.75, 0.5)).isEqualTo(1.0); // 1.5 -> 2
    assertThat(WeightRounding.round(0.25, 0.5)).isEqualTo(0.0); // 0.5 -> 0
    assertThat(WeightRounding.round(Double.POSITIVE_INFINITY, 0.1)).isInfinite();
    assertThat(WeightRounding.round(Double.NaN, 0.1)).isNaN();
  }

  @Test
  @DisplayName("agrees with BigDecimal's HALF_EVEN on w / p for random weights and p = 1/30")
  void againstBigDecimal() {
    Random rnd = new Random(31);
    double p = 1.0 / 30; // mixB's rounding_precision
    for (int i = 0; i < 10_000; i++) {
      double w = 4 * rnd.nextGaussian();
      double q = w / p;
      double expected = p * new BigDecimal(q).setScale(0, RoundingMode.HALF_EVEN).doubleValue();
      assertThat(WeightRounding.round(w, p)).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("the copy leaves the input alone; the precision must be a finite number > 0")
  void copyAndErrors() {
    double[] w = {0.04, -0.06, 0.11};
    double[] r = WeightRounding.roundedCopy(w, 0.1);
    assertThat(w).containsExactly(0.04, -0.06, 0.11);
    assertThat(r).containsExactly(0.0, -0.1, 0.1);
    assertThatThrownBy(() -> WeightRounding.roundedCopy(w, 0)).hasMessageContaining("rounding_precision");
    assertThatThrownBy(() -> WeightRounding.roundedCopy(w, Double.NaN)).hasMessageContaining("got NaN");
  }
}
