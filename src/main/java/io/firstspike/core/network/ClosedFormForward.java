package io.firstspike.core.network;

import io.firstspike.core.neuron.Variant;
import java.util.Arrays;

/**
 * The exact (closed-form) forward passes of the 2021 model on shared input times
 * (TTFS-MODEL.md sections 2 and 6): four registered passes over one driver, which differ only in
 * the loops they may take; times, causal sets and sums are the same bits in all of them.
 *
 * <p>The driver sorts the input times once, then walks the prefixes (causal sets) in time order
 * with running sums for every output neuron still silent; the first valid candidate is the spike
 * time (valid: T_n >= t_(n) and (n == N or T_n <= t_(n+1))). Cost O(N log N + N M). A cheap
 * screen skips the closed form where the membrane provably stays below threshold over the
 * interval [t_(n), t_(n+1)]: the candidate lies in the interval only if the scaled membrane of
 * that set reaches c somewhere in it, so its maximum there (at an end or at the single interior
 * extremum) is compared with c minus a margin of {@link PrefixSteps#SCREEN_MARGIN} c. Lambert W
 * (et) or the root (dt) is evaluated only where that test passes, and the validity test then
 * decides exactly.
 *
 * <p>Equal input times (the 16x16 and full MNIST encodings have hundreds: every background
 * pixel spikes at the same time) are screened once, at the last prefix of their group: a prefix
 * ending inside the group has the degenerate interval [t, t], so its candidate is valid only if
 * T equals t exactly; the membrane at t does not depend on which of the simultaneous inputs are
 * counted (each contributes w (t - t_i) exp(...) = 0 there), so a crossing at t is the group's
 * last candidate too. Skipping the inner prefixes cut the screens of a full-MNIST sample by
 * 87%. ({@link #UNSCREENED} still visits every prefix.) A final group larger than
 * 1 / {@link PassPolicy#FINAL_GROUP_SHARE} of the inputs is added in one step from the column
 * sums of the {@link PreparedWeights}, when given.
 *
 * <p>With {@link LayerBatch#inExp} given, the inputs' exp factors are read instead of computed;
 * with {@link LayerBatch#outExp}, an et spike's factor is written from its closed form without
 * an exp: with T = tau_s (b / a - W) and W e^W = z = -(c / a) e^(b / a),
 *
 * <pre>  exp(T / tau_s) = e^(b / a) e^(-W) = (-z a / c) (W / z) = -a W / c,</pre>
 *
 * which differs from Math.exp(T / tau_s) by a few ulps (W's error and two roundings), far
 * inside the golden tolerance. For Yin-Yang's label layer the 121 exps were 15% of its pass.
 */
final class ClosedFormForward implements LayerPass.Forward {
  /** The per-prefix walk (dense or, with few active neurons, sparse sums), et and dt. */
  static final ClosedFormForward PREFIX = new ClosedFormForward("prefix", false, false, true);

  /**
   * The per-prefix walk with blocks of {@link PassPolicy#BLOCK} prefixes ({@link BlockedEt}),
   * et, from {@link PassPolicy#BLOCK_FROM} finite inputs on; needs row copies, which layers of
   * at least {@link PassPolicy#ROW_COPIES_FROM} weights get.
   */
  static final ClosedFormForward BLOCKED = new ClosedFormForward("blocked", true, false, true);

  /**
   * Neuron by neuron ({@link NarrowEt}), et, for at most {@link PassPolicy#NARROW_MAX_WIDTH}
   * neurons; a sample whose final group of equal times takes the column-sum shortcut goes the
   * blocked walk (with row copies) or the per-prefix walk instead.
   */
  static final ClosedFormForward NARROW = new ClosedFormForward("narrow", true, true, true);

  /** Every candidate of every prefix evaluated, no screen and no shortcut: for the tests. */
  static final ClosedFormForward UNSCREENED = new ClosedFormForward("unscreened", false, false,
      false);

  private final String name;
  private final boolean blocks;
  private final boolean narrow;
  private final boolean screen;

