package io.firstspike.core.neuron;

/**
 * The dt closed form (tau_m = 2 tau_s, g_l = tau_s / tau_m), TTFS-MODEL.md sections 2 and 3, as
 * pure functions of a causal set's running sums.
 *
 * <p>With a1 = sum_k w_k exp(t_k / tau_s) and a2 = sum_k w_k exp(t_k / tau_m), after the set's last
 * input the membrane in terms of y = exp(-t / tau_m) is (scaled)
 *
 * <pre>
 *   h(y) = a2 y - a1 y^2,   threshold crossing where h(y) = c,  c = (theta - E_l) g_l
 * </pre>
 *
 * whose earlier solution (larger y) is
 *
 * <pre>
 *   T = 2 tau_s ln( 2 a1 / (a2 + sqrt(a2^2 - 4 a1 c)) )
 * </pre>
 *
 * The original adds EPS = 1e-6 to a1 only in the forward pass, but to both a1 and a2 in the
 * backward pass; most functions here take raw sums and reproduce exactly that, while
 * {@link #crossingTime} and the {@code ...OfSums} functions take sums that already hold the EPS
 * terms of the caller's rule ({@code io.firstspike.core.layer.EpsRule}).
 */
public final class DoubleTime {
  private DoubleTime() {}

  /** Forward: added to a1 only. Backward: added to a1 and a2. */
  public static final double EPS = 1e-6;

  /**
   * The candidate spike time: 2 tau_s ln(2 a1 / (a2 + sqrt(a2^2 - 4 a1 c))) with a1 = a1Raw + EPS,
   * a2 = a2Raw.
   *
   * @return +Infinity for a negative discriminant or any NaN
   */
  public static double spikeTime(double a1Raw, double a2Raw, double c, double tauSyn) {
    double a1 = a1Raw + EPS;
    double disc = a2Raw * a2Raw - 4.0 * a1 * c;
    if (!(disc >= 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double t = 2.0 * tauSyn * Math.log(2.0 * a1 / (a2Raw + Math.sqrt(disc)));
    return Double.isNaN(t) ? Double.POSITIVE_INFINITY : t;
  }

  /**
   * The candidate spike time of a causal set with sums a1 and a2 that already hold their EPS
   * terms (DELGRAD-MODEL.md section 3.2): with D = a2^2 - 4 a1 c and f = 2 a1 / (a2 + sqrt(D)),
   * T = 2 tau_s ln(f) if D >= 0 and f > 0, +Infinity otherwise.
   */
  public static double crossingTime(double a1, double a2, double c, double tauSyn) {
    double f = crossingFactor(a1, a2, c);
    if (!(f > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    return timeOfFactor(f, tauSyn);
  }

  /**
   * f = 2 a1 / (a2 + sqrt(D)), D = a2^2 - 4 a1 c, of {@link #crossingTime}; NaN when D is
   * negative or NaN. There is a crossing iff f > 0, at {@link #timeOfFactor}(f): a caller that
   * can rule the time out from f alone saves the logarithm.
   */
  public static double crossingFactor(double a1, double a2, double c) {
    double disc = a2 * a2 - 4.0 * a1 * c;
    if (!(disc >= 0)) {
      return Double.NaN;
    }
    return 2.0 * a1 / (a2 + Math.sqrt(disc));
  }

  /** T = 2 tau_s ln(f) for a crossing factor f > 0 ({@link #crossingFactor}). */
  public static double timeOfFactor(double f, double tauSyn) {
    return 2.0 * tauSyn * Math.log(f);
  }

  /** The scaled membrane h(y) = y (a2 - (a1Raw + EPS) y) of the forward pass. */
  public static double scaledMembrane(double a1Raw, double a2Raw, double y) {
    return y * (a2Raw - (a1Raw + EPS) * y);
  }

  /**
   * S = sqrt(a2^2 - 4 a1 c) of the backward pass, with a1 = a1Raw + EPS and a2 = a2Raw + EPS (both,
   * as the original's backward pass does).
   */
  public static double backwardRoot(double a1Raw, double a2Raw, double c) {
    return rootOfSums(a1Raw + EPS, a2Raw + EPS, c);
  }

  /** S = sqrt(a2^2 - 4 a1 c) for sums that already hold their EPS terms (NaN if negative). */
  public static double rootOfSums(double a1, double a2, double c) {
    return Math.sqrt(a2 * a2 - 4.0 * a1 * c);
  }

  /**
   * k1 = (1 + c E / S) / a1 with E = exp(T / tau_m), a1 = a1Raw + EPS and S from
   * {@link #backwardRoot}: the factor of exp(t_i / tau_s) in both derivatives.
   */
  public static double k1(double a1Raw, double c, double spikeTime, double tauMem, double s) {
    return k1OfSums(a1Raw + EPS, c, spikeTime, tauMem, s);
  }

  /** k1 = (1 + c E / S) / a1 for a sum a1 that already holds its EPS term. */
  public static double k1OfSums(double a1, double c, double spikeTime, double tauMem, double s) {
    return (1.0 + c * Math.exp(spikeTime / tauMem) / s) / a1;
  }

  /**
   * dT_j/dw_ij = tau_m ((1 + c E / S) / a1 exp(t_i / tau_s) - exp(t_i / tau_m) / S).
   *
   * @param expS exp(t_i / tau_s)
   * @param expM exp(t_i / tau_m)
   */
  public static double dTdw(double k1, double s, double expS, double expM, double tauMem) {
    return dTdwOfRatio(k1, expS, memOverRoot(expM, s), tauMem);
  }

  /** dT_j/dt_i = w_ij ((1 + c E / S) / a1 2 exp(t_i / tau_s) - exp(t_i / tau_m) / S). */
  public static double dTdt(double k1, double s, double wij, double expS, double expM) {
    return dTdtOfRatio(k1, wij, expS, memOverRoot(expM, s));
  }

  /** exp(t_i / tau_m) / S, the term both derivatives subtract (one division for both). */
  public static double memOverRoot(double expM, double s) {
    return expM / s;
  }

  /** {@link #dTdw} given {@link #memOverRoot}: tau_m (k1 exp(t_i / tau_s) - expM / S). */
  public static double dTdwOfRatio(double k1, double expS, double memOverRoot, double tauMem) {
    return tauMem * (k1 * expS - memOverRoot);
  }

  /** {@link #dTdt} given {@link #memOverRoot}: w_ij (k1 2 exp(t_i / tau_s) - expM / S). */
  public static double dTdtOfRatio(double k1, double wij, double expS, double memOverRoot) {
    return wij * (k1 * 2.0 * expS - memOverRoot);
  }
}
