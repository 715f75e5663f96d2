package io.firstspike.core.network;

import io.firstspike.core.neuron.EqualTime;

/**
 * The neuron-by-neuron walk of the narrow et forward pass ({@link ClosedFormForward#NARROW}, for
 * layers of at most {@link PassPolicy#NARROW_MAX_WIDTH} neurons, such as the label layers), on
 * the thread's {@link LayerScratch}: each neuron walks the sorted inputs,
 * adding its own weight times the exp factors to its two running sums and testing the exact
 * screen of every prefix (only the last prefix of a group of equal times, as in the kernel's
 * other paths), until its first valid candidate. The sums are added in the same order and the
 * same screen and candidate decide, so times, causal sets and sums are those of the per-prefix
 * and blocked paths bit for bit ({@code LayerKernelBlockTest}); what goes is their per-prefix
 * passes over a handful of neurons (for Yin-Yang's 121 -> 3 label layer: a pass over three
 * lanes per prefix, or per block of four with its bound, flag scan and walk).
 */
final class NarrowEt {
  private NarrowEt() {}

  /**
   * Walks every neuron of the layer over the nFin finite sorted inputs, writing out[j] and the
   * cache (through {@link LayerScratch#fire}) for those that fire.
   */
  static void forward(LayerScratch k, double[] w, int nFin, double[] out, LayerCache cache, int sample, int nOut) {
    int[] order = k.order;
    double[] ts = k.ts;
    double[] e1 = k.e1;
    double[] e2 = k.e2;
    double level = k.screenLevel;
    for (int j = 0; j < nOut; j++) {
      double a = 0;
      double b = 0;
      for (int p = 0; p < nFin; p++) {
        double wv = w[order[p] * nOut + j];
        a += wv * e1[p];
        b += wv * e2[p];
        boolean last = p + 1 == nFin;
        if (!last && ts[p + 1] == ts[p]) {
          continue; // inside a group of equal times: see ClosedFormForward
        }
        boolean below = last ? belowAfterLast(k, a, b, p, level)
            : PrefixSteps.screenedEt(k, a, b, p, level);
        if (!below && PrefixSteps.candidateEt(k, j, p, last, a, b, out, cache, sample, nOut)) {
          break;
        }
      }
    }
  }

  /**
   * The exact screen of the last prefix p, over [t_p, +Infinity): {@link
   * PrefixSteps#screenedEt} with exp(-x_(p+1)) = 0 and no upper end for the peak, as the
   * kernel's last-prefix screen computes it.
   */
  private static boolean belowAfterLast(LayerScratch k, double a, double b, int p, double level) {
    double bt = b + EqualTime.EPS;
    return k.em[p] * (a * k.xy[p] - bt) < level && 0.0 * (a * 0.0 - bt) < level
        && !(a > 0 && k.xm1[p] * a < bt);
  }
}
