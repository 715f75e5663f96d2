package io.firstspike.core.math;

/**
 * The principal branch W0 of the Lambert W function: the solution w >= -1 of {@code w e^w = z}.
 *
 * <p>The et spike time (TTFS-MODEL.md section 2) is {@code T = tau (b/a - W0(z))}, so this sits on
 * the hot path of every forward pass. The method: a power series where W0 is analytic and tiny
 * (|z| < 1e-3) or where it has its branch point (z close to -1/e, series in
 * p = sqrt(2 (e z + 1))), otherwise a starting guess refined by the iteration of Fritsch, Shafer
 * and Crowley (1973), which converges with order four, so two steps reach machine precision.
 */
public final class LambertW {
  private LambertW() {}

  /** The double nearest to -1/e, the branch point. */
  public static final double BRANCH_POINT = -0.36787944117144233;

  /** e split into a double and its remainder, to form e z + 1 without cancellation. */
  private static final double E_HI = Math.E;

  private static final double E_LO = 1.4456468917292502e-16;

  /** Below this |z| the Maclaurin series (terms to z^7) is exact to rounding. */
  private static final double SMALL_Z = 1e-3;

  /** Below this p = sqrt(2 (e z + 1)) the branch-point series (terms to p^9) is exact to rounding. */
  private static final double SMALL_P = 1e-2;

  /** Left of this z the branch-point series is the starting guess. */
  private static final double NEAR_BRANCH_Z = -0.32;

  /** Right of this z the asymptotic expansion in ln z is the starting guess. */
  private static final double LARGE_Z = 3.0;

  /** A Fritsch step smaller than this leaves an error below 1e-20: stop. */
  private static final double CONVERGED_STEP = 1e-6;

  private static final int MAX_STEPS = 6;

  /**
   * W0(z).
   *
   * @return -1 at z = -1/e (the double {@link #BRANCH_POINT}), NaN for z < -1/e or NaN, +Infinity
   *     for +Infinity; otherwise W0(z) to a few ulps
   */
  public static double w0(double z) {
    if (Math.abs(z) < SMALL_Z) {
      return maclaurin(z);
    }
    if (!(z >= BRANCH_POINT)) {
      return Double.NaN; // below the branch point, or NaN
    }
    if (z == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    if (z == BRANCH_POINT) {
      return -1.0;
    }
    double w;
    if (z < NEAR_BRANCH_Z) {
      // e z + 1 with one rounding: e = E_HI + E_LO, fma keeps E_HI z + 1 exact before rounding.
      double ez1 = Math.fma(E_HI, z, 1.0) + E_LO * z;
      double p = Math.sqrt(2.0 * Math.max(ez1, 0.0));
      w = branchSeries(p);
      if (p < SMALL_P) {
        return w;
      }
    } else if (z < LARGE_Z) {
      // Winitzki's approximation, a few 1e-3 relative.
      double l = Math.log1p(z);
      w = l * (1.0 - Math.log1p(l) / (2.0 + l));
    } else {
      double l1 = Math.log(z);
      double l2 = Math.log(l1);
      w = l1 - l2 + l2 / l1 + l2 * (l2 - 2.0) / (2.0 * l1 * l1);
    }
    return fritsch(z, w);
  }

  /**
   * Fritsch-Shafer-Crowley iteration: with r = ln(z / w) - w and q = 2 (1 + w)(1 + w + 2r/3),
   * w <- w (1 + r / (1 + w) * (q - r) / (q - 2 r)).
   */
  private static double fritsch(double z, double w) {
    for (int i = 0; i < MAX_STEPS; i++) {
      double r = Math.log(z / w) - w;
      double w1 = 1.0 + w;
      double y = 2.0 * w1 * (w1 + (2.0 / 3.0) * r) - r; // q - r
      double eps = r / w1 * y / (y - r);
      w = w * (1.0 + eps);
      if (Math.abs(eps) < CONVERGED_STEP) {
        break;
      }
    }
    return w;
  }

  /** W0(z) = sum_n (-n)^(n-1) / n! z^n, truncated after z^7. */
  private static double maclaurin(double z) {
    return z * (1.0 + z * (-1.0 + z * (1.5 + z * (-8.0 / 3.0 + z * (125.0 / 24.0
        + z * (-10.8 + z * (117649.0 / 5040.0)))))));
  }

  /**
   * Series at the branch point (Corless et al. 1996): W0 = -1 + p - p^2/3 + 11/72 p^3 - ... with
   * p = sqrt(2 (e z + 1)), truncated after p^9.
   */
  private static double branchSeries(double p) {
    return -1.0 + p * (1.0 + p * (-1.0 / 3.0 + p * (11.0 / 72.0 + p * (-43.0 / 540.0
        + p * (769.0 / 17280.0 + p * (-221.0 / 8505.0 + p * (680863.0 / 43545600.0
        + p * (-1963.0 / 204120.0 + p * (226287557.0 / 37623398400.0)))))))));
  }
}
