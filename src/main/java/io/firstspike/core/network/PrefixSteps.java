package io.firstspike.core.network;

import io.firstspike.core.math.LambertW;
import io.firstspike.core.neuron.DoubleTime;
import io.firstspike.core.neuron.EqualTime;

/**
 * The per-prefix steps of the closed-form forward passes ({@link ClosedFormForward}), on the
 * thread's {@link LayerScratch} {@code ks}: the running sums of one more input, the screen of the
 * interval to the next input, and the closed form of the candidates that pass it (et: Lambert W,
 * dt: the root), for both variants. The blocked and narrow et passes ({@link BlockedEt},
 * {@link NarrowEt}) use the screen and candidate of single prefixes from here too. Functions of
 * the scratch only; no state of their own.
 */
final class PrefixSteps {
  /** Relative margin of the crossing screen; far above the rounding of the scaled membrane. */
  static final double SCREEN_MARGIN = 1e-8;

  private PrefixSteps() {}

  /**
   * One et prefix in the dense regime: the running sums of all neurons and, in the same loop
   * (which the JIT vectorises), an upper bound of each neuron's scaled membrane over the
   * interval to the next input,
   *
   * <pre>
   *   f(x) = exp(-x) (a x - b) &lt;= exp(-x_k) (max(a x_k, a x_(k+1)) - b)  on [x_k, x_(k+1)],
   *   max(p, q) = (p + q + |p - q|) / 2,   |a x_(k+1) - a x_k| = |a| (x_(k+1) - x_k),
   * </pre>
   *
   * times 0 for neurons that fired. Only neurons whose bound reaches c (1 - 2 margin) get the
   * exact screen of {@link #screenEt} and the closed form; the bound is at least both end values
   * that screen compares and, mathematically, the interior peak, so no crossing is missed (the
   * extra margin covers the bound's rounding), and the sums are the same as in the plain loop.
   * This replaces the per-neuron, branchy screen of every prefix: with training noise no two
   * inputs tie, and that screen was 40% of a full-MNIST training step.
   *
   * @return the new number of active neurons
   */
  static int sumsAndBoundEt(LayerScratch ks, double[] w, int row, double ek, double fk, int k,
      int nAct, double[] out, LayerCache cache, int sample, int nOut) {
    double half = 0.5 * ks.em[k];
    double xs = ks.xy[k] + ks.xy[k + 1];
    double dx = ks.xy[k + 1] - ks.xy[k];
    double[] sa = ks.s1;
    double[] sb = ks.s2;
    double[] bnd = ks.bound;
    double[] alv = ks.alive;
    if (row == 0) {
      // the same loop, every access at index j: the JIT vectorises this form only
      for (int j = 0; j < nOut; j++) {
        double wv = w[j];
        double a = sa[j] + wv * ek;
        double b = sb[j] + wv * fk;
        sa[j] = a;
        sb[j] = b;
        bnd[j] = half * (a * xs + Math.abs(a) * dx - 2.0 * b) * alv[j];
      }
    } else {
      for (int j = 0; j < nOut; j++) {
        double wv = w[row + j];
        double a = sa[j] + wv * ek;
        double b = sb[j] + wv * fk;
        sa[j] = a;
        sb[j] = b;
        bnd[j] = half * (a * xs + Math.abs(a) * dx - 2.0 * b) * alv[j];
      }
    }
    double boundLevel = ks.c * (1.0 - 2.0 * SCREEN_MARGIN);
    int nCand = 0;
    for (int j = 0; j < nOut; j++) {
      if (ks.bound[j] >= boundLevel && !screenedEt(ks, ks.s1[j], ks.s2[j], k, ks.screenLevel)) {
        ks.flagged[nCand++] = j;
      }
    }
    return candidatesEt(ks, nCand, k, false, nAct, out, cache, sample, nOut);
  }

