package io.firstspike.core.network;

import io.firstspike.core.math.LambertW;
import io.firstspike.core.neuron.DoubleTime;
import io.firstspike.core.neuron.EqualTime;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.Arrays;

/**
 * Forward and backward pass of one layer for one sample (TTFS-MODEL.md sections 2, 3 and 6).
 *
 * <p>Forward: sort the input times once, then walk the prefixes (causal sets) in time order with
 * running sums for every output neuron still silent; the first valid candidate is the spike time
 * (valid: T_n >= t_(n) and (n == N or T_n <= t_(n+1))). Cost O(N log N + N M). A cheap screen
 * skips the closed form where the membrane provably stays below threshold over the interval
 * [t_(n), t_(n+1)]: the candidate lies in the interval only if the scaled membrane of that set
 * reaches c somewhere in it, so its maximum there (at an end or at the single interior extremum)
 * is compared with c minus a margin of {@value #SCREEN_MARGIN} c. Lambert W (et) or the root (dt)
 * is evaluated only where that test passes, and the validity test then decides exactly.
 *
 * <p>Equal input times (the 16x16 and full MNIST encodings have hundreds: every background
 * pixel spikes at the same time) are screened once, at the last prefix of their group: a prefix
 * ending inside the group has the degenerate interval [t, t], so its candidate is valid only if
 * T equals t exactly; the membrane at t does not depend on which of the simultaneous inputs are
 * counted (each contributes w (t - t_i) exp(...) = 0 there), so a crossing at t is the group's
 * last candidate too. Skipping the inner prefixes cut the screens of a full-MNIST sample by
 * 87%. (The unscreened kernel for tests still visits every prefix.)
 *
 * <p>Backward: the causal set of every output is the forward set plus any inputs at exactly the
 * output time; its gradients follow {@link EqualTime} / {@link DoubleTime}, with clipping per
 * sample and neuron ({@code max_dw_norm}).
 *
 * <p>This class drives the passes; the parts live beside it: the scratch state, the sort of
 * the inputs and the final-group shortcut in {@link KernelScratch}, the per-prefix screens and
 * closed forms in {@link PrefixSteps}, the blocked path of wide et layers in {@link BlockedEt},
 * the backward passes in {@link ColumnBackward}, {@link RowMajorBackward} and {@link DeferredRows}.
 *
 * <p>One kernel per thread: it owns scratch buffers that grow to the largest layer and are reused,
 * so the passes do not allocate. Not thread-safe.
 */
public final class LayerKernel extends KernelScratch {
  /** Relative margin of the crossing screen; far above the rounding of the scaled membrane. */
  static final double SCREEN_MARGIN = 1e-8;

  /**
   * The running sums switch from the dense loop over all neurons to the indirect one over the
   * active neurons once fewer than 1 / SPARSE_BELOW of them are active (measured on the full
   * MNIST layer, where a few late neurons would otherwise keep all 350 columns streaming).
   */
  static final int SPARSE_BELOW = 2;

  /**
   * Prefixes per block of {@link BlockedEt#blockEt}: their sums are added in one pass over the
   * neurons and one bound covers all of their intervals, so the neuron arrays are read, written
   * and tested once per block instead of once per input.
   */
  static final int BLOCK = 4;

  /**
   * A block switches to the loop over the active neurons only once fewer than 1 / this of them
   * are active: the dense loops stream whole weight rows, which the hardware prefetches, while
   * the active-only loop gathers scattered weights (for full MNIST, from beyond L2). Since the
   * flag scan visits only the active neurons, the dense block stays as fast down to a few active
   * neurons (full MNIST, A/B: 16 took 0.96-0.98 of the time of 8; 32 and never the same as 16).
   */
  static final int BLOCK_SPARSE_BELOW = 16;

  /** Blocks are used from this many finite inputs on (below, the per-prefix path is as fast). */
  static final int BLOCK_FROM = 16;

  private final double leak;
  private final double threshold;
  private final double gLeak;
  /** The Euler pass's charge buffer, reused. */
  private double[] charge = new double[0];
  /** The per-prefix steps, over this kernel's scratch. */
  final PrefixSteps prefix = new PrefixSteps(this);
  /** The blocked et pass for wide layers, over this kernel's scratch. */
  private final BlockedEt blocked = new BlockedEt(this);
  /** The neuron-by-neuron et pass for narrow layers, over this kernel's scratch. */
  private final NarrowEt narrow = new NarrowEt(this);

  /** A kernel for neurons with these parameters (variant checked here). */
  public LayerKernel(NeuronParams params) {
    this(params, true);
  }

