package io.firstspike.core.network;

import io.firstspike.core.neuron.DoubleTime;

/**
 * The propagated-error terms of {@link RowMajorBackward}, recomputed one by one in the column
 * walk's order, for its rare paths: a non-finite term, which must be named exactly as
 * {@link ColumnBackward} would name it, and a row whose sum is not finite although
 * its terms over the causal outputs are. Never on the hot path; its own class only for size.
 * Reads the row walk's per-output arrays (causal set length m_j and the factors f1_j, f2_j), which
 * it is handed with every call because the row walk grows them.
 */
final class ColumnWalkTerms {
  private final boolean et;
  private final double tauSyn;
  /** 1 / tau_s when multiplying by it is exact (see LayerScratch#invTauSyn), else NaN. */
  private final double invTauSyn;

  ColumnWalkTerms(boolean et, double tauSyn, double invTauSyn) {
    this.et = et;
    this.tauSyn = tauSyn;
    this.invTauSyn = invTauSyn;
  }

  /** One sample's inputs, outputs and caches as the row walk sees them. */
  record Sample(double[] in, double[] w, double[] out, double[] delta, int[] ord, double[] ex1,
      double[] ex2, int base, int index, int layer, int nOut) {}

  /**
   * Throws for the first non-finite propagated-error term in the column walk's order (outputs
   * j below {@code limit} ascending, then inputs in time order), if there is one; returns
   * otherwise (a finite-term sum that overflowed, which the column walk lets through too).
   */
  void throwFirst(int limit, Sample s, int[] mj, double[] f1j, double[] f2j) {
    for (int j = 0; j < limit; j++) {
      int m = mj[j];
      double t = s.out[j];
      double d = s.delta[j];
      for (int k = 0; k < m; k++) {
        int i = s.ord[s.base + k];
        double g = term(j, k, i, s, f1j, f2j) * d;
        if (!Double.isFinite(g)) {
          throw new ArithmeticException("layer " + s.layer + ", sample " + s.index + ", neuron "
              + j + ", input " + i + ": propagated error is " + g + " (output time " + t
              + ", input time " + s.in[i] + ", error " + d + "); it must be finite");
        }
      }
    }
  }

  /** deltaIn[i] of row k exactly as the column walk sums it: causal outputs, ascending j. */
  double columnSum(int k, int i, Sample s, int[] mj, double[] f1j, double[] f2j) {
    double acc = 0.0;
    for (int j = 0; j < s.nOut; j++) {
      if (mj[j] > k) {
        acc += term(j, k, i, s, f1j, f2j) * s.delta[j];
      }
    }
    return acc;
  }

  /** dT_j/dt_i of input i at sorted position k, as the column walk computes it. */
  private double term(int j, int k, int i, Sample s, double[] f1j, double[] f2j) {
    double wv = s.w[i * s.nOut + j];
    double e1 = s.ex1[s.base + k];
    if (!et) {
      return DoubleTime.dTdt(f1j[j], f2j[j], wv, e1, s.ex2[s.base + k]);
    }
    double v = f1j[j] * wv * e1 * (s.out[j] - s.in[i] - tauSyn);
    return invTauSyn == invTauSyn ? v * invTauSyn : v / tauSyn;
  }
}