  /**
   * Evaluates the et candidates of the neurons flagged[0..nCand-1] at prefix k (sums in s1, s2):
   * first all closed forms, in a loop whose iterations are independent, so that the latency of
   * one Lambert W (exp, sqrt, log, divisions) overlaps the next; then the validity tests in order.
   *
   * @return the new number of active neurons
   */
  static int candidatesEt(LayerScratch ks, int nCand, int k, boolean last, int nAct, double[] out,
      LayerCache cache, int sample, int nOut) {
    for (int q = 0; q < nCand; q++) {
      int j = ks.flagged[q];
      double a = ks.s1[j];
      double b = ks.s2[j];
      double lw = LambertW.w0(EqualTime.lambertArgument(a, b, ks.c));
      ks.candW[q] = lw;
      ks.candT[q] = EqualTime.time(a, b, lw, ks.tauSyn);
    }
    double lo = ks.ts[k];
    double hi = last ? Double.POSITIVE_INFINITY : ks.ts[k + 1];
    for (int q = 0; q < nCand; q++) {
      double t = ks.candT[q];
      // last: t >= ts[k] alone (t = +Infinity included, as in candidateEt)
      if (t >= lo && (last || t <= hi)) {
        int j = ks.flagged[q];
        ks.fire(j, k, t, ks.s1[j], ks.s2[j], ks.candW[q], out, cache, sample, nOut);
        nAct = ks.deactivate(j, nAct);
      }
    }
    return nAct;
  }

  /**
   * {@link #sumsAndBoundEt} for few active neurons: the same sums and bound, over the active
   * list only, with the bound tested inline.
   */
  static int sparseSumsAndBoundEt(LayerScratch ks, double[] w, int row, double ek, double fk, int k,
      int nAct, double[] out, LayerCache cache, int sample, int nOut) {
    double half = 0.5 * ks.em[k];
    double xs = ks.xy[k] + ks.xy[k + 1];
    double dx = ks.xy[k + 1] - ks.xy[k];
    double boundLevel = ks.c * (1.0 - 2.0 * SCREEN_MARGIN);
    for (int q = 0; q < nAct; ) {
      int j = ks.act[q];
      double wv = w[row + j];
      double a = ks.s1[j] + wv * ek;
      double b = ks.s2[j] + wv * fk;
      ks.s1[j] = a;
      ks.s2[j] = b;
      if (half * (a * xs + Math.abs(a) * dx - 2.0 * b) >= boundLevel
          && screenAndTestEt(ks, j, k, out,
          cache, sample, nOut)) {
        nAct = ks.deactivate(j, nAct); // the last active neuron moved to q: visit q again
      } else {
        q++;
      }
    }
    return nAct;
  }

  /**
   * The exact et screen at inner prefix p: true if the scaled membrane of sums a, b stays below
   * level over [x_p, x_p+1] (both ends below, and no interior peak, which lies at x* = 1 + b / a
   * when a > 0).
   */
  static boolean screenedEt(LayerScratch ks, double a, double b, int p, double level) {
    double bt = b + EqualTime.EPS;
    return ks.em[p] * (a * ks.xy[p] - bt) < level && ks.em[p + 1] * (a * ks.xy[p + 1] - bt) < level
        && !(a > 0 && ks.xm1[p] * a < bt && bt < ks.xm1[p + 1] * a);
  }

  /** The exact screen of {@link #screenEt} for one neuron at an inner prefix, then the candidate. */
  static boolean screenAndTestEt(LayerScratch ks, int j, int k, double[] out, LayerCache cache,
      int sample, int nOut) {
    return !screenedEt(ks, ks.s1[j], ks.s2[j], k, ks.screenLevel)
        && candidateEt(ks, j, k, false, out, cache, sample, nOut);
  }

