package io.firstspike.core.network;

import io.firstspike.core.math.LambertW;
import io.firstspike.core.neuron.DoubleTime;
import io.firstspike.core.neuron.EqualTime;
import io.firstspike.core.neuron.Variant;
import java.util.Arrays;

/**
 * The exact backward pass of one sample as a walk over the output neurons j and, for each, its
 * causal inputs (TTFS-MODEL.md section 3): the forward set of the cache plus any inputs at exactly
 * the output time, the weight gradient dT_j/dw_ij delta_j with the original's clipping per sample
 * and neuron ({@code max_dw_norm}), and the propagated error delta_i = sum_j dT_j/dt_i delta_j.
 * Column j of w and grad is read with a stride of out.length doubles, so {@link PassPolicy}
 * chooses this path for small layers (both matrices in L1/L2) and {@link RowMajorBackward}, which
 * gives the same bits, for wide ones; the tests compare the two. One per thread, in its {@link LayerScratch}: it owns buffers.
 */
final class ColumnBackward {
  private final Variant variant;
  private final double c;
  private final double tauSyn;
  /** 1 / tau_s when that is exact (see LayerScratch#invTauSyn), else NaN. */
  private final double invTauSyn;
  private final double tauMem;
  private double[] dws = new double[0];
  /** Euler spikes without a closed-form derivative, skipped (see LayerScratch#integratorSkips). */
  long integratorSkips;

  ColumnBackward(Variant variant, double c, double tauSyn, double invTauSyn, double tauMem) {
    this.variant = variant;
    this.c = c;
    this.tauSyn = tauSyn;
    this.invTauSyn = invTauSyn;
    this.tauMem = tauMem;
  }

  /** Same contract as {@link LayerPass.Backward#backward}, on plain arrays. */
  void backward(double[] in, double[] w, double[] out, double[] delta, LayerCache cache,
      int sample, int layer, double maxDwNorm, double[] grad, double[] deltaIn) {
    int nIn = in.length;
    int nOut = out.length;
    if (deltaIn != null) {
      Arrays.fill(deltaIn, 0, nIn, 0.0);
    }
    if (dws.length < nIn) {
      dws = new double[nIn];
    }
    if (PathCounts.ON) {
      PathCounts.hit(PathCounts.Path.COLUMN_WALK);
    }
    int base = sample * nIn;
    int nFin = cache.nFinite[sample];
    int[] ord = cache.order;
    double[] ex1 = cache.expSyn;
    double[] ex2 = cache.expMem;
    boolean et = variant == Variant.ET;
    for (int j = 0; j < nOut; j++) {
      double d = delta[j];
      double tj = out[j];
      if (d == 0 || Double.isNaN(d) || !(tj < Double.POSITIVE_INFINITY)) {
        continue;
      }
      int slot = sample * nOut + j;
      int m = cache.count[slot];
      double a = m > 0 ? cache.sum1[slot] : 0.0;
      double b = m > 0 ? cache.sum2[slot] : 0.0;
      boolean extended = false;
      while (m < nFin) {
        int i = ord[base + m];
        double ti = in[i];
        if (!(ti <= tj)) {
          break;
        }
        double wv = w[i * nOut + j];
        a += wv * ex1[base + m];
        b += wv * (et ? overTau(ti * ex1[base + m]) : ex2[base + m]);
        m++;
        extended = true;
      }
      if (m == 0) {
        continue;
      }
      double f1;
      double f2;
      if (et) {
        double lw = extended ? LambertW.w0(EqualTime.lambertArgument(a, b, c)) : cache.lambert[slot];
        f1 = EqualTime.gradientFactor(a, lw);
        f2 = 0;
      } else {
        f2 = DoubleTime.backwardRoot(a, b, c);
        f1 = DoubleTime.k1(a, c, tj, tauMem, f2);
      }
      if (cache.integrated && !(Double.isFinite(f1) && Double.isFinite(f2))) {
        integratorSkips++; // no closed-form crossing for this Euler spike: no gradient
        continue;
      }
      double max = 0;
      boolean finite = true;
      for (int k = 0; k < m; k++) {
        int i = ord[base + k];
        double g = et ? EqualTime.dTdw(f1, ex1[base + k], tj, in[i])
            : DoubleTime.dTdw(f1, f2, ex1[base + k], ex2[base + k], tauMem);
        g *= d;
        dws[k] = g;
        // a comparison, not Math.max (whose NaN and -0.0 rules cost branches); NaN and
        // Infinity are caught by the flag, and the message then takes Math.max's value
        double ag = Math.abs(g);
        max = ag > max ? ag : max;
        finite &= ag < Double.POSITIVE_INFINITY;
      }
      if (!finite) {
        max = 0;
        for (int k = 0; k < m; k++) {
          max = Math.max(max, Math.abs(dws[k]));
        }
      }
      if (!(max < Double.POSITIVE_INFINITY)) {
        throw new ArithmeticException("layer " + layer + ", sample " + sample + ", neuron " + j
            + ": weight gradient is " + max + " (output time " + tj + ", error " + d
            + ", causal inputs " + m + "); it must be finite");
      }
      boolean keep = !(max > maxDwNorm);
      for (int k = 0; k < m; k++) {
        int i = ord[base + k];
        if (keep) {
          grad[i * nOut + j] += dws[k];
        }
        if (deltaIn != null) {
          double wv = w[i * nOut + j];
          double g = et ? overTau(f1 * wv * ex1[base + k] * (tj - in[i] - tauSyn)) // dTdt
              : DoubleTime.dTdt(f1, f2, wv, ex1[base + k], ex2[base + k]);
          g *= d;
          if (!Double.isFinite(g)) {
            throw new ArithmeticException("layer " + layer + ", sample " + sample + ", neuron " + j
                + ", input " + i + ": propagated error is " + g + " (output time " + tj
                + ", input time " + in[i] + ", error " + d + "); it must be finite");
          }
          deltaIn[i] += g;
        }
      }
    }
  }


  /** v / tau_s, as a multiplication when that is exact. */
  private double overTau(double v) {
    return invTauSyn == invTauSyn ? v * invTauSyn : v / tauSyn;
  }
}
