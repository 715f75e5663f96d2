package io.firstspike.core.math;

/**
 * The principal branch W0 of the Lambert W function: the solution w >= -1 of {@code w e^w = z}.
 *
 * <p>The et spike time (TTFS-MODEL.md section 2) is {@code T = tau (b/a - W0(z))}, so this sits on
 * the hot path of every forward pass. The method: a power series where W0 is tiny (|z| < 1e-3);
 * for -1/e <= z < 1 (every spike time has z < 0) a piecewise polynomial, W0 = z G(p), in the
 * distance p = sqrt(2 (e z + 1)) from the branch point, in which W0 is analytic; otherwise a
 * starting guess refined by the iteration of Fritsch, Shafer and Crowley (1973), which converges
 * with order four. The polynomial needs no exp, log or division: one sqrt, a table lookup,
 * five fused multiply-adds and four multiplications.
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

  /**
   * Below this p = sqrt(2 (e z + 1)) the branch-point series (terms to p^20, next term below
   * 1e-16) is {@link #careful}'s answer. An iteration cannot do better there: W is so
   * ill-conditioned near -1/e that the residual of every double within several ulps of W0 is
   * exactly 0.
   */
  private static final double SMALL_P = 0.25;

  /**
   * Coefficients mu_0..mu_20 of W0 = sum mu_k p^k at the branch point, from the recurrence of
   * Corless et al. (1996), eq. 4.23: mu_k = (k-1)/(k+1) (mu_(k-2)/2 + alpha_(k-2)/4) - alpha_k/2
   * - mu_(k-1)/(k+1), alpha_k = sum_(j=2..k-1) mu_j mu_(k+1-j), mu_0 = -1, mu_1 = 1, alpha_0 = 2,
   * alpha_1 = -1 (evaluated in exact rational arithmetic, then rounded).
   */
  private static final double[] BRANCH_COEFFS = {
    -1.0, 1.0, -0.3333333333333333, 0.1527777777777778,
    -0.07962962962962963, 0.044502314814814814, -0.02598471487360376, 0.01563563253233392,
    -0.009616892024299432, 0.006014543252956118, -0.0038112980348919993, 0.0024408779911439826,
    -0.0015769303446867841, 0.0010262633205076071, -0.0006720616311561362, 0.0004424730618146209,
    -0.00029267722472962746, 0.00019438727605453933, -0.00012957426685274883, 8.665035805208128e-05,
    -5.811360750441382e-05,
  };


  /** Left of this z the branch-point series is the starting guess. */
  private static final double NEAR_BRANCH_Z = -0.32;

  /** Right of this z the asymptotic expansion in ln z is the starting guess. */
  private static final double LARGE_Z = 3.0;

  /** A Fritsch step smaller than this leaves an error below 1e-20: stop. */
  private static final double CONVERGED_STEP = 1e-6;

  private static final int MAX_STEPS = 6;

  /**
   * Right of this z the iteration is used; left of it the polynomial, whose p range (below
   * {@link #P_MAX}) reaches just past p(1) = sqrt(2 (e + 1)) = 2.727.
   */
  private static final double POLY_Z = 1.0;

  /** Intervals of equal width in p over [0, P_MAX), each with its polynomial in t in [-1, 1]. */
  private static final int INTERVALS = 64;

  private static final double P_MAX = 2.75;

  private static final double H = P_MAX / INTERVALS;

  /** 1 / H and 2 / H: the interval and the local coordinate found by multiplications. */
  private static final double INV_H = INTERVALS / P_MAX;

  private static final double INV_HALF_H = 2.0 * INV_H;

  /** Degree of each interval's polynomial. */
  private static final int DEGREE = 7;

  /**
   * Per interval: its midpoint m in p, then G(m + t H / 2) = c0 + c1 t + ... + c7 t^7 with c0
   * split into a double and its remainder (so the largest term is exact to about 1e-32), see
   * {@link PolynomialTable}.
   */
  private static final int STRIDE = DEGREE + 3;

  // after BRANCH_COEFFS, which careful() reads, in the order of initialisation
  private static final double[] POLY =
      PolynomialTable.build(INTERVALS, DEGREE, H, INV_HALF_H, LambertW::careful);

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
    if (z == BRANCH_POINT) {
      return -1.0;
    }
    if (z >= POLY_Z) {
      return z == Double.POSITIVE_INFINITY ? z : careful(z);
    }
    double p = branchDistance(z);
    int k = Math.min((int) (p * INV_H), INTERVALS - 1);
    int o = k * STRIDE;
    double[] c = POLY;
    // t = (p - m) 2 / H: the subtraction is exact where p is within a factor 2 of m (Sterbenz),
    // so t carries one or two relative roundings, never an absolute error of p's size
    double t = (p - c[o]) * INV_HALF_H;
    double t2 = t * t;
    // c1 + c2 t + ... + c7 t^6 by Estrin's scheme: three levels of fused multiply-adds, not six
    double q12 = Math.fma(c[o + 4], t, c[o + 3]);
    double q34 = Math.fma(c[o + 6], t, c[o + 5]);
    double q56 = Math.fma(c[o + 8], t, c[o + 7]);
    double q14 = Math.fma(q34, t2, q12);
    double q57 = Math.fma(c[o + 9], t2, q56);
    double tail = Math.fma(q57, t2 * t2, q14) * t;
    return z * (c[o + 1] + (c[o + 2] + tail));
  }

  /** p = sqrt(2 (e z + 1)), with e z + 1 formed with one rounding (e = E_HI + E_LO, fma). */
  private static double branchDistance(double z) {
    double ez1 = Math.fma(E_HI, z, 1.0) + E_LO * z;
    return Math.sqrt(2.0 * Math.max(ez1, 0.0));
  }

  /** W0 without the polynomial (used to build it, and for z >= 1): guess, then iterate. */
  private static double careful(double z) {
    double w;
    if (z < NEAR_BRANCH_Z) {
      double p = branchDistance(z);
      w = branchSeries(p);
      if (p < SMALL_P) {
        return w;
      }
    } else if (z < LARGE_Z) {
      // Winitzki's approximation, a few 1e-3 relative.
      double l = Math.log(1.0 + z);
      w = l * (1.0 - Math.log(1.0 + l) / (2.0 + l));
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
      double eps = r * y / (w1 * (y - r));
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

  /** The branch-point series sum_k mu_k p^k (Horner). */
  private static double branchSeries(double p) {
    double sum = 0;
    for (int k = BRANCH_COEFFS.length - 1; k >= 0; k--) {
      sum = sum * p + BRANCH_COEFFS[k];
    }
    return sum;
  }
}