  /** @param screen false evaluates every candidate (for tests that the screen changes nothing) */
  LayerKernel(NeuronParams params, boolean screen) {
    super(params, screen && params.c() > 0 ? params.c() * (1.0 - SCREEN_MARGIN)
        : Double.NEGATIVE_INFINITY);
    this.leak = params.leak();
    this.threshold = params.threshold();
    this.gLeak = params.gLeak();
  }

  public Variant variant() {
    return variant;
  }

  /**
   * Exact (closed-form) forward pass of one sample.
   *
   * @param in input spike times of the sample, bias inputs included (+Infinity = silent)
   * @param w row-major weights, in.length x out.length
   * @param out receives the output spike times (+Infinity = no spike)
   * @param cache receives what the backward pass needs (may be null for inference)
   * @param sample slot in the cache, and the sample named in error messages
   * @param layer the layer named in error messages
   */
  public void forward(double[] in, double[] w, double[] out, LayerCache cache, int sample, int layer) {
    forward(in, w, null, out, cache, sample, layer);
  }

  /**
   * {@link #forward(double[], double[], double[], LayerCache, int, int)} with the column sums of
   * the weights, which let a large final group of equal input times be added in one step:
   *
   * <pre>  sum over the group of w_ij = columnSums_j - sum over the other rows of w_ij</pre>
   *
   * <p>used when the group holds more than half of the inputs (every background pixel of a full
   * MNIST image spikes at 2.0, about 80% of them), so the other rows are fewer to read. The sums
   * then differ from input-by-input accumulation by rounding only (about 1e-15 relative).
   *
   * @param columnSums sum_i w[i * nOut + j] over all rows, per output j; null = never
   */
  public void forward(double[] in, double[] w, double[] columnSums, double[] out, LayerCache cache,
      int sample, int layer) {
    forward(in, w, columnSums, null, null, out, cache, sample, layer);
  }

  /**
   * {@link #forward(double[], double[], double[], double[], LayerCache, int, int)} with the weights
   * also given as one array per input row and each row's largest positive weight, which enable the
   * blocked pass of {@link BlockedEt#blockEt} (et, at least {@value #BLOCK_FROM} finite inputs).
   * Separate row arrays let the JIT vectorise the block's loops (all accesses at the same index
   * j); with offsets into one flat array it cannot rule out aliasing and stays scalar.
   *
   * @param rows rows[i][j] == w[i * nOut + j]; null = no blocks
   * @param rowMaxPos max(0, max_j w[i * nOut + j]) per row i; null = no blocks
   */
  public void forward(double[] in, double[] w, double[] columnSums, double[][] rows,
      double[] rowMaxPos, double[] out, LayerCache cache, int sample, int layer) {
    forward(in, w, columnSums, rows, rowMaxPos, out, cache, sample, layer, null, null);
  }

