package io.firstspike.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The table-driven fast path of {@link RoundedLog} must return exactly what the slow
 * double-double series returns (itself checked against BigDecimal in {@link RoundedLogTest}).
 */
class RoundedLogFastPathTest {
  private static final int DRAWS = 2_000_000;

  @Test
  @DisplayName("fast and slow paths agree bit for bit on the polar method's inputs and beyond")
  void fastPathEqualsSlowPath() {
    SplittableRandom random = new SplittableRandom(2026);
    for (int n = 0; n < DRAWS; n++) {
      double x;
      switch (n % 4) {
        case 0 -> x = random.nextDouble(); // (0, 1): what the polar method passes
        case 1 -> x = 1.0 + (random.nextDouble() - 0.5) * 0x1p-6; // near 1: cancellation
        case 2 -> x = Math.scalb(1 + random.nextDouble(), random.nextInt(-1022, 1024));
        default -> { // r2 = x1^2 + x2^2 of two rand()-based uniforms, as NumPy forms it
          double x1 = 2.0 * random.nextDouble() - 1.0;
          double x2 = 2.0 * random.nextDouble() - 1.0;
          x = x1 * x1 + x2 * x2;
        }
      }
      if (!(x > 0)) {
        continue;
      }
      double fast = RoundedLog.log(x);
      double slow = RoundedLog.slowLog(x);
      if (Double.doubleToRawLongBits(fast) != Double.doubleToRawLongBits(slow)) {
        assertThat(fast).as("ln(%s)", Double.toHexString(x)).isEqualTo(slow);
      }
    }
  }

  @Test
  @DisplayName("bucket edges, powers of two and the reduction boundary sqrt(2) agree too")
  void edgesAgree() {
    double[] xs = {1.0, Math.nextUp(1.0), Math.nextDown(1.0), 2.0, 0.5, 1.4142135623730951,
        Math.nextUp(1.4142135623730951), 0.7071067811865476, Double.MIN_NORMAL, Double.MAX_VALUE,
        1.0 + 1.0 / 256, 1.0 - 1.0 / 256, 1.0 + 3.0 / 256, 0.1, 10.0, 1e-300};
    for (double x : xs) {
      assertThat(RoundedLog.log(x)).as("ln(%s)", Double.toHexString(x))
          .isEqualTo(RoundedLog.slowLog(x));
    }
  }
}
