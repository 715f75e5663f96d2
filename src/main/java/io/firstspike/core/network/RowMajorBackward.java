package io.firstspike.core.network;

import io.firstspike.core.math.IndexSort;
import io.firstspike.core.math.LambertW;
import io.firstspike.core.neuron.DoubleTime;
import io.firstspike.core.neuron.EqualTime;
import io.firstspike.core.neuron.Variant;
import java.util.Arrays;

/**
 * The exact backward pass of one sample through a wide layer (TTFS-MODEL.md section 3), walking
 * the weights and the gradient row by row instead of column by column.
 *
 * <p>Why: the column walk of {@link LayerKernel#backwardColumns} reads {@code w[i * nOut + j]} and
 * updates {@code grad[i * nOut + j]} for the causal inputs i of one output j, a stride of nOut
 * doubles. For full MNIST (784 x 350, 2.2 MB per matrix, beyond L2) every access is a new cache
 * line. Here input row k (in time order, i = order[k]) is visited once, and all outputs j are
 * updated along the contiguous row, in a loop the JIT vectorises:
 *
 * <pre>
 *   grad[i, j]  += (f1_j exp(t_i / tau) (T_j - t_i)) delta_j keep_j          (et)
 *   deltaIn[i]  += sum over j of f1_j w_ij exp(t_i / tau) (T_j - t_i - tau) / tau delta_j
 * </pre>
 *
 * with f1_j = -1 / (a (1 + W)) of output j's causal set (dt: the {@link DoubleTime} factors).
 * Output j belongs to row k iff k &lt; m_j (its causal set length); outputs that are silent, have
 * no error, or whose set ends before row k carry zero coefficients (f1_j = delta_j = keep_j = 0),
 * so their terms are exact zeros that change no sum. keep_j is 1 or 0: the per-sample, per-output
 * clipping of {@code max_dw_norm}, decided by a first pass over j's causal inputs, which are
 * contiguous in time order here.
 *
 * <p>Exactness: every weight-gradient element is the same product in the same order as in the
 * column walk (times keep_j = 1.0, exact), so bit-identical; the propagated error sums the same
 * terms in the same order of j (plus exact zeros), so it is bit-identical too. Errors for
 * non-finite values name the same layer, sample, neuron and input as the column walk would
 * (the first in its order of j, then inputs). Not thread-safe: one per {@link LayerKernel}.
 */
final class RowMajorBackward {
  /**
   * Layers with at least this many weights take the row-major path: below, both matrices fit in
   * L1/L2 and the column walk, which touches only causal pairs, is as fast (measured: Yin-Yang
   * layers 6 x 120 and 121 x 3, full-MNIST label layer 350 x 10).
   */
  static final int MIN_WEIGHTS = 1 << 15;

  private final boolean et;
  private final double c;
  private final double tauSyn;
  /** 1 / tau_s when multiplying by it is exact (see LayerKernel), else NaN. */
  private final double invTauSyn;
  private final double tauMem;

  /** Input times in sorted order (contiguous, for the first pass). */
  private double[] st = new double[0];
  /** Causal set length per output; 0 = contributes nothing. */
  private int[] mj = new int[0];
  /** f1 per output as computed (kept for the error messages' recomputation). */
  private double[] f1Fixed = new double[0];
  /** Live coefficients per output, zeroed once the rows pass the end of its causal set. */
  private double[] f1 = new double[0];
  private double[] f2 = new double[0];
  private double[] tj = new double[0];
  private double[] dj = new double[0];
  private double[] keep = new double[0];
  /** The propagated-error terms of the current row, summed in order of j. */
  private double[] term = new double[0];
  /** Active outputs (by slot q) and their set lengths as sort keys. */
  private int[] active = new int[0];
  private double[] mKey = new double[0];
  private int[] byLength = new int[0];
  private int[] sortTmp = new int[0];

  RowMajorBackward(Variant variant, double c, double tauSyn, double invTauSyn, double tauMem) {
    this.et = variant == Variant.ET;
    this.c = c;
    this.tauSyn = tauSyn;
    this.invTauSyn = invTauSyn;
    this.tauMem = tauMem;
  }

  /** True if a layer of this shape takes the row-major path. */
  static boolean pays(int nIn, int nOut) {
    return (long) nIn * nOut >= MIN_WEIGHTS;
  }