  /**
   * {@link #forward(double[], double[], double[], double[][], double[], double[], LayerCache,
   * int, int)} with the inputs' exp factors given and the outputs' written (et only), so that
   * a network's layers pass them on instead of each computing exp(t_i / tau_s) of its inputs.
   * An et spike's factor follows from its closed form without an exp: with T = tau_s (b / a - W)
   * and W e^W = z = -(c / a) e^(b / a),
   *
   * <pre>  exp(T / tau_s) = e^(b / a) e^(-W) = (-z a / c) (W / z) = -a W / c,</pre>
   *
   * which differs from Math.exp(T / tau_s) by a few ulps (W's error and two roundings), far
   * inside the golden tolerance. For Yin-Yang's label layer the 121 exps were 15% of its pass.
   *
   * @param inExp exp(in[i] / tau_s) per input i (read for the finite ones), or null to compute
   * @param outExp receives -a W / c per neuron that fires and +Infinity for the others (only
   *     out.length entries are written), or null; et only
   */
  public void forward(double[] in, double[] w, double[] columnSums, double[][] rows,
      double[] rowMaxPos, double[] out, LayerCache cache, int sample, int layer, double[] inExp,
      double[] outExp) {
    int nOut = out.length;
    if (outExp != null && variant != Variant.ET) {
      throw new IllegalArgumentException("layer " + layer + ": output exp factors come from "
          + "Lambert W, which only the et variant has");
    }
    int nFin = prepare(in, w, nOut, cache, sample, layer, inExp);
    this.outExp = outExp;
    if (outExp != null) {
      Arrays.fill(outExp, 0, nOut, Double.POSITIVE_INFINITY);
    }
    if (cache != null) {
      cache.integrated = false;
    }
    int groupStart = columnSums == null ? nFin : finalGroupStart(nFin, in.length);
    for (int j = 0; j < nOut; j++) {
      s1[j] = 0;
      s2[j] = 0;
      act[j] = j;
      pos[j] = j;
      alive[j] = 1.0;
      out[j] = Double.POSITIVE_INFINITY;
    }
    int nAct = nOut;
    boolean et = variant == Variant.ET;
    if (et && nOut <= NarrowEt.MAX_WIDTH && groupStart == nFin
        && screenLevel > Double.NEGATIVE_INFINITY) {
      narrow.forward(w, nFin, out, cache, sample, nOut);
      return;
    }
    boolean useBlocks = et && rows != null && rowMaxPos != null && nFin >= BLOCK_FROM
        && screenLevel > Double.NEGATIVE_INFINITY;
    for (int k = 0; k < nFin && nAct > 0; k++) {
      int row = order[k] * nOut;
      double ek = e1[k];
      double fk = e2[k];
      if (k == groupStart) {
        addFinalGroup(w, rows, columnSums, k, nFin, in.length, nOut, nAct);
        k = nFin - 1;
        nAct = et ? prefix.screenEt(k, true, nAct, out, cache, sample, nOut)
            : prefix.screenDt(k, true, nAct, out, cache, sample, nOut);
        break;
      }
      if (useBlocks && k + BLOCK < nFin && k + BLOCK <= groupStart) {
        nAct = blocked.blockEt(w, rows, rowMaxPos, k, nAct, out, cache, sample, nOut);
        k += BLOCK - 1;
        continue;
      }
      boolean last = k + 1 == nFin;
      if (et && !last && ts[k + 1] != ts[k] && screenLevel > Double.NEGATIVE_INFINITY) {
        nAct = nAct * SPARSE_BELOW >= nOut
            ? prefix.sumsAndBoundEt(rows != null ? rows[order[k]] : w, rows != null ? 0 : row, ek, fk,
                k, nAct, out, cache, sample, nOut)
            : prefix.sparseSumsAndBoundEt(w, row, ek, fk, k, nAct, out, cache, sample, nOut);
        continue;
      }
      if (nAct * SPARSE_BELOW >= nOut) {
        // All neurons, fired or not: a contiguous loop the JIT vectorizes, cheaper than the
        // indirect one over the active neurons (fired neurons' sums are never read again).
        for (int j = 0; j < nOut; j++) {
          double wv = w[row + j];
          s1[j] += wv * ek;
          s2[j] += wv * fk;
        }
      } else {
        // Few neurons left: the indirect loop touches only theirs (same sums, same order).
        for (int q = 0; q < nAct; q++) {
          int j = act[q];
          double wv = w[row + j];
          s1[j] += wv * ek;
          s2[j] += wv * fk;
        }
      }
      if (!last && ts[k + 1] == ts[k] && screenLevel > Double.NEGATIVE_INFINITY) {
        continue; // inside a group of equal times: see the class comment
      }
      nAct = et ? prefix.screenEt(k, last, nAct, out, cache, sample, nOut)
          : prefix.screenDt(k, last, nAct, out, cache, sample, nOut);
    }
  }

  /**
   * Euler forward pass of one sample ({@code use_forward_integrator}), see {@link EulerLayer} for
   * the exact scheme and its quirks. The cache holds no causal sets, so the backward pass rebuilds
   * them from the output times.
   */
  public void forwardEuler(double[] in, double[] w, double[] out, LayerCache cache, int sample,
      int layer, double simTime, double resolution) {
    prepare(in, w, out.length, cache, sample, layer);
    if (cache != null) {
      cache.integrated = true;
    }
    charge = EulerLayer.simulate(in, w, out, simTime, resolution, tauSyn, gLeak, leak, threshold,
        charge);
  }

  /**
   * Exact backward pass of one sample: adds the (clipped) weight gradient dT_j/dw_ij delta_j to
   * {@code grad} and writes the propagated error delta_i = sum_j dT_j/dt_i delta_j. Wide layers
   * ({@link RowMajorBackward#pays}) walk the weights row by row, the others column by column
   * ({@link #backwardColumns}); both give the same bits.
   *
   * @param in, w, out the sample's inputs, the weights and outputs of the forward pass
   * @param delta dL/dT_j of this layer's outputs (NaN counts as 0)
   * @param cache filled by the forward pass of this sample
   * @param maxDwNorm clipping bound; +Infinity disables clipping
   * @param grad row-major accumulator, in.length x out.length
   * @param deltaIn receives dL/dt_i for every input, or null if not needed
   * @throws ArithmeticException if a gradient or propagated error is NaN or infinite
   */
  public void backward(double[] in, double[] w, double[] out, double[] delta, LayerCache cache,
      int sample, int layer, double maxDwNorm, double[] grad, double[] deltaIn) {
    if (RowMajorBackward.pays(in.length, out.length)) {
      if (rows == null) {
        rows = new RowMajorBackward(variant, c, tauSyn, invTauSyn, tauMem);
      }
      rows.backward(in, w, out, delta, cache, sample, layer, maxDwNorm, grad, deltaIn);
    } else {
      backwardColumns(in, w, out, delta, cache, sample, layer, maxDwNorm, grad, deltaIn);
    }
  }

