package io.firstspike.core.neuron;

/**
 * Parameters of the current-based LIF neuron with exponential synapses (TTFS-MODEL.md section 1).
 *
 * <pre>
 *   C dV/dt = -g_l (V - E_l) + I(t)        tau_s dI/dt = -I + sum_i w_i delta(t - t_i)
 * </pre>
 *
 * @param gLeak leak conductance g_l ({@code g_leak})
 * @param leak leak potential E_l ({@code leak})
 * @param threshold firing threshold theta ({@code threshold})
 * @param tauSyn synaptic time constant tau_s ({@code tau_syn})
 * @param tauMem membrane time constant tau_m = C / g_l ({@code tau_mem}); equal to tauSyn when the
 *     config omits it
 */
public record NeuronParams(double gLeak, double leak, double threshold, double tauSyn, double tauMem) {

  /** Relative tolerance when comparing tau ratios and the dt leak condition. */
  private static final double RATIO_TOLERANCE = 1e-12;

  public NeuronParams {
    requireFinite("g_leak", gLeak);
    requireFinite("leak", leak);
    requireFinite("threshold", threshold);
    requireFinite("tau_syn", tauSyn);
    requireFinite("tau_mem", tauMem);
    if (!(gLeak > 0)) {
      throw new IllegalArgumentException("neuron_params.g_leak must be > 0, got " + gLeak);
    }
    if (!(tauSyn > 0)) {
      throw new IllegalArgumentException("neuron_params.tau_syn must be > 0, got " + tauSyn);
    }
    if (!(tauMem > 0)) {
      throw new IllegalArgumentException("neuron_params.tau_mem must be > 0, got " + tauMem);
    }
  }

  /** Parameters of the et variant (tau_mem = tau_syn). */
  public static NeuronParams equalTime(double gLeak, double leak, double threshold, double tau) {
    return new NeuronParams(gLeak, leak, threshold, tau, tau);
  }

  /**
   * Which closed form applies: et when tau_mem == tau_syn, dt when tau_mem == 2 tau_syn and
   * g_leak == tau_syn / tau_mem.
   *
   * @throws IllegalArgumentException for any other ratio, naming the values and what is valid
   */
  public Variant variant() {
    if (close(tauMem, tauSyn)) {
      return Variant.ET;
    }
    if (close(tauMem, 2 * tauSyn)) {
      if (!close(gLeak, tauSyn / tauMem)) {
        throw new IllegalArgumentException(
            "neuron_params: tau_mem = 2 tau_syn (dt variant) requires g_leak = tau_syn / tau_mem = "
                + (tauSyn / tauMem) + ", got g_leak = " + gLeak);
      }
      return Variant.DT;
    }
    throw new IllegalArgumentException(
        "neuron_params: unsupported ratio tau_mem / tau_syn = " + (tauMem / tauSyn)
            + " (tau_mem = " + tauMem + ", tau_syn = " + tauSyn
            + "); valid are tau_mem = tau_syn (et) or tau_mem = 2 * tau_syn (dt)");
  }

  /** c = (theta - E_l) * g_l, the charge scale that appears in both closed forms. */
  public double c() {
    return (threshold - leak) * gLeak;
  }

  private static boolean close(double a, double b) {
    return Math.abs(a - b) <= RATIO_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  }

  private static void requireFinite(String key, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("neuron_params." + key + " must be a finite number, got " + v);
    }
  }
}