  /** Same contract as {@link LayerKernel#backward}. */
  void backward(double[] in, double[] w, double[] out, double[] delta, LayerCache cache,
      int sample, int layer, double maxDwNorm, double[] grad, double[] deltaIn) {
    int nIn = in.length;
    int nOut = out.length;
    ensure(nIn, nOut);
    if (deltaIn != null) {
      Arrays.fill(deltaIn, 0, nIn, 0.0);
    }
    int base = sample * nIn;
    int nFin = cache.nFinite[sample];
    int[] ord = cache.order;
    double[] ex1 = cache.expSyn;
    double[] ex2 = cache.expMem;
    for (int k = 0; k < nFin; k++) {
      st[k] = in[ord[base + k]];
    }
    int n = 0;
    int mMax = 0;
    for (int j = 0; j < nOut; j++) {
      mj[j] = 0;
      f1[j] = 0.0;
      f2[j] = 1.0;
      tj[j] = 0.0;
      dj[j] = 0.0;
      keep[j] = 0.0;
      double d = delta[j];
      double t = out[j];
      if (d == 0 || Double.isNaN(d) || !(t < Double.POSITIVE_INFINITY)) {
        continue;
      }
      int slot = sample * nOut + j;
      int m = cache.count[slot];
      double a = m > 0 ? cache.sum1[slot] : 0.0;
      double b = m > 0 ? cache.sum2[slot] : 0.0;
      boolean extended = false;
      while (m < nFin && st[m] <= t) { // inputs at exactly T_j join the causal set
        double wv = w[ord[base + m] * nOut + j];
        a += wv * ex1[base + m];
        b += wv * (et ? overTau(st[m] * ex1[base + m]) : ex2[base + m]);
        m++;
        extended = true;
      }
      if (m == 0) {
        continue;
      }
      double g1;
      double g2;
      double max;
      if (et) {
        double lw = extended ? LambertW.w0(EqualTime.lambertArgument(a, b, c)) : cache.lambert[slot];
        g1 = EqualTime.gradientFactor(a, lw);
        g2 = 1.0;
        max = maxEt(g1, t, d, ex1, base, m);
      } else {
        g2 = DoubleTime.backwardRoot(a, b, c);
        g1 = DoubleTime.k1(a, c, t, tauMem, g2);
        max = maxDt(g1, g2, d, ex1, ex2, base, m);
      }
      if (!(max < Double.POSITIVE_INFINITY)) {
        if (deltaIn != null) {
          throwFirstPropagated(j, in, w, out, delta, ord, ex1, ex2, base, sample, layer, nOut);
        }
        throw new ArithmeticException("layer " + layer + ", sample " + sample + ", neuron " + j
            + ": weight gradient is " + max + " (output time " + t + ", error " + d
            + ", causal inputs " + m + "); it must be finite");
      }
      mj[j] = m;
      f1Fixed[j] = g1;
      f1[j] = g1;
      f2[j] = g2;
      tj[j] = t;
      dj[j] = d;
      keep[j] = max > maxDwNorm ? 0.0 : 1.0;
      active[n] = j;
      mKey[n++] = m;
      mMax = Math.max(mMax, m);
    }
    if (n == 0) {
      return;
    }
    IndexSort.sort(mKey, n, byLength, sortTmp);
    int next = 0;
    for (int k = 0; k < mMax; k++) {
      while (next < n && mKey[byLength[next]] <= k) { // output's causal set ends before row k
        int j = active[byLength[next++]];
        f1[j] = 0.0;
        dj[j] = 0.0;
        keep[j] = 0.0;
      }
      int i = ord[base + k];
      int row = i * nOut;
      double ti = st[k];
      double e = ex1[base + k];
      if (deltaIn == null) {
        if (et) {
          gradRowEt(grad, row, nOut, e, ti);
        } else {
          gradRowDt(grad, row, nOut, e, ex2[base + k]);
        }
        continue;
      }
      if (et) {
        rowEt(w, grad, row, nOut, e, ti);
      } else {
        rowDt(w, grad, row, nOut, e, ex2[base + k]);
      }
      double acc = 0.0;
      for (int j = 0; j < nOut; j++) {
        acc += term[j];
      }
      if (!Double.isFinite(acc)) {
        throwFirstPropagated(nOut, in, w, out, delta, ord, ex1, ex2, base, sample, layer, nOut);
        // finite terms whose sum overflowed, or a non-finite weight outside every causal set
        // (times a zero coefficient): the column walk's sum over the causal outputs only
        acc = columnSum(k, i, in, w, out, delta, ex1, ex2, base, nOut);
      }
      deltaIn[i] = acc;
    }
  }

  /** max over the causal set of |dT/dw delta| (et); NaN if any is NaN. */
  private double maxEt(double g1, double t, double d, double[] ex1, int base, int m) {
    double max = 0;
    for (int k = 0; k < m; k++) {
      double g = EqualTime.dTdw(g1, ex1[base + k], t, st[k]) * d;
      max = Math.max(max, Math.abs(g));
    }
    return max;
  }

  /** max over the causal set of |dT/dw delta| (dt); NaN if any is NaN. */
  private double maxDt(double k1, double s, double d, double[] ex1, double[] ex2, int base, int m) {
    double max = 0;
    for (int k = 0; k < m; k++) {
      double g = DoubleTime.dTdw(k1, s, ex1[base + k], ex2[base + k], tauMem) * d;
      max = Math.max(max, Math.abs(g));
    }
    return max;
  }

