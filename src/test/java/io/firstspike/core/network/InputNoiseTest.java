package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.PrimitiveIterator;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InputNoiseTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  @DisplayName("adds mean + sd * z per entry in row-major order, reflects negatives, keeps +Infinity")
  void deterministicSupplier() {
    double[][] t = {{1.0, 0.2, INF}, {0.5, 2.0, 0.0}};
    PrimitiveIterator.OfDouble z = DoubleStream.of(1.0, -2.0, 3.0, 0.5, -1.0, -0.25).iterator();
    int[] calls = {0};
    InputNoise.apply(t, 0.1, 0.2, () -> {
      calls[0]++;
      return z.nextDouble();
    });
    assertThat(calls[0]).isEqualTo(6); // one draw per entry, +Infinity included
    assertThat(t[0]).containsExactly(1.0 + (1.0 * 0.2 + 0.1), Math.abs(0.2 + (-2.0 * 0.2 + 0.1)), INF);
    assertThat(t[1]).containsExactly(0.5 + (0.5 * 0.2 + 0.1), 2.0 + (-1.0 * 0.2 + 0.1),
        Math.abs(0.0 + (-0.25 * 0.2 + 0.1)));
    assertThat(t[0][1]).isEqualTo(0.1, within(1e-15));
  }

  @Test
  @DisplayName("a negative result is replaced by its absolute value")
  void reflectsNegative() {
    double[][] t = {{0.1}};
    InputNoise.apply(t, 0.0, 1.0, () -> -0.4);
    assertThat(t[0][0]).isEqualTo(Math.abs(0.1 - 0.4)).isPositive();
  }

  @Test
  @DisplayName("a negative standard deviation is rejected naming the key")
  void rejects() {
    assertThatThrownBy(() -> InputNoise.apply(new double[][] {{1}}, 0, -1, () -> 0))
        .hasMessageContaining("std_dev");
  }
}
