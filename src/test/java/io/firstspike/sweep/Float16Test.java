package io.firstspike.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The numbers of sweep_results_df.csv as the original writes them: whole values as integers,
 * others as {@code str(numpy.float16(x))}. Expected strings were printed by NumPy 2.4.6 for the
 * same inputs ({@code str(np.float16(x))}).
 */
class Float16Test {
  @Test
  @DisplayName("float16 text equals NumPy's str(np.float16(x)), positional in [1e-4, 1e3), scientific outside")
  void numpyText() {
    double[] x = {0.1, 1.0 / 3, 2.0 / 3, 0.0025, 1.0 / 7, 0.123456, 1000.7, 0.5, 1e-5, 0.00012345,
        65519.0 + 0.5, 0.049, 0.9996, 2.5e-8, 0.010000001, 6.1e-05, 99.9, 100.5, 512.3, 999.5,
        999.9, 1024.5, 0.00009999, 0.000101, -0.5, -1234.5};
    String[] numpy = {"0.1", "0.3333", "0.6665", "0.0025", "0.1428", "0.1235", "1.0005e+03", "0.5",
        "1e-05", "0.0001235", "6.55e+04", "0.049", "0.9995", "0.0", "0.01", "6.1e-05", "99.9",
        "100.5", "512.5", "999.5", "1e+03", "1.024e+03", "0.0001", "0.000101", "-0.5",
        "-1.234e+03"};
    for (int i = 0; i < x.length; i++) {
      assertThat(Float16.csv(x[i])).as("x = %s", x[i]).isEqualTo(numpy[i]);
    }
  }

  @Test
  @DisplayName("whole values are written as integers, NaN as an empty field, overflow as inf")
  void specialValues() {
    assertThat(Float16.csv(83.0)).isEqualTo("83");
    assertThat(Float16.csv(0.0)).isEqualTo("0");
    assertThat(Float16.csv(Double.NaN)).isEqualTo("");
    assertThat(Float16.csv(70000.5)).isEqualTo("inf");
    assertThat(Float16.round(65519.99)).isEqualTo(65504.0);
    assertThat(Float16.round(1.0 + Math.scalb(1.0, -11))).as("tie to even").isEqualTo(1.0);
    assertThat(Float16.round(Math.scalb(1.0, -25) * 1.5)).as("subnormal").isEqualTo(Math.scalb(1.0, -24));
  }
}