  /** The row-major backward pass of wide layers, made on first use (see {@link #backward}). */
  private RowMajorBackward rows;
  /** First-layer samples whose weight gradients wait for {@link #flushBackward}. */
  private DeferredRows deferred;

  /** True if {@link #deferBackward} takes a layer of this shape (the wide ones). */
  public static boolean defersBackward(int nIn, int nOut) {
    return RowMajorBackward.pays(nIn, nOut);
  }

  /**
   * {@link #backward} of one sample without propagated error (the first layer), deferred: the
   * causal sets, clipping and finiteness checks now (same exceptions), the weight gradient when
   * {@link #flushBackward} adds all deferred samples in one sweep over the rows of the gradient
   * (see {@link DeferredRows}). Only for shapes where {@link #defersBackward} is true.
   */
  public void deferBackward(double[] in, double[] w, double[] out, double[] delta,
      LayerCache cache, int sample, int layer, double maxDwNorm) {
    if (!defersBackward(in.length, out.length)) {
      throw new IllegalArgumentException("layer " + layer + ": deferBackward is for wide layers "
          + "(defersBackward), not " + in.length + " x " + out.length + "; use backward");
    }
    if (rows == null) {
      rows = new RowMajorBackward(variant, c, tauSyn, invTauSyn, tauMem);
    }
    if (deferred == null) {
      deferred = new DeferredRows(variant == Variant.ET, tauMem);
    }
    rows.defer(in, w, out, delta, cache, sample, layer, maxDwNorm, deferred);
  }

  /**
   * Adds the weight gradients of the samples deferred since the last flush to grad (row-major,
   * in.length x out.length of those samples), in the order they were deferred: the same bits as
   * calling {@link #backward} for each of them in that order.
   */
  public void flushBackward(double[] grad) {
    if (deferred != null) {
      deferred.flush(grad, false);
    }
  }

  /**
   * {@link #flushBackward} into a buffer whose contents are replaced: grad's first in.length x
   * out.length entries become the deferred samples' gradient sum (all zeros if none waits), the
   * same bits as flushing into a zeroed buffer, without zeroing it first.
   */
  public void flushBackwardInto(double[] grad) {
    if (deferred != null) {
      deferred.flush(grad, true);
    } else {
      Arrays.fill(grad, 0.0);
    }
  }

  /** Drops deferred samples without adding them (after an exception cut a run short). */
  public void discardDeferred() {
    if (deferred != null) {
      deferred.clear();
    }
  }

  /**
   * {@link #backward} as a walk over the outputs j and their causal inputs ({@link ColumnBackward}):
   * the path of small layers, and the reference the tests compare the row-major path with.
   */
  void backwardColumns(double[] in, double[] w, double[] out, double[] delta, LayerCache cache,
      int sample, int layer, double maxDwNorm, double[] grad, double[] deltaIn) {
    if (columns == null) {
      columns = new ColumnBackward(variant, c, tauSyn, invTauSyn, tauMem);
    }
    columns.backward(in, w, out, delta, cache, sample, layer, maxDwNorm, grad, deltaIn);
  }

  /** The column-walk backward pass, made on first use. */
  private ColumnBackward columns;

  /**
   * How many spikes of an Euler forward pass ({@code use_forward_integrator}) this kernel's
   * backward passes have skipped, since it was made. The exact backward pass evaluates the closed
   * form's derivative at the simulated spike time (TTFS-MODEL.md section 6); where the simulation
   * crossed the threshold but the exact membrane of the same causal set does not (Lambert W's
   * argument below -1/e, or the dt root's discriminant negative; the step's overshoot near a
   * grazing peak), that derivative does not exist. Such a spike gets no weight gradient and
   * passes no error down, for that sample, as if clipped. With the exact forward pass every
   * spike is a closed-form crossing, and a non-finite gradient stays an error.
   */
  public long integratorSkips() {
    return (columns == null ? 0 : columns.integratorSkips)
        + (rows == null ? 0 : rows.integratorSkips);
  }
}
