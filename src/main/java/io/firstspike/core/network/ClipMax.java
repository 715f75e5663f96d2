package io.firstspike.core.network;

import io.firstspike.core.neuron.DoubleTime;
import io.firstspike.core.neuron.EqualTime;

/**
 * The largest |dT_j/dw_ij delta_j| over one output's causal set, which decides the per-sample,
 * per-output clipping of {@code max_dw_norm} and whether the weight gradient is finite
 * (TTFS-MODEL.md section 3), for the row-major backward pass.
 *
 * <p>The pass over the set is skipped where an upper bound from T_j alone is below max_dw_norm:
 * then nothing is clipped and every element is finite (the bound is), which is all the caller
 * needs (after one epoch of full MNIST this holds for every hidden neuron). The bounds, for
 * inputs t &lt;= T:
 *
 * <pre>
 *   et:  |f1 exp(t/tau) (T - t) delta| &lt;= |f1 delta| tau exp(T/tau - 1)   (peak at t = T - tau)
 *   dt:  |tau_m (k1 exp(t/tau_s) - exp(t/tau_m) / S) delta|
 *            &lt;= tau_m |delta| (|k1| exp(T/tau_s) + exp(T/tau_m) / |S|)
 * </pre>
 *
 * hold in exact arithmetic; {@link #BOUND_SLACK} covers the few roundings of each element and of
 * the bound. Where the pass runs, it returns what a chain of Math.max over the elements gives:
 * NaN if any is NaN, else Infinity if any is infinite.
 */
final class ClipMax {
  /** Relative rounding allowance of the bound: 1e-15 per element, 1e-13 for T near 700 tau. */
  static final double BOUND_SLACK = 1.0 + 1e-9;

  private ClipMax() {}

  /**
   * et: max over k &lt; m of |dT/dw delta|, or 0 where the bound shows it below maxDwNorm.
   *
   * @param st input times in sorted order; ex1 exp(t/tau) at {@code base + k}
   */
  static double et(double f1, double t, double d, double[] ex1, double[] st, int base, int m,
      double tau, double maxDwNorm) {
    double bound = Math.abs(f1 * d) * tau * Math.exp(t / tau - 1.0);
    if (PathCounts.ON) {
      PathCounts.hit(bound * BOUND_SLACK < maxDwNorm ? PathCounts.Path.CLIP_BOUND_SKIP
          : PathCounts.Path.CLIP_SCAN);
    }
    if (bound * BOUND_SLACK < maxDwNorm) {
      return 0.0;
    }
    // the maximum by comparison, a branch rarely taken, instead of a chain of Math.max, whose
    // NaN handling made this pass 40% of the backward pass; a non-finite element goes exact
    double max = 0;
    for (int k = 0; k < m; k++) {
      double a = Math.abs(EqualTime.dTdw(f1, ex1[base + k], t, st[k]) * d);
      if (!(a <= Double.MAX_VALUE)) {
        return exactEt(f1, t, d, ex1, st, base, m);
      }
      if (a > max) {
        max = a;
      }
    }
    return max;
  }

  /** dt: as {@link #et}, with k1 and S of {@link DoubleTime} and ex2 = exp(t/tau_m). */
  static double dt(double k1, double s, double t, double d, double[] ex1, double[] ex2, int base,
      int m, double tauSyn, double tauMem, double maxDwNorm) {
    double bound = tauMem * Math.abs(d) * (Math.abs(k1) * Math.exp(t / tauSyn)
        + Math.exp(t / tauMem) / Math.abs(s));
    if (bound * BOUND_SLACK < maxDwNorm) {
      return 0.0;
    }
    double max = 0;
    for (int k = 0; k < m; k++) {
      double a = Math.abs(DoubleTime.dTdw(k1, s, ex1[base + k], ex2[base + k], tauMem) * d);
      if (!(a <= Double.MAX_VALUE)) {
        return exactDt(k1, s, d, ex1, ex2, base, m, tauMem);
      }
      if (a > max) {
        max = a;
      }
    }
    return max;
  }

  private static double exactEt(double f1, double t, double d, double[] ex1, double[] st,
      int base, int m) {
    double max = 0;
    for (int k = 0; k < m; k++) {
      max = Math.max(max, Math.abs(EqualTime.dTdw(f1, ex1[base + k], t, st[k]) * d));
    }
    return max;
  }

  private static double exactDt(double k1, double s, double d, double[] ex1, double[] ex2,
      int base, int m, double tauMem) {
    double max = 0;
    for (int k = 0; k < m; k++) {
      max = Math.max(max, Math.abs(DoubleTime.dTdw(k1, s, ex1[base + k], ex2[base + k], tauMem)
          * d));
    }
    return max;
  }
}
