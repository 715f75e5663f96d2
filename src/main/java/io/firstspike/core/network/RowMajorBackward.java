package io.firstspike.core.network;

import io.firstspike.core.math.LambertW;
import io.firstspike.core.neuron.DoubleTime;
import io.firstspike.core.neuron.EqualTime;
import io.firstspike.core.neuron.Variant;
import java.util.Arrays;

/**
 * The exact backward pass of one sample through a wide layer (TTFS-MODEL.md section 3), walking
 * the weights and the gradient row by row instead of column by column.
 *
 * <p>Why: the column walk of {@link ColumnBackward} reads {@code w[i * nOut + j]} and
 * updates {@code grad[i * nOut + j]} for the causal inputs i of one output j, a stride of nOut
 * doubles. For full MNIST (784 x 350, 2.2 MB per matrix, beyond L2) every access is a new cache
 * line, about 20 cycles each. Here input row k (in time order, i = order[k]) is visited once,
 * and the outputs j it is causal for are updated along that row:
 *
 * <pre>
 *   grad[i, j]  += (f1_j exp(t_i / tau) (T_j - t_i)) delta_j keep_j          (et)
 *   deltaIn[i]  += sum over j of f1_j w_ij exp(t_i / tau) (T_j - t_i - tau) / tau delta_j
 * </pre>
 *
 * with f1_j = -1 / (a (1 + W)) of output j's causal set (dt: the {@link DoubleTime} factors),
 * keep_j 1 or 0: the per-sample, per-output clipping of {@code max_dw_norm}, decided by a first
 * pass over j's causal inputs (contiguous in time order) or by a bound ({@link ClipMax}).
 * Row k belongs to output j iff k &lt; m_j, its causal set length. The rows walk a list of the outputs with an error and a
 * spike, in order of j; when the rows pass the end of an output's set its coefficients become
 * zero (f1_j = delta_j = keep_j = 0: exact zero terms, which change no sum), and once half of
 * the list is such outputs it is compacted. So a row touches at most twice the outputs it
 * needs: hidden neurons of full MNIST fire after about 180 of the 784 inputs, and a dense walk
 * over all outputs up to the latest set's end did 5 times the needed work.
 *
 * <p>Exactness: every weight-gradient element is the same product in the same order as in the
 * column walk (times keep_j = 1.0, exact), so bit-identical; the propagated error sums the same
 * terms in the same order of j (plus exact zeros), so it is bit-identical too (should a zero
 * coefficient meet a non-finite weight, the row's sum is redone the column walk's way). Errors for
 * non-finite values name the same layer, sample, neuron and input as the column walk would
 * (the first in its order of j, then inputs). Not thread-safe: one per thread, in its {@link LayerScratch}.
 *
 * <p>The first layer (no propagated error) can instead {@link #defer} its rows: the engine then
 * adds a whole chunk of samples in one sweep over the gradient ({@link DeferredRows}).
 */
final class RowMajorBackward {
  private final boolean et;
  private final double c;
  private final double tauSyn;
  /** 1 / tau_s when multiplying by it is exact (see LayerScratch#invTauSyn), else NaN. */
  private final double invTauSyn;
  private final double tauMem;
  /** The column walk's terms, for the rare non-finite paths. */
  private final ColumnWalkTerms terms;

  /** Euler spikes without a closed-form derivative, skipped (see LayerScratch#integratorSkips). */
  long integratorSkips;

  /** Input times in sorted order (contiguous, for the first pass). */
  private double[] st = new double[0];
  /** Per output j: causal set length (0 = contributes nothing), and its two factors. */
  private int[] mj = new int[0];
  private double[] f1j = new double[0];
  private double[] f2j = new double[0];
  /**
   * The list of contributing outputs, ascending j, at positions p: output, set length and the
   * coefficients of its terms; f1, delta and keep are zeroed once the rows pass the set's end.
   */
  private int[] lj = new int[0];
  private int[] lm = new int[0];
  private double[] lf1 = new double[0];
  private double[] lf2 = new double[0];
  private double[] lt = new double[0];
  private double[] ld = new double[0];
  private double[] lkeep = new double[0];
  /** Position in the list of the output added as the q-th (moves when the list is compacted). */
  private int[] pos = new int[0];
  /** The q-th added output, per list position (to keep pos in step when compacting). */
  private int[] lq = new int[0];
  /** Set lengths by q (as added, not moved by compaction), and the q ordered by them. */
  private int[] lm0 = new int[0];
  private int[] byLength = new int[0];
  /** Counting-sort buckets, one per set length 0..nIn. */
  private int[] buckets = new int[0];

