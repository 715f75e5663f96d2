package io.firstspike.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Checks {@link RoundedLog} against an independent 50-digit BigDecimal logarithm. */
class RoundedLogTest {
  private static final MathContext MC = new MathContext(50, RoundingMode.HALF_EVEN);
  private static final BigDecimal LN2 = lnReduced(BigDecimal.valueOf(2));
  private static final int SAMPLES = 2000;

  @Test
  @DisplayName("ln(x) equals the BigDecimal logarithm rounded to the nearest double")
  void matchesBigDecimalLogarithm() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < SAMPLES; i++) {
      // mostly (0, 1) as the polar method needs, plus a spread of exponents
      double x = i % 3 == 0 ? Math.scalb(1 + random.nextDouble(), random.nextInt(-1070, 1020))
          : random.nextDouble();
      if (x == 0) {
        continue;
      }
      double expected = bigLn(x).doubleValue(); // BigDecimal.doubleValue rounds to nearest
      assertThat(RoundedLog.log(x)).as("ln(%s)", Double.toHexString(x)).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("special values behave like Math.log")
  void specialValues() {
    assertThat(RoundedLog.log(1.0)).isEqualTo(0.0);
    assertThat(RoundedLog.log(0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(RoundedLog.log(-1.0)).isNaN();
    assertThat(RoundedLog.log(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(RoundedLog.log(Double.MIN_VALUE)).isEqualTo(bigLn(Double.MIN_VALUE).doubleValue());
  }

  /** ln x = e ln 2 + ln m via binary exponent extraction, then the atanh series in BigDecimal. */
  private static BigDecimal bigLn(double x) {
    int e = Math.getExponent(x);
    if (e < Double.MIN_EXPONENT) { // subnormal
      e = Math.getExponent(x * 0x1p54) - 54;
    }
    // m = x / 2^e in [1, 2), exact in BigDecimal (dividing by a power of two terminates)
    BigDecimal two = BigDecimal.valueOf(2);
    BigDecimal m = e >= 0 ? new BigDecimal(x).divide(two.pow(e))
        : new BigDecimal(x).multiply(two.pow(-e));
    return LN2.multiply(BigDecimal.valueOf(e), MC).add(lnReduced(m), MC);
  }

  /** ln m = 2 atanh((m-1)/(m+1)), summed until the terms vanish at 50 digits. */
  private static BigDecimal lnReduced(BigDecimal m) {
    BigDecimal s = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), MC);
    BigDecimal s2 = s.multiply(s, MC);
    BigDecimal term = s;
    BigDecimal sum = BigDecimal.ZERO;
    for (int n = 0; n < 2000; n++) {
      BigDecimal add = term.divide(BigDecimal.valueOf(2L * n + 1), MC);
      sum = sum.add(add, MC);
      if (add.abs().compareTo(new BigDecimal("1e-60")) < 0) {
        break;
      }
      term = term.multiply(s2, MC);
    }
    return sum.multiply(BigDecimal.valueOf(2), MC);
  }
}
