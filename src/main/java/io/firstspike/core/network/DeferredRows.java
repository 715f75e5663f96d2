package io.firstspike.core.network;

import java.util.Arrays;

/**
 * The weight gradients of a first layer (no propagated error) for a run of samples, added to the
 * gradient matrix in one sweep over its rows instead of one sweep per sample.
 *
 * <p>Why: the rows of a sample are visited in its own time order, so per sample the walk jumps
 * between rows of the whole matrix (2.2 MB for full MNIST, beyond L2) and loads every row it
 * needs from L3. Here each row i is loaded once per run and receives the contributions of all
 * samples while it stays in L1:
 *
 * <pre>
 *   for each row i, for each sample s in order, for its outputs j with m_j(s) &gt; rank_s(i):
 *     grad[i, j] += (f1_j exp(t_i / tau) (T_j - t_i)) delta_j                  (et)
 *     grad[i, j] += (tau_m (f1_j exp(t_i / tau_s) - exp(t_i / tau_m) / S_j)) delta_j   (dt)
 * </pre>
 *
 * <p>Each element receives the same products, in the order of the samples, as when the samples
 * are walked one after another, so the sums are the same bits. Per sample the outputs are kept
 * sorted by causal set length, longest first: those causal for the input at time rank k are a
 * prefix, whose length is stored per input. Clipped outputs are not stored (they add nothing).
 * Filled by {@link RowMajorBackward#defer}; not thread-safe.
 */
final class DeferredRows {
  private final boolean et;
  private final double tauMem;
  private int slots;
  private int nIn;
  private int nOut;
  /** Per sample, by causal set length descending: output, f1, f2 (dt), spike time, error. */
  private int[][] outputs = new int[0][];
  private double[][] f1 = new double[0][];
  private double[][] f2 = new double[0][];
  private double[][] time = new double[0][];
  private double[][] delta = new double[0][];
  /** Per sample and input i: number of outputs i is causal for (a prefix), exp factors, time. */
  private int[][] count = new int[0][];
  private double[][] e1 = new double[0][];
  private double[][] e2 = new double[0][];
  private double[][] tin = new double[0][];
  /**
   * et, per sample in output order (see {@link #rowEtDense}): f1, spike time and error of each
   * stored output; 0, -Infinity and 0 for the others, whose terms are then exactly zero.
   */
  private double[][] denseF1 = new double[0][];
  private double[][] denseT = new double[0][];
  private double[][] denseD = new double[0][];
  /** Per sample: every stored causal set is exactly the inputs at or before its spike time. */
  private boolean[] dense = new boolean[0];

  DeferredRows(boolean et, double tauMem) {
    this.et = et;
    this.tauMem = tauMem;
  }

  /** Number of samples waiting. */
  int size() {
    return slots;
  }

  /** Forgets the waiting samples (after an exception left a run unfinished). */
  void clear() {
    slots = 0;
  }

  /**
   * Adds one sample's list (n outputs at list positions, byLength their positions ordered by
   * ascending set length) and its sorted inputs.
   */
  void add(int nIn, int nOut, int n, int[] lj, int[] lm, double[] lf1, double[] lf2, double[] lt,
      double[] ld, int[] byLength, int[] ord, int base, int nFin, double[] st, double[] ex1,
      double[] ex2) {
    if (slots > 0 && (nIn != this.nIn || nOut != this.nOut)) {
      throw new IllegalStateException("deferred backward of a " + nIn + " x " + nOut
          + " layer while " + slots + " samples of a " + this.nIn + " x " + this.nOut
          + " layer wait; flush them first");
    }
    this.nIn = nIn;
    this.nOut = nOut;
    int s = slots++;
    ensure(s, nIn, nOut);
    int[] oj = outputs[s];
    double[] a1 = f1[s];
    double[] a2 = f2[s];
    double[] at = time[s];
    double[] ad = delta[s];
    for (int r = 0; r < n; r++) {
      int p = byLength[n - 1 - r];
      oj[r] = lj[p];
      a1[r] = lf1[p];
      a2[r] = lf2[p];
      at[r] = lt[p];
      ad[r] = ld[p];
    }
    dense[s] = et && denseSample(s, n, nOut, lj, lm, lf1, lt, ld, st);
    int[] cnt = count[s];
    Arrays.fill(cnt, 0, nIn, 0); // silent inputs are causal for nobody
    int c = n;
    for (int k = 0; k < nFin; k++) {
      while (c > 0 && lm[byLength[n - c]] <= k) { // the shortest remaining set ends before k
        c--;
      }
      int i = ord[base + k];
      cnt[i] = c;
      e1[s][i] = ex1[base + k];
      if (!et) {
        e2[s][i] = ex2[base + k];
      }
      tin[s][i] = st[k];
    }
  }

  /**
   * Fills sample s's output-order arrays for {@link #rowEtDense}, if its stored causal sets are
   * exactly "the inputs at or before T_j" (the input at rank m_j - 1 is at or before T_j; the one
   * at m_j is after it, as {@link RowMajorBackward} extends every set over inputs at T_j): true
   * for the exact forward pass, where T_j lies in [t_(m_j), t_(m_j + 1)]. Otherwise (a causal set
   * from the Euler integrator that ends elsewhere) the sample keeps the list walk.
   */
  private boolean denseSample(int s, int n, int nOut, int[] lj, int[] lm, double[] lf1,
      double[] lt, double[] ld, double[] st) {
    for (int p = 0; p < n; p++) {
      if (!(st[lm[p] - 1] <= lt[p])) {
        return false;
      }
    }
    double[] f = denseF1[s];
    double[] t = denseT[s];
    double[] d = denseD[s];
    Arrays.fill(f, 0, nOut, 0.0);
    Arrays.fill(t, 0, nOut, Double.NEGATIVE_INFINITY);
    Arrays.fill(d, 0, nOut, 0.0);
    for (int p = 0; p < n; p++) {
      int j = lj[p];
      f[j] = lf1[p];
      t[j] = lt[p];
      d[j] = ld[p];
    }
    return true;
  }