  RowMajorBackward(Variant variant, double c, double tauSyn, double invTauSyn, double tauMem) {
    this.et = variant == Variant.ET;
    this.c = c;
    this.tauSyn = tauSyn;
    this.invTauSyn = invTauSyn;
    this.tauMem = tauMem;
    this.terms = new ColumnWalkTerms(et, tauSyn, invTauSyn);
  }

  /** Same contract as {@link LayerPass.Backward#backward}, on plain arrays. */
  void backward(double[] in, double[] w, double[] out, double[] delta, LayerCache cache,
      int sample, int layer, double maxDwNorm, double[] grad, double[] deltaIn) {
    int nIn = in.length;
    int nOut = out.length;
    if (deltaIn != null) {
      Arrays.fill(deltaIn, 0, nIn, 0.0);
    }
    int n = collect(in, w, out, delta, cache, sample, layer, maxDwNorm, deltaIn != null);
    if (PathCounts.ON) {
      PathCounts.hit(PathCounts.Path.ROW_WALK);
    }
    if (n == 0) {
      return;
    }
    rows(in, w, out, delta, cache, sample, layer, n, grad, deltaIn);
  }

  /**
   * The per-sample part of a first-layer backward pass (no propagated error): causal sets,
   * clipping and error checks now; the weight gradient waits in {@code deferred} until
   * {@link DeferredRows#flush} adds it together with the other samples of the chunk.
   */
  void defer(double[] in, double[] w, double[] out, double[] delta, LayerCache cache, int sample,
      int layer, double maxDwNorm, DeferredRows deferred) {
    int n = collect(in, w, out, delta, cache, sample, layer, maxDwNorm, false);
    if (n > 0) {
      sortByLength(n, in.length);
    }
    deferred.add(in.length, out.length, n, lj, lm, lf1, lf2, lt, ld, byLength, cache.order,
        sample * in.length, cache.nFinite[sample], st, cache.expSyn, cache.expMem);
  }

  /** Length of the longest causal set found by the last {@link #collect}. */
  private int mMax;

