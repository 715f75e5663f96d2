package io.firstspike.core.neuron;

import io.firstspike.core.math.LambertW;

/**
 * The et closed form (tau_m = tau_s = tau), TTFS-MODEL.md sections 2 and 3, as pure functions of
 * a causal set's running sums.
 *
 * <p>For a causal set with sums a = sum_k w_k exp(t_k / tau) and b = sum_k w_k t_k exp(t_k / tau) /
 * tau + EPS, after its last input the membrane satisfies (scaled, x = t / tau)
 *
 * <pre>
 *   f(x) = exp(-x) (a x - b),   threshold crossing where f(x) = c,  c = (theta - E_l) g_l
 * </pre>
 *
 * whose rising solution is
 *
 * <pre>
 *   z = -(c / a) exp(b / a),   T = tau (b / a - W0(z))
 * </pre>
 *
 * with no real solution (T = +Infinity) when z < -1/e. The sums passed to most functions here are
 * the raw sums, and EPS is added to b here, exactly as the 2021 original does in both its forward
 * and backward pass; the {@code ...OfSums} functions and {@link #crossingTime} take sums that
 * already hold the EPS terms of the caller's rule ({@code io.firstspike.core.layer.EpsRule}).
 */
public final class EqualTime {
  private EqualTime() {}

  /** Added to b (and only to b) in forward and backward, as in the original. */
  public static final double EPS = 1e-6;

  /** z = -(c / a) exp((bRaw + EPS) / a), the argument of W0. */
  public static double lambertArgument(double a, double bRaw, double c) {
    return lambertArgumentOfSums(a, bRaw + EPS, c);
  }

  /**
   * z = -(c / a) exp(b / a) for sums a and b that already hold whatever EPS terms the caller's
   * rule adds ({@code io.firstspike.core.layer.EpsRule}).
   */
  public static double lambertArgumentOfSums(double a, double b, double c) {
    return -(c / a) * Math.exp(b / a);
  }

  /**
   * The candidate spike time of a causal set with sums a and b (EPS terms included), with the
   * domain rule of DELGRAD-MODEL.md section 3.2: T = tau (b / a - W0(z)) where z is strictly
   * greater than the double nearest to -1/e, +Infinity otherwise (z = -1/e exactly, -Infinity,
   * NaN). z = +Infinity gives W0 = +Infinity, hence T = -Infinity (or NaN), which no validity
   * test accepts.
   */
  public static double crossingTime(double a, double b, double c, double tau) {
    double z = lambertArgumentOfSums(a, b, c);
    if (!(z > LambertW.BRANCH_POINT)) {
      return Double.POSITIVE_INFINITY;
    }
    return tau * (b / a - LambertW.w0(z));
  }

  /**
   * T = tau ((bRaw + EPS) / a - W), with W = W0(z) from {@link #lambertArgument}.
   *
   * @return the crossing time, +Infinity when W is NaN (z < -1/e) or the result is NaN
   */
  public static double time(double a, double bRaw, double w, double tau) {
    double t = tau * ((bRaw + EPS) / a - w);
    return Double.isNaN(t) ? Double.POSITIVE_INFINITY : t;
  }

  /** The candidate spike time of a causal set: {@link #time} at W0({@link #lambertArgument}). */
  public static double spikeTime(double a, double bRaw, double c, double tau) {
    return time(a, bRaw, LambertW.w0(lambertArgument(a, bRaw, c)), tau);
  }

  /** The common factor of both derivatives: -1 / (a (1 + W)). */
  public static double gradientFactor(double a, double w) {
    return -1.0 / (a * (1.0 + w));
  }

  /**
   * dT_j/dw_ij = -1 / (a (1 + W)) exp(t_i / tau) (T_j - t_i).
   *
   * @param factor {@link #gradientFactor}
   * @param expTi exp(t_i / tau)
   */
  public static double dTdw(double factor, double expTi, double spikeTime, double ti) {
    return factor * expTi * (spikeTime - ti);
  }

  /** dT_j/dt_i = -1 / (a (1 + W)) w_ij exp(t_i / tau) (T_j - t_i - tau) / tau. */
  public static double dTdt(
      double factor, double wij, double expTi, double spikeTime, double ti, double tau) {
    return factor * wij * expTi * (spikeTime - ti - tau) / tau;
  }

  /** The scaled membrane f(x) = exp(-x) (a x - (bRaw + EPS)) given expMinusX = exp(-x). */
  public static double scaledMembrane(double a, double bRaw, double x, double expMinusX) {
    return expMinusX * (a * x - (bRaw + EPS));
  }
}
