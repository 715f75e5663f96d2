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
 * with no real solution (T = +Infinity) when z < -1/e. The sums passed in here are the raw sums;
 * EPS is added to b here, exactly as the original does in both its forward and backward pass.
 */
public final class EqualTime {
  private EqualTime() {}

  /** Added to b (and only to b) in forward and backward, as in the original. */
  public static final double EPS = 1e-6;

  /** z = -(c / a) exp((bRaw + EPS) / a), the argument of W0. */
  public static double lambertArgument(double a, double bRaw, double c) {
    double b = bRaw + EPS;
    return -(c / a) * Math.exp(b / a);
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
