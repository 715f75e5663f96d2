package io.firstspike.core.math;

/**
 * The principal branch W0 of the Lambert W function: the solution w >= -1 of {@code w e^w = z}.
 *
 * <p>The et spike time (TTFS-MODEL.md section 2) is {@code T = tau (b/a - W0(z))}, so this sits on
 * the hot path of every forward pass. The method: a power series where W0 is analytic and tiny
 * (|z| < 1e-3) or where it has its branch point (z close to -1/e, series in
 * p = sqrt(2 (e z + 1))), otherwise a starting guess refined by the iteration of Fritsch, Shafer
 * and Crowley (1973), which converges with order four. For -1/e < z < 3 (where the spike times
 * need it) the guess is a cubic Hermite interpolation in p from a small table, accurate to about
 * 1e-9, so a single step (one log, two divisions) reaches machine precision.
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
   * 1e-16) is the answer. An iteration cannot do better there: W is so ill-conditioned near -1/e
   * that the residual of every double within several ulps of W0 is exactly 0.
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

  /** Nodes of the starting-guess table in p = sqrt(2 (e z + 1)), covering z up to LARGE_Z. */
  private static final int NODES = 257;

  private static final double P_MAX = 4.3;

  private static final double HP = P_MAX / (NODES - 1);

  /** 1 / HP: the table position is found by a multiplication, off the division's latency. */
  private static final double INV_HP = (NODES - 1) / P_MAX;

  /** W0 and dW0/dp at p = k HP: a cubic Hermite guess good to ~1e-9, so one step suffices. */
  private static final double[] TABLE_W = new double[NODES];

  private static final double[] TABLE_D = new double[NODES];

  static {
    for (int k = 0; k < NODES; k++) {
      double p = k * HP;
      double z = (0.5 * p * p - 1.0) / Math.E;
      double w = k == 0 ? -1.0 : Math.abs(z) < SMALL_Z ? maclaurin(z) : careful(z);
      TABLE_W[k] = w;
      // dW/dz = e^-W / (1 + W) and dz/dp = p / e; the limit at p = 0 is 1.
      TABLE_D[k] = k == 0 ? 1.0 : Math.exp(-w) / (1.0 + w) * p / Math.E;
    }
  }

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
    if (z >= LARGE_Z) {
      return z == Double.POSITIVE_INFINITY ? z : careful(z);
    }
    double p = branchDistance(z);
    if (p < SMALL_P) {
      return branchSeries(p);
    }
    double u = p * INV_HP;
    int k = (int) u;
    double s = u - k;
    double w0 = TABLE_W[k];
    double w1 = TABLE_W[k + 1];
    double d0 = TABLE_D[k] * HP;
    double d1 = TABLE_D[k + 1] * HP;
    // Cubic Hermite on [p_k, p_k+1] in the local coordinate s.
    double guess = w0 + s * (d0 + s * (3 * (w1 - w0) - 2 * d0 - d1 + s * (2 * (w0 - w1) + d0 + d1)));
    // One Newton step on w - z e^-w = 0 squares the guess's ~1e-9 error away; it costs an exp
    // and a division, where a Fritsch step costs a log and two divisions.
    return guess - (guess - z * Math.exp(-guess)) / (1.0 + guess);
  }

  /** p = sqrt(2 (e z + 1)), with e z + 1 formed with one rounding (e = E_HI + E_LO, fma). */
  private static double branchDistance(double z) {
    double ez1 = Math.fma(E_HI, z, 1.0) + E_LO * z;
    return Math.sqrt(2.0 * Math.max(ez1, 0.0));
  }

  /** W0 without the table (used to build it, and for z >= LARGE_Z): guess, then iterate. */
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
