package io.firstspike.core.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.firstspike.data.NumpyRandom;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ZigguratNormalTest {
  /** Draws for the distribution tests: enough that 5 sigma of a tail count is a few percent. */
  private static final int N = 2_000_000;

  @Test
  @DisplayName("the layers have equal areas and close at the top: r and v belong together")
  void tables() {
    double[] x = ZigguratNormal.X;
    double[] f = ZigguratNormal.F;
    int top = ZigguratNormal.LAYERS - 1;
    assertThat(x[0] * f[1]).as("base rectangle").isCloseTo(ZigguratNormal.V, within(1e-18));
    for (int k = 1; k < top; k++) {
      assertThat(x[k + 1]).as("x_%d", k + 1).isLessThan(x[k]);
      assertThat(x[k] * (f[k + 1] - f[k])).as("layer %d", k).isCloseTo(ZigguratNormal.V, within(1e-15));
      assertThat(f[k]).isCloseTo(Math.exp(-0.5 * x[k] * x[k]), within(1e-15));
    }
    // the recursion, started at r, must end with the top layer reaching f(0) = 1 with area v;
    // v's 12 published digits close it to 1e-9 relative (a layer's probability off by 4e-12)
    assertThat(x[top] * (1.0 - f[top])).as("top layer").isCloseTo(ZigguratNormal.V, within(1e-11));
    // and the tail beyond r has the area the base rectangle sets aside for it
    double tail = Math.sqrt(Math.PI / 2) * erfc(ZigguratNormal.R / Math.sqrt(2));
    assertThat((x[0] - x[1]) * f[1]).isCloseTo(tail, within(1e-12));
  }

  @Test
  @DisplayName("moments, symmetry and tail frequencies of two million draws are those of N(0, 1)")
  void distribution() {
    ZigguratNormal z = new ZigguratNormal(new SplitMix64(20261129));
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double s4 = 0;
    long negative = 0;
    long beyond3 = 0;
    long beyond4 = 0;
    long tail = 0;
    for (int i = 0; i < N; i++) {
      double v = z.next();
      s1 += v;
      s2 += v * v;
      s3 += v * v * v;
      s4 += v * v * v * v;
      negative += v < 0 ? 1 : 0;
      double a = Math.abs(v);
      beyond3 += a > 3 ? 1 : 0;
      beyond4 += a > 4 ? 1 : 0;
      tail += a > ZigguratNormal.R ? 1 : 0;
    }
    double mean = s1 / N;
    double var = s2 / N - mean * mean;
    // standard errors: mean 1/sqrt(N), variance sqrt(2/N), skewness sqrt(6/N), kurtosis sqrt(24/N)
    assertThat(mean).isCloseTo(0.0, within(5 / Math.sqrt(N)));
    assertThat(var).isCloseTo(1.0, within(5 * Math.sqrt(2.0 / N)));
    assertThat(s3 / N).isCloseTo(0.0, within(5 * Math.sqrt(6.0 / N) * 2));
    assertThat(s4 / N).isCloseTo(3.0, within(5 * Math.sqrt(96.0 / N)));
    assertThat((double) negative / N).isCloseTo(0.5, within(5 * 0.5 / Math.sqrt(N)));
    expectCount(beyond3, 2 * 0.5 * erfc(3 / Math.sqrt(2)), "|z| > 3");
    expectCount(beyond4, 2 * 0.5 * erfc(4 / Math.sqrt(2)), "|z| > 4");
    expectCount(tail, 2 * 0.5 * erfc(ZigguratNormal.R / Math.sqrt(2)), "|z| > r (the tail path)");
  }

  @Test
  @DisplayName("a two-sample Kolmogorov-Smirnov test cannot tell it from NumPy's polar normals")
  void sameDistributionAsPolarMethod() {
    int n = 400_000;
    ZigguratNormal z = new ZigguratNormal(new SplitMix64(5));
    NumpyRandom polar = new NumpyRandom(6);
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = z.next();
      b[i] = polar.standardNormal();
    }
    Arrays.sort(a);
    Arrays.sort(b);
    double d = 0;
    int i = 0;
    int j = 0;
    while (i < n && j < n) {
      if (a[i] <= b[j]) {
        i++;
      } else {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / n - (double) j / n));
    }
    // critical value at alpha = 0.001: 1.95 sqrt(2 / n)
    assertThat(d).isLessThan(1.95 * Math.sqrt(2.0 / n));
  }

  @Test
  @DisplayName("the stream is its source's: the same seed gives the same numbers, another seed others")
  void determinism() {
    ZigguratNormal a = new ZigguratNormal(new SplitMix64(12345));
    ZigguratNormal b = new ZigguratNormal(new SplitMix64(12345));
    ZigguratNormal c = new ZigguratNormal(new SplitMix64(12346));
    int same = 0;
    for (int i = 0; i < 1000; i++) {
      double x = a.next();
      assertThat(x).isEqualTo(b.next());
      same += x == c.next() ? 1 : 0;
    }
    assertThat(same).isZero();
  }

  @Test
  @DisplayName("SplitMix64 gives the reference outputs of its published algorithm")
  void splitMixReference() {
    // seed 0: the first outputs of SplitMix64 as its authors' C code gives them
    SplitMix64 r = new SplitMix64(0);
    assertThat(r.nextLong()).isEqualTo(0xE220A8397B1DCDAFL);
    assertThat(r.nextLong()).isEqualTo(0x6E789E6AA1B965F4L);
    assertThat(r.nextLong()).isEqualTo(0x06C45D188009454FL);
  }

  /** count within 5 binomial standard deviations of N p. */
  private static void expectCount(long count, double p, String what) {
    double expected = N * p;
    assertThat((double) count).as(what).isCloseTo(expected, within(5 * Math.sqrt(expected * (1 - p))));
  }

  /**
   * erfc by its continued fraction for x >= 2 and the series of erf below: relative error far
   * below the test's tolerances (checked against known values in {@link #erfcKnownValues}).
   */
  static double erfc(double x) {
    if (x < 2) {
      double sum = 0;
      double term = x;
      for (int n = 0; n < 200; n++) {
        sum += term / (2 * n + 1);
        term *= -x * x / (n + 1);
      }
      return 1 - 2 / Math.sqrt(Math.PI) * sum;
    }
    double f = 0;
    for (int k = 200; k >= 1; k--) {
      f = k / 2.0 / (x + f);
    }
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
  }

  @Test
  @DisplayName("the test's erfc matches tabulated values")
  void erfcKnownValues() {
    assertThat(erfc(0.5)).isCloseTo(0.4795001221869535, within(1e-14));
    assertThat(erfc(3 / Math.sqrt(2))).isCloseTo(0.0026997960632601866, within(1e-16));
    assertThat(erfc(4 / Math.sqrt(2))).isCloseTo(6.334248366623996e-05, within(1e-18));
  }
}