  /** One et row without propagated error (the first layer): weight gradient only. */
  private void gradRowEt(double[] grad, int row, int nOut, double e, double ti) {
    for (int j = 0; j < nOut; j++) {
      grad[row + j] += f1[j] * e * (tj[j] - ti) * dj[j] * keep[j];
    }
  }

  /** One dt row without propagated error: weight gradient only. */
  private void gradRowDt(double[] grad, int row, int nOut, double e1, double e2) {
    for (int j = 0; j < nOut; j++) {
      grad[row + j] += tauMem * (f1[j] * e1 - e2 / f2[j]) * dj[j] * keep[j];
    }
  }

  /**
   * One et row: weight gradient and the propagated-error terms, written out as in the column
   * walk, ((f1 w e) (T - t - tau)) / tau delta, with / tau as * (1 / tau) where exact.
   */
  private void rowEt(double[] w, double[] grad, int row, int nOut, double e, double ti) {
    double tau = tauSyn;
    if (invTauSyn == invTauSyn) {
      double inv = invTauSyn;
      for (int j = 0; j < nOut; j++) {
        double f = f1[j];
        double dt = tj[j] - ti;
        double d = dj[j];
        grad[row + j] += f * e * dt * d * keep[j];
        term[j] = f * w[row + j] * e * (dt - tau) * inv * d;
      }
    } else {
      for (int j = 0; j < nOut; j++) {
        double f = f1[j];
        double dt = tj[j] - ti;
        double d = dj[j];
        grad[row + j] += f * e * dt * d * keep[j];
        term[j] = f * w[row + j] * e * (dt - tau) / tau * d;
      }
    }
  }

  /** One dt row: {@link DoubleTime#dTdw} and {@link DoubleTime#dTdt} times delta, per output. */
  private void rowDt(double[] w, double[] grad, int row, int nOut, double e1, double e2) {
    double tm = tauMem;
    for (int j = 0; j < nOut; j++) {
      double f = f1[j];
      double r = e2 / f2[j];
      double d = dj[j];
      grad[row + j] += tm * (f * e1 - r) * d * keep[j];
      term[j] = w[row + j] * (f * 2.0 * e1 - r) * d;
    }
  }

  /**
   * Throws for the first non-finite propagated-error term in the column walk's order (outputs
   * j below {@code limit} ascending, then inputs in time order), if there is one; returns
   * otherwise (a finite-term sum that overflowed, which the column walk lets through too).
   */
  private void throwFirstPropagated(int limit, double[] in, double[] w, double[] out,
      double[] delta, int[] ord, double[] ex1, double[] ex2, int base, int sample, int layer,
      int nOut) {
    for (int j = 0; j < limit; j++) {
      int m = mj[j];
      double t = out[j];
      double d = delta[j];
      for (int k = 0; k < m; k++) {
        int i = ord[base + k];
        double g = propagated(j, k, i, in, w, out, ex1, ex2, base, nOut) * d;
        if (!Double.isFinite(g)) {
          throw new ArithmeticException("layer " + layer + ", sample " + sample + ", neuron " + j
              + ", input " + i + ": propagated error is " + g + " (output time " + t
              + ", input time " + in[i] + ", error " + d + "); it must be finite");
        }
      }
    }
  }

  /** deltaIn[i] of row k exactly as the column walk sums it: causal outputs, ascending j. */
  private double columnSum(int k, int i, double[] in, double[] w, double[] out, double[] delta,
      double[] ex1, double[] ex2, int base, int nOut) {
    double acc = 0.0;
    for (int j = 0; j < nOut; j++) {
      if (mj[j] > k) {
        acc += propagated(j, k, i, in, w, out, ex1, ex2, base, nOut) * delta[j];
      }
    }
    return acc;
  }

  /** dT_j/dt_i of input i at sorted position k, as the column walk computes it. */
  private double propagated(int j, int k, int i, double[] in, double[] w, double[] out,
      double[] ex1, double[] ex2, int base, int nOut) {
    double wv = w[i * nOut + j];
    return et ? overTau(f1Fixed[j] * wv * ex1[base + k] * (out[j] - in[i] - tauSyn))
        : DoubleTime.dTdt(f1Fixed[j], f2[j], wv, ex1[base + k], ex2[base + k]);
  }

  private double overTau(double v) {
    return invTauSyn == invTauSyn ? v * invTauSyn : v / tauSyn;
  }

  private void ensure(int nIn, int nOut) {
    if (st.length < nIn) {
      st = new double[nIn];
    }
    if (mj.length < nOut) {
      mj = new int[nOut];
      f1Fixed = new double[nOut];
      f1 = new double[nOut];
      f2 = new double[nOut];
      tj = new double[nOut];
      dj = new double[nOut];
      keep = new double[nOut];
      term = new double[nOut];
      active = new int[nOut];
      mKey = new double[nOut];
      byLength = new int[nOut];
      sortTmp = new int[nOut];
    }
  }
}
