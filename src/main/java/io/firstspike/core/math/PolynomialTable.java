package io.firstspike.core.math;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.function.DoubleUnaryOperator;

/**
 * Builds the piecewise polynomial of {@link LambertW}: W0(z) = z G(p) with p = sqrt(2 (e z + 1)),
 * per interval of p one polynomial in the local coordinate t in [-1, 1] that interpolates G at
 * points near the Chebyshev nodes, computed in 36-digit decimal arithmetic and then rounded.
 *
 * <p>No solver is needed for the points: a double w near W0 at a node is taken as exact, and z =
 * w e^w, p and G = w / z follow from it in 36 digits. The points then sit a little off the
 * Chebyshev nodes, which changes nothing that matters, and their values are exact to about
 * 1e-34 instead of to the rounding of a double, so the polynomial's error is its truncation
 * (below 1e-17 for 64 intervals of degree 7) plus the rounding of its coefficients.
 */
final class PolynomialTable {
  private PolynomialTable() {}

  private static final MathContext MC = new MathContext(36);

  /** 1 / n! for n = 0..19: the Taylor series of exp below. */
  private static final BigDecimal[] INV_FACTORIAL = new BigDecimal[20];

  static {
    BigDecimal f = BigDecimal.ONE;
    for (int n = 0; n < INV_FACTORIAL.length; n++) {
      if (n > 0) {
        f = f.multiply(BigDecimal.valueOf(n));
      }
      INV_FACTORIAL[n] = BigDecimal.ONE.divide(f, MC);
    }
  }

  /**
   * The table: per interval k, at offset k (degree + 3), its midpoint m_k = (k + 1/2) h, then c0
   * as a double and the remainder of c0, then c1..c_degree, where G(m_k + t h / 2) ~ sum c_i t^i
   * and t = (p - m_k) invHalfH exactly as the caller computes it.
   *
   * @param guess a W0 good to about 1e-3 (the points are computed backwards from its values)
   */
  static double[] build(int intervals, int degree, double h, double invHalfH,
      DoubleUnaryOperator guess) {
    int n = degree + 1;
    int stride = degree + 3;
    double[] table = new double[intervals * stride];
    BigDecimal e = exp(BigDecimal.ONE);
    BigDecimal two = BigDecimal.valueOf(2);
    BigDecimal scale = new BigDecimal(invHalfH);
    for (int k = 0; k < intervals; k++) {
      double mid = (k + 0.5) * h;
      BigDecimal[] x = new BigDecimal[n];
      BigDecimal[] y = new BigDecimal[n];
      for (int j = 0; j < n; j++) {
        double node = mid + Math.cos(Math.PI * (2 * j + 1) / (2.0 * n)) * (0.5 * h);
        BigDecimal w = new BigDecimal(guess.applyAsDouble((0.5 * node * node - 1.0) / Math.E));
        BigDecimal z = w.multiply(exp(w), MC);
        BigDecimal p = sqrt(e.multiply(z, MC).add(BigDecimal.ONE).multiply(two));
        x[j] = p.subtract(new BigDecimal(mid)).multiply(scale, MC);
        y[j] = w.signum() == 0 ? BigDecimal.ONE : w.divide(z, MC); // G(p(0)) = lim W/z = 1
      }
      BigDecimal[] c = monomial(x, y);
      int o = k * stride;
      table[o] = mid;
      table[o + 1] = c[0].doubleValue();
      table[o + 2] = c[0].subtract(new BigDecimal(table[o + 1])).doubleValue();
      for (int i = 1; i < n; i++) {
        table[o + 2 + i] = c[i].doubleValue();
      }
    }
    return table;
  }

  /** Coefficients c_0..c_(n-1) of the polynomial through (x_j, y_j), by divided differences. */
  private static BigDecimal[] monomial(BigDecimal[] x, BigDecimal[] y) {
    int n = x.length;
    BigDecimal[] d = y.clone();
    for (int l = 1; l < n; l++) {
      for (int j = n - 1; j >= l; j--) {
        d[j] = d[j].subtract(d[j - 1], MC).divide(x[j].subtract(x[j - l], MC), MC);
      }
    }
    // P(t) = d0 + (t - x0)(d1 + (t - x1)(d2 + ...)): expand from the innermost factor outwards
    BigDecimal[] c = new BigDecimal[n];
    java.util.Arrays.fill(c, BigDecimal.ZERO);
    c[0] = d[n - 1];
    for (int j = n - 2; j >= 0; j--) {
      for (int i = n - 1; i >= 1; i--) {
        c[i] = c[i - 1].subtract(c[i].multiply(x[j], MC), MC);
      }
      c[0] = d[j].subtract(c[0].multiply(x[j], MC), MC);
    }
    return c;
  }

  /** sqrt(s) for s >= 0: two Newton steps from the double root (1e-16, 1e-32, 1e-64). */
  private static BigDecimal sqrt(BigDecimal s) {
    double guess = Math.sqrt(s.doubleValue());
    if (guess == 0) {
      return s.sqrt(MC);
    }
    BigDecimal r = new BigDecimal(guess);
    BigDecimal half = BigDecimal.valueOf(0.5);
    for (int i = 0; i < 2; i++) {
      r = r.add(s.divide(r, MC)).multiply(half, MC);
    }
    return r;
  }

  /** e^x for |x| <= 2: the Taylor series at x / 16 (terms to the 19th), squared four times. */
  private static BigDecimal exp(BigDecimal x) {
    BigDecimal y = x.divide(BigDecimal.valueOf(16), MC);
    BigDecimal sum = INV_FACTORIAL[INV_FACTORIAL.length - 1];
    for (int i = INV_FACTORIAL.length - 2; i >= 0; i--) {
      sum = sum.multiply(y, MC).add(INV_FACTORIAL[i], MC);
    }
    for (int i = 0; i < 4; i++) {
      sum = sum.multiply(sum, MC);
    }
    return sum;
  }
}