  /**
   * The first pass: per output with an error and a spike, its causal set (ties with T_j
   * included), factors and clipping, checked for finiteness in the column walk's order; fills
   * the list in order of j (without clipped outputs unless {@code propagate}) and returns its
   * length.
   */
  private int collect(double[] in, double[] w, double[] out, double[] delta, LayerCache cache,
      int sample, int layer, double maxDwNorm, boolean propagate) {
    int nIn = in.length;
    int nOut = out.length;
    ensure(nIn, nOut);
    int base = sample * nIn;
    int nFin = cache.nFinite[sample];
    int[] ord = cache.order;
    double[] ex1 = cache.expSyn;
    double[] ex2 = cache.expMem;
    for (int k = 0; k < nFin; k++) {
      st[k] = in[ord[base + k]];
    }
    int n = 0;
    mMax = 0;
    for (int j = 0; j < nOut; j++) {
      mj[j] = 0;
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
        if (cache.integrated && !Double.isFinite(g1)) {
          integratorSkips++; // no closed-form crossing for this Euler spike: no gradient
          continue;
        }
        max = ClipMax.et(g1, t, d, ex1, st, base, m, tauSyn, maxDwNorm);
      } else {
        g2 = DoubleTime.backwardRoot(a, b, c);
        g1 = DoubleTime.k1(a, c, t, tauMem, g2);
        if (cache.integrated && !(Double.isFinite(g1) && Double.isFinite(g2))) {
          integratorSkips++;
          continue;
        }
        max = ClipMax.dt(g1, g2, t, d, ex1, ex2, base, m, tauSyn, tauMem, maxDwNorm);
      }
      mj[j] = m;
      f1j[j] = g1;
      f2j[j] = g2;
      if (!(max < Double.POSITIVE_INFINITY)) {
        if (propagate) {
          terms.throwFirst(j, new ColumnWalkTerms.Sample(in, w, out, delta, ord, ex1, ex2, base,
              sample, layer, nOut), mj, f1j, f2j);
        }
        throw new ArithmeticException("layer " + layer + ", sample " + sample + ", neuron " + j
            + ": weight gradient is " + max + " (output time " + t + ", error " + d
            + ", causal inputs " + m + "); it must be finite");
      }
      boolean keep = !(max > maxDwNorm);
      if (!keep && !propagate) {
        continue; // clipped, and no propagated error: nothing to add anywhere
      }
      lj[n] = j;
      lm[n] = m;
      lf1[n] = g1;
      lf2[n] = g2;
      lt[n] = t;
      ld[n] = d;
      lkeep[n] = keep ? 1.0 : 0.0;
      lq[n] = n;
      pos[n] = n;
      lm0[n] = m;
      n++;
      mMax = Math.max(mMax, m);
    }
    return n;
  }

  /** The second pass: the rows in time order, over the list of n outputs. */
  private void rows(double[] in, double[] w, double[] out, double[] delta, LayerCache cache,
      int sample, int layer, int n, double[] grad, double[] deltaIn) {
    int nIn = in.length;
    int nOut = out.length;
    int base = sample * nIn;
    int[] ord = cache.order;
    double[] ex1 = cache.expSyn;
    double[] ex2 = cache.expMem;
    sortByLength(n, nIn);
    int next = 0;
    int size = n;
    int dead = 0;
    for (int k = 0; k < mMax; k++) {
      while (next < n && lm0[byLength[next]] <= k) { // an output's causal set ended at row k
        int p = pos[byLength[next++]];
        lf1[p] = 0.0;
        ld[p] = 0.0;
        lkeep[p] = 0.0;
        dead++;
      }
      if (2 * dead > size) {
        if (PathCounts.ON) {
          PathCounts.hit(PathCounts.Path.ROW_COMPACT);
        }
        size = compact(size, k);
        dead = 0;
      }
      int i = ord[base + k];
      int row = i * nOut;
      double ti = st[k];
      double e = ex1[base + k];
      if (deltaIn == null) {
        if (et) {
          gradRowEt(grad, row, size, e, ti);
        } else {
          gradRowDt(grad, row, size, e, ex2[base + k]);
        }
        continue;
      }
      double acc = et ? rowEt(w, grad, row, size, e, ti) : rowDt(w, grad, row, size, e,
          ex2[base + k]);
      if (!Double.isFinite(acc)) {
        ColumnWalkTerms.Sample s = new ColumnWalkTerms.Sample(in, w, out, delta, ord, ex1, ex2,
            base, sample, layer, nOut);
        terms.throwFirst(nOut, s, mj, f1j, f2j);
        // finite terms whose sum overflowed, or a non-finite weight of an output whose set
        // has ended (times its zero coefficient): the column walk's sum over the set only
        acc = terms.columnSum(k, i, s, mj, f1j, f2j);
      }
      deltaIn[i] = acc;
    }
  }

  /**
   * Drops the outputs whose causal set ended before row k from the list, keeping the order of j,
   * so that the rows touch at most twice the outputs they need; returns the new length.
   */
  private int compact(int size, int k) {
    int to = 0;
    for (int p = 0; p < size; p++) {
      if (lm[p] > k) {
        lj[to] = lj[p];
        lm[to] = lm[p];
        lf1[to] = lf1[p];
        lf2[to] = lf2[p];
        lt[to] = lt[p];
        ld[to] = ld[p];
        lkeep[to] = lkeep[p];
        lq[to] = lq[p];
        pos[lq[p]] = to;
        to++;
      }
    }
    return to;
  }

  /**
   * One et row without propagated error (the first layer): weight gradient only. The list then
   * holds no clipped outputs, so no keep factor.
   */
  private void gradRowEt(double[] grad, int row, int size, double e, double ti) {
    for (int p = 0; p < size; p++) {
      grad[row + lj[p]] += lf1[p] * e * (lt[p] - ti) * ld[p];
    }
  }

  /** One dt row without propagated error: weight gradient only (no clipped outputs listed). */
  private void gradRowDt(double[] grad, int row, int size, double e1, double e2) {
    for (int p = 0; p < size; p++) {
      grad[row + lj[p]] += tauMem * (lf1[p] * e1 - e2 / lf2[p]) * ld[p];
    }
  }

  /**
   * One et row: adds the weight gradients and returns the propagated error, whose terms are
   * written out as in the column walk, ((f1 w e) (T - t - tau)) / tau delta, with / tau as
   * * (1 / tau) where that is exact.
   */
  private double rowEt(double[] w, double[] grad, int row, int size, double e, double ti) {
    double tau = tauSyn;
    double acc = 0.0;
    if (invTauSyn == invTauSyn) {
      double inv = invTauSyn;
      for (int p = 0; p < size; p++) {
        int at = row + lj[p];
        double f = lf1[p];
        double dt = lt[p] - ti;
        double d = ld[p];
        grad[at] += f * e * dt * d * lkeep[p];
        acc += f * w[at] * e * (dt - tau) * inv * d;
      }
    } else {
      for (int p = 0; p < size; p++) {
        int at = row + lj[p];
        double f = lf1[p];
        double dt = lt[p] - ti;
        double d = ld[p];
        grad[at] += f * e * dt * d * lkeep[p];
        acc += f * w[at] * e * (dt - tau) / tau * d;
      }
    }
    return acc;
  }

  /** One dt row: {@link DoubleTime#dTdw} and {@link DoubleTime#dTdt} times delta, per output. */
  private double rowDt(double[] w, double[] grad, int row, int size, double e1, double e2) {
    double tm = tauMem;
    double acc = 0.0;
    for (int p = 0; p < size; p++) {
      int at = row + lj[p];
      double f = lf1[p];
      double r = e2 / lf2[p];
      double d = ld[p];
      grad[at] += tm * (f * e1 - r) * d * lkeep[p];
      acc += w[at] * (f * 2.0 * e1 - r) * d;
    }
    return acc;
  }

  /**
   * Orders the n listed outputs by ascending set length into byLength (ties by list position): a
   * counting sort, the lengths being 1..nIn (a comparison sort of the ~300 hidden neurons of full
   * MNIST cost 10% of the backward pass).
   */
  private void sortByLength(int n, int nIn) {
    Arrays.fill(buckets, 0, nIn + 2, 0);
    for (int q = 0; q < n; q++) {
      buckets[lm0[q] + 1]++;
    }
    for (int m = 1; m <= nIn + 1; m++) {
      buckets[m] += buckets[m - 1];
    }
    for (int q = 0; q < n; q++) {
      byLength[buckets[lm0[q]]++] = q;
    }
  }

  private double overTau(double v) {
    return invTauSyn == invTauSyn ? v * invTauSyn : v / tauSyn;
  }

  private void ensure(int nIn, int nOut) {
    if (st.length < nIn) {
      st = new double[nIn];
      buckets = new int[nIn + 2];
    }
    if (mj.length < nOut) {
      mj = new int[nOut];
      f1j = new double[nOut];
      f2j = new double[nOut];
      lj = new int[nOut];
      lm = new int[nOut];
      lf1 = new double[nOut];
      lf2 = new double[nOut];
      lt = new double[nOut];
      ld = new double[nOut];
      lkeep = new double[nOut];
      pos = new int[nOut];
      lq = new int[nOut];
      lm0 = new int[nOut];
      byLength = new int[nOut];
    }
  }
}