  private ClosedFormForward(String name, boolean blocks, boolean narrow, boolean screen) {
    this.name = name;
    this.blocks = blocks;
    this.narrow = narrow;
    this.screen = screen;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean supports(LayerComputation computation) {
    return computation.euler() == null && computation.release2021Shared()
        && (computation.variant() == Variant.ET || !(blocks || narrow))
        && (!narrow || computation.neurons() <= PassPolicy.NARROW_MAX_WIDTH)
        && (!blocks || narrow || computation.weights() >= PassPolicy.ROW_COPIES_FROM);
  }

  @Override
  public void forward(LayerBatch layer, int sample, LayerScratch s) {
    double[] in = layer.in()[sample];
    double[] out = layer.out()[sample];
    double[] w = layer.weights();
    PreparedWeights prepared = layer.prepared();
    double[] columnSums = prepared == null ? null : prepared.columnSums;
    double[][] rows = prepared == null ? null : prepared.rows;
    double[] rowMaxPos = prepared == null ? null : prepared.rowMaxPos;
    if (blocks && !narrow && rows == null) {
      throw new IllegalArgumentException("layer " + layer.index() + ": the blocked pass needs "
          + "row copies (PreparedWeights with rowCopies)");
    }
    LayerCache cache = layer.cache();
    double[] inExp = layer.inExp() == null ? null : layer.inExp()[sample];
    double[] outExp = layer.outExp() == null ? null : layer.outExp()[sample];
    int nOut = out.length;
    boolean et = s.variant == Variant.ET;
    if (outExp != null && !et) {
      throw new IllegalArgumentException("layer " + layer.index() + ": output exp factors come "
          + "from Lambert W, which only the et variant has");
    }
    s.screenLevel = screen ? s.screenOn : Double.NEGATIVE_INFINITY;
    int nFin = s.prepare(in, w, nOut, cache, sample, layer.index(), inExp);
    s.outExp = outExp;
    if (outExp != null) {
      Arrays.fill(outExp, 0, nOut, Double.POSITIVE_INFINITY);
    }
    if (cache != null) {
      cache.integrated = false;
    }
    int groupStart = columnSums == null ? nFin : s.finalGroupStart(nFin, in.length);
    double[] s1 = s.s1;
    double[] s2 = s.s2;
    for (int j = 0; j < nOut; j++) {
      s1[j] = 0;
      s2[j] = 0;
      s.act[j] = j;
      s.pos[j] = j;
      s.alive[j] = 1.0;
      out[j] = Double.POSITIVE_INFINITY;
    }
    boolean screened = s.screenLevel > Double.NEGATIVE_INFINITY;
    if (narrow && et && nOut <= PassPolicy.NARROW_MAX_WIDTH && groupStart == nFin && screened) {
      if (PathCounts.ON) {
        PathCounts.hit(PathCounts.Path.NARROW_WALK);
      }
      NarrowEt.forward(s, w, nFin, out, cache, sample, nOut);
      return;
    }
    walk(s, w, columnSums, rows, rowMaxPos, in.length, nFin, groupStart, out, cache, sample);
  }

  /** The prefix walk over the nFin sorted finite inputs (see the class comment). */
  private void walk(LayerScratch s, double[] w, double[] columnSums, double[][] rows,
      double[] rowMaxPos, int nIn, int nFin, int groupStart, double[] out, LayerCache cache,
      int sample) {
    int nOut = out.length;
    int nAct = nOut;
    boolean et = s.variant == Variant.ET;
    boolean screened = s.screenLevel > Double.NEGATIVE_INFINITY;
    boolean useBlocks = blocks && et && rows != null && rowMaxPos != null
        && nFin >= PassPolicy.BLOCK_FROM && screened;
    int[] order = s.order;
    double[] e1 = s.e1;
    double[] e2 = s.e2;
    double[] ts = s.ts;
    for (int k = 0; k < nFin && nAct > 0; k++) {
      int row = order[k] * nOut;
      double ek = e1[k];
      double fk = e2[k];
      if (k == groupStart) {
        if (PathCounts.ON) {
          PathCounts.hit(PathCounts.Path.FINAL_GROUP);
        }
        s.addFinalGroup(w, rows, columnSums, k, nFin, nIn, nOut, nAct);
        k = nFin - 1;
        nAct = et ? PrefixSteps.screenEt(s, k, true, nAct, out, cache, sample, nOut)
            : PrefixSteps.screenDt(s, k, true, nAct, out, cache, sample, nOut);
        break;
      }
      if (useBlocks && k + PassPolicy.BLOCK < nFin && k + PassPolicy.BLOCK <= groupStart) {
        nAct = BlockedEt.blockEt(s, w, rows, rowMaxPos, k, nAct, out, cache, sample, nOut);
        k += PassPolicy.BLOCK - 1;
        continue;
      }
      boolean last = k + 1 == nFin;
      if (et && !last && ts[k + 1] != ts[k] && screened) {
        if (PathCounts.ON) {
          PathCounts.hit(nAct * PassPolicy.SPARSE_BELOW >= nOut
              ? PathCounts.Path.PREFIX_BOUND_DENSE : PathCounts.Path.PREFIX_BOUND_SPARSE);
        }
        nAct = nAct * PassPolicy.SPARSE_BELOW >= nOut
            ? PrefixSteps.sumsAndBoundEt(s, rows != null ? rows[order[k]] : w,
                rows != null ? 0 : row, ek, fk, k, nAct, out, cache, sample, nOut)
            : PrefixSteps.sparseSumsAndBoundEt(s, w, row, ek, fk, k, nAct, out, cache, sample,
                nOut);
        continue;
      }
      double[] s1 = s.s1;
      double[] s2 = s.s2;
      if (PathCounts.ON) {
        PathCounts.hit(nAct * PassPolicy.SPARSE_BELOW >= nOut ? PathCounts.Path.SUMS_DENSE
            : PathCounts.Path.SUMS_SPARSE);
      }
      if (nAct * PassPolicy.SPARSE_BELOW >= nOut) {
        // All neurons, fired or not: a contiguous loop the JIT vectorizes, cheaper than the
        // indirect one over the active neurons (fired neurons' sums are never read again).
        for (int j = 0; j < nOut; j++) {
          double wv = w[row + j];
          s1[j] += wv * ek;
          s2[j] += wv * fk;
        }
      } else {
        // Few neurons left: the indirect loop touches only theirs (same sums, same order).
        int[] act = s.act;
        for (int q = 0; q < nAct; q++) {
          int j = act[q];
          double wv = w[row + j];
          s1[j] += wv * ek;
          s2[j] += wv * fk;
        }
      }
      if (!last && ts[k + 1] == ts[k] && screened) {
        continue; // inside a group of equal times: see the class comment
      }
      nAct = et ? PrefixSteps.screenEt(s, k, last, nAct, out, cache, sample, nOut)
          : PrefixSteps.screenDt(s, k, last, nAct, out, cache, sample, nOut);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