  /**
   * Runs the et screen over the active neurons at prefix k and tests the candidates that pass;
   * returns the new number of active neurons (fired ones are swapped out of the list).
   */
  static int screenEt(LayerScratch ks, int k, boolean last, int nAct, double[] out,
      LayerCache cache, int sample, int nOut) {
    double level = ks.screenLevel;
    double emk = ks.em[k];
    double xk = ks.xy[k];
    double xm1k = ks.xm1[k];
    double emk1 = last ? 0.0 : ks.em[k + 1];
    double xk1 = last ? 0.0 : ks.xy[k + 1];
    double xm1k1 = last ? Double.POSITIVE_INFINITY : ks.xm1[k + 1];
    if (PathCounts.ON) {
      PathCounts.hit(PathCounts.Path.SCREEN_ET);
    }
    int nCand = 0;
    for (int q = 0; q < nAct; q++) {
      int j = ks.act[q];
      double a = ks.s1[j];
      double bt = ks.s2[j] + EqualTime.EPS;
      // Membrane maximum over [t_k, t_k+1] below c: at both ends, and no interior peak
      // (the peak of exp(-x)(a x - b) is at x* = 1 + b / a when a > 0).
      if (!(emk * (a * xk - bt) < level && emk1 * (a * xk1 - bt) < level
          && !(a > 0 && xm1k * a < bt && bt < xm1k1 * a))) {
        ks.flagged[nCand++] = j;
      }
    }
    return candidatesEt(ks, nCand, k, last, nAct, out, cache, sample, nOut);
  }

  /** The dt counterpart of {@link #screenEt}, in y = exp(-t / tau_m). */
  static int screenDt(LayerScratch ks, int k, boolean last, int nAct, double[] out,
      LayerCache cache, int sample, int nOut) {
    double level = ks.screenLevel;
    double yk = ks.xy[k];
    double yk1 = last ? 0.0 : ks.xy[k + 1];
    if (PathCounts.ON) {
      PathCounts.hit(PathCounts.Path.SCREEN_DT);
    }
    for (int q = 0; q < nAct; ) {
      int j = ks.act[q];
      double a1t = ks.s1[j] + DoubleTime.EPS;
      double a2 = ks.s2[j];
      // h(y) = y (a2 - a1 y) below c at both ends, and no interior peak (at y* = a2 / (2 a1)).
      if (yk * (a2 - a1t * yk) < level && yk1 * (a2 - a1t * yk1) < level
          && !(a1t > 0 && 2.0 * a1t * yk1 < a2 && a2 < 2.0 * a1t * yk)) {
        q++;
      } else if (candidateDt(ks, j, k, last, out, cache, sample, nOut)) {
        nAct = ks.deactivate(j, nAct);
      } else {
        q++;
      }
    }
    return nAct;
  }

  /** Evaluates the et candidate of neuron j for the set of the first k+1 sorted inputs. */
  static boolean candidateEt(LayerScratch ks, int j, int k, boolean last, double[] out,
      LayerCache cache, int sample, int nOut) {
    return candidateEt(ks, j, k, last, ks.s1[j], ks.s2[j], out, cache, sample, nOut);
  }

  /** {@link #candidateEt} with the set's sums given. */
  static boolean candidateEt(LayerScratch ks, int j, int k, boolean last, double a, double b,
      double[] out, LayerCache cache, int sample, int nOut) {
    double lw = LambertW.w0(EqualTime.lambertArgument(a, b, ks.c));
    double t = EqualTime.time(a, b, lw, ks.tauSyn);
    if (t >= ks.ts[k] && (last || t <= ks.ts[k + 1])) {
      ks.fire(j, k, t, a, b, lw, out, cache, sample, nOut);
      return true;
    }
    return false;
  }

  /** Evaluates the dt candidate of neuron j for the set of the first k+1 sorted inputs. */
  static boolean candidateDt(LayerScratch ks, int j, int k, boolean last, double[] out,
      LayerCache cache, int sample, int nOut) {
    double a1 = ks.s1[j];
    double a2 = ks.s2[j];
    double t = DoubleTime.spikeTime(a1, a2, ks.c, ks.tauSyn);
    if (t >= ks.ts[k] && (last || t <= ks.ts[k + 1])) {
      ks.fire(j, k, t, a1, a2, Double.NaN, out, cache, sample, nOut);
      return true;
    }
    return false;
  }
}