  /**
   * Adds the waiting samples' weight gradients to grad (row-major, nIn x nOut), in order; with
   * {@code store}, replaces grad's first nIn x nOut entries by them instead (the caller need not
   * zero a buffer first: for full MNIST that was 2.2 MB per chunk). Each row is added up in
   * {@code acc}, a copy at offset 0: the JIT vectorises the dense loop only when every array is
   * indexed by j alone (with grad[row + j] it stays scalar, 3x slower).
   */
  void flush(double[] grad, boolean store) {
    if (slots == 0) {
      if (store) {
        Arrays.fill(grad, 0.0);
      }
      return;
    }
    if (acc.length < nOut) {
      acc = new double[nOut];
    }
    double[] a = acc;
    for (int i = 0; i < nIn; i++) {
      int row = i * nOut;
      boolean any = store;
      if (store) {
        Arrays.fill(a, 0, nOut, 0.0);
      }
      for (int s = 0; s < slots; s++) {
        int c = count[s][i];
        if (c == 0) {
          continue;
        }
        if (!any) {
          System.arraycopy(grad, row, a, 0, nOut);
          any = true;
        }
        if (PathCounts.ON) {
          PathCounts.hit(dense[s] && c * PassPolicy.DEFERRED_DENSE_FROM >= nOut
              ? PathCounts.Path.DEFERRED_ROW_DENSE : PathCounts.Path.DEFERRED_ROW_LIST);
        }
        if (dense[s] && c * PassPolicy.DEFERRED_DENSE_FROM >= nOut) {
          rowEtDense(a, denseF1[s], denseT[s], denseD[s], nOut, e1[s][i], tin[s][i]);
        } else if (et) {
          rowEt(a, outputs[s], f1[s], time[s], delta[s], c, e1[s][i], tin[s][i]);
        } else {
          rowDt(a, outputs[s], f1[s], f2[s], delta[s], c, e1[s][i], e2[s][i]);
        }
      }
      if (any) {
        System.arraycopy(a, 0, grad, row, nOut);
      }
    }
    slots = 0;
  }

  /** One row of the gradient while {@link #flush} adds to it. */
  private double[] acc = new double[0];

  private static void rowEt(double[] grad, int[] oj, double[] f1, double[] t, double[] d, int c,
      double e, double ti) {
    for (int r = 0; r < c; r++) {
      grad[oj[r]] += f1[r] * e * (t[r] - ti) * d[r];
    }
  }

  /**
   * {@link #rowEt} over all nOut outputs in output order: max(T_j - t_i, 0) is T_j - t_i for an
   * output input i is causal for (t_i &lt;= T_j) and 0 for the others (t_i &gt; T_j, or T_j =
   * -Infinity for an output not stored), so each causal term is the same product, the others
   * add a zero, and the gradient gets the same bits (it starts at +0.0, which adding -0.0 keeps).
   */
  private static void rowEtDense(double[] grad, double[] f1, double[] t, double[] d, int nOut,
      double e, double ti) {
    for (int j = 0; j < nOut; j++) {
      grad[j] += f1[j] * e * Math.max(t[j] - ti, 0.0) * d[j];
    }
  }

  private void rowDt(double[] grad, int[] oj, double[] f1, double[] f2, double[] d, int c,
      double ex1, double ex2) {
    double tm = tauMem;
    for (int r = 0; r < c; r++) {
      grad[oj[r]] += tm * (f1[r] * ex1 - ex2 / f2[r]) * d[r];
    }
  }

  private void ensure(int s, int nIn, int nOut) {
    if (s >= outputs.length) {
      int grown = Math.max(s + 1, 2 * outputs.length);
      outputs = Arrays.copyOf(outputs, grown);
      f1 = Arrays.copyOf(f1, grown);
      f2 = Arrays.copyOf(f2, grown);
      time = Arrays.copyOf(time, grown);
      delta = Arrays.copyOf(delta, grown);
      count = Arrays.copyOf(count, grown);
      e1 = Arrays.copyOf(e1, grown);
      e2 = Arrays.copyOf(e2, grown);
      tin = Arrays.copyOf(tin, grown);
      denseF1 = Arrays.copyOf(denseF1, grown);
      denseT = Arrays.copyOf(denseT, grown);
      denseD = Arrays.copyOf(denseD, grown);
      dense = Arrays.copyOf(dense, grown);
    }
    if (outputs[s] == null || outputs[s].length < nOut) {
      outputs[s] = new int[nOut];
      f1[s] = new double[nOut];
      f2[s] = new double[nOut];
      time[s] = new double[nOut];
      delta[s] = new double[nOut];
      denseF1[s] = new double[nOut];
      denseT[s] = new double[nOut];
      denseD[s] = new double[nOut];
    }
    if (count[s] == null || count[s].length < nIn) {
      count[s] = new int[nIn];
      e1[s] = new double[nIn];
      e2[s] = new double[nIn];
      tin[s] = new double[nIn];
    }
  }
}
