package io.firstspike.core.network;

import io.firstspike.core.math.IndexSort;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.Arrays;

/**
 * The working state of the fast layer passes on one thread, for one neuron model: the model's
 * constants that the hot loops read beside the buffers, the buffers of the forward passes (the
 * sorted inputs with their exp factors, the running sums, the active list, the candidates), the
 * Euler pass's charge, and the backward walkers with their own buffers; plus the bookkeeping on
 * these buffers that every forward pass shares (the sort and preparation of a sample's inputs,
 * the shortcut for a final group of equal input times, a spike's record). Passed to every
 * {@link LayerPass} call; the engine owns one per thread. The buffers grow to the largest layer
 * and are reused; nothing here allocates per sample. Not thread-safe.
 */
public final class LayerScratch {
  final NeuronParams params;
  final Variant variant;
  final double c;
  final double tauSyn;
  /**
   * 1 / tau_s when tau_s is a power of two (1.0 in every shipped config): then x * (1 / tau_s)
   * equals x / tau_s bit for bit, and the hot loops multiply instead of divide.
   */
  final double invTauSyn;
  final double tauMem;
  /** c (1 - {@link PrefixSteps#SCREEN_MARGIN}), the screen's level when the pass screens. */
  final double screenOn;
  /**
   * The screen rejects an interval whose membrane maximum is below this; -Infinity = no screen.
   * Set by each closed-form forward pass for its sample ({@link ClosedFormForward}).
   */
  double screenLevel;

  // Per sorted position k (finite inputs first, ascending, then the silent ones):
  /** The input index at position k. */
  int[] order = new int[0];
  /** The input time at position k. */
  double[] ts = new double[0];
  /** exp(t/tau_s). */
  double[] e1 = new double[0];
  /** et: t exp(t/tau)/tau; dt: exp(t/tau_m). */
  double[] e2 = new double[0];
  /** et: x = t/tau; dt: y = exp(-t/tau_m). */
  double[] xy = new double[0];
  /** et: x - 1; unused for dt. */
  double[] xm1 = new double[0];
  /** et: exp(-x); unused for dt. */
  double[] em = new double[0];
  private int[] tmp = new int[0];
  private double[] tmpKey = new double[0];
  private int[] counts = new int[0];

  // Per output neuron j:
  /** The running sums of the current prefix. */
  double[] s1 = new double[0];
  double[] s2 = new double[0];
  /** The sums after a block, while s1 and s2 still hold those before it; swapped after it. */
  double[] s1n = new double[0];
  double[] s2n = new double[0];
  /** The active (not yet fired) neurons, in no particular order. */
  int[] act = new int[0];
  /** Position of neuron j in the active list. */
  int[] pos = new int[0];
  /** 1.0 while neuron j is active, 0.0 once it fired (a factor in the vector loop). */
  double[] alive = new double[0];
  /** Upper bound of each neuron's scaled membrane over the current interval. */
  double[] bound = new double[0];
  /** Where the current pass writes its spikes' exp factors, or null (ClosedFormForward). */
  double[] outExp;
  /** Weight sums of the final group of equal times. */
  private double[] gsum = new double[0];

  // Per candidate q of one step (its neuron in flagged[q]):
  /** Neurons flagged by a block's bound, then those with a candidate (see walkFlagged). */
  int[] flagged = new int[0];
  /** The candidate's prefix, sums, Lambert W and time. */
  int[] candPrefix = new int[0];
  double[] candA = new double[0];
  double[] candB = new double[0];
  double[] candW = new double[0];
  double[] candT = new double[0];

  /** The Euler pass's charge buffer, reused. */
  double[] charge = new double[0];

  /** The backward walkers of this thread, made on first use (they own their buffers). */
  private ColumnBackward columnWalk;
  private RowMajorBackward rowWalk;
  private DeferredRows deferred;

  /** Scratch for layers of neurons with these parameters. */
  public LayerScratch(NeuronParams params) {
    this.params = params;
    this.variant = params.variant();
    this.c = params.c();
    this.tauSyn = params.tauSyn();
    double tau = params.tauSyn();
    boolean powerOfTwo = tau > 0 && Double.isFinite(tau)
        && tau == Math.scalb(1.0, Math.getExponent(tau)) && Math.getExponent(tau) > -1000;
    this.invTauSyn = powerOfTwo ? 1.0 / tau : Double.NaN;
    this.tauMem = params.tauMem();
    this.screenOn = params.c() > 0 ? params.c() * (1.0 - PrefixSteps.SCREEN_MARGIN)
        : Double.NEGATIVE_INFINITY;
    this.screenLevel = screenOn;
  }

  /** The column-walk backward pass of this thread (see {@link ExactBackward#COLUMNS}). */
  ColumnBackward columnWalk() {
    if (columnWalk == null) {
      columnWalk = new ColumnBackward(variant, c, tauSyn, invTauSyn, tauMem);
    }
    return columnWalk;
  }

  /** The row-major backward pass of this thread (see {@link ExactBackward#ROWS}). */
  RowMajorBackward rowWalk() {
    if (rowWalk == null) {
      rowWalk = new RowMajorBackward(variant, c, tauSyn, invTauSyn, tauMem);
    }
    return rowWalk;
  }

  /** First-layer samples whose weight gradients wait (see {@link ExactBackward#DEFERRED_ROWS}). */
  DeferredRows deferred() {
    if (deferred == null) {
      deferred = new DeferredRows(variant == Variant.ET, tauMem);
    }
    return deferred;
  }

  /**
   * How many spikes of an Euler forward pass ({@code use_forward_integrator}) this thread's
   * backward passes have skipped, since it was made. The exact backward pass evaluates the closed
   * form's derivative at the simulated spike time (TTFS-MODEL.md section 6); where the simulation
   * crossed the threshold but the exact membrane of the same causal set does not (Lambert W's
   * argument below -1/e, or the dt root's discriminant negative; the step's overshoot near a
   * grazing peak), that derivative does not exist. Such a spike gets no weight gradient and
   * passes no error down, for that sample, as if clipped. With the exact forward pass every
   * spike is a closed-form crossing, and a non-finite gradient stays an error.
   */
  public long integratorSkips() {
    return (columnWalk == null ? 0 : columnWalk.integratorSkips)
        + (rowWalk == null ? 0 : rowWalk.integratorSkips);
  }

  /**
   * Records neuron j's spike at time t from the first p+1 sorted inputs, whose sums are a, b
   * (et: and Lambert W lw; dt has none and passes NaN).
   */
  void fire(int j, int p, double t, double a, double b, double lw, double[] out,
      LayerCache cache, int sample, int nOut) {
    out[j] = t;
    if (outExp != null && t < Double.POSITIVE_INFINITY) {
      outExp[j] = -(a * lw) / c; // exp(t / tau_s): see ClosedFormForward (+Infinity stays)
    }
    if (cache != null) {
      int s = sample * nOut + j;
      cache.count[s] = p + 1;
      cache.sum1[s] = a;
      cache.sum2[s] = b;
      if (cache.lambert != null) {
        cache.lambert[s] = lw;
      }
    }
  }

  /** Removes neuron j from the active list (swap with the last) and returns the new count. */
  int deactivate(int j, int nAct) {
    int q = pos[j];
    int moved = act[--nAct];
    act[q] = moved;
    pos[moved] = q;
    alive[j] = 0.0;
    return nAct;
  }

  /**
   * Where the final group of equal finite times starts, if the column-sum shortcut pays (group
   * larger than all other rows together, screening on); else nFin (never reached).
   */
  int finalGroupStart(int nFin, int nIn) {
    if (nFin < 2 || screenLevel == Double.NEGATIVE_INFINITY) {
      return nFin;
    }
    double t = ts[nFin - 1];
    int g = nFin - 1;
    while (g > 0 && ts[g - 1] == t) {
      g--;
    }
    return PassPolicy.FINAL_GROUP_SHARE * (nFin - g) > nIn ? g : nFin;
  }

  /**
   * Adds the final group (sorted positions g..nFin-1, all at one time) to the running sums of the
   * active neurons: its weight sum is the column sum minus the rows outside the group (the
   * earlier finite inputs and the silent ones), times the group's exp factors. With the row
   * arrays given, the dense subtraction reads them (every access at index j, which the JIT
   * vectorises; at row + j of the flat matrix it stays scalar): the same values, same order.
   */
  void addFinalGroup(double[] w, double[][] rows, double[] columnSums, int g, int nFin,
      int nIn, int nOut, int nAct) {
    // with row arrays, the vectorised dense loop pays down to few active neurons (full MNIST
    // validation: the gathers of the active-only loop from the flat matrix were a quarter of it)
    boolean dense = nAct * (rows != null ? PassPolicy.BLOCK_SPARSE_BELOW : PassPolicy.SPARSE_BELOW) >= nOut;
    for (int j = 0; j < nOut; j++) {
      gsum[j] = columnSums[j];
    }
    for (int p = 0; p < nIn; p++) {
      if (p == g) {
        p = nFin; // skip the group itself
        if (p >= nIn) {
          break;
        }
      }
      int row = order[p] * nOut;
      if (dense && rows != null) {
        double[] r = rows[order[p]];
        double[] gs = gsum;
        for (int j = 0; j < nOut; j++) {
          gs[j] -= r[j];
        }
      } else if (dense) {
        for (int j = 0; j < nOut; j++) {
          gsum[j] -= w[row + j];
        }
      } else {
        for (int q = 0; q < nAct; q++) {
          int j = act[q];
          gsum[j] -= w[row + j];
        }
      }
    }
    double ek = e1[g];
    double fk = e2[g];
    for (int q = 0; q < nAct; q++) {
      int j = act[q];
      s1[j] += gsum[j] * ek;
      s2[j] += gsum[j] * fk;
    }
  }

  /**
   * Validates the sample's inputs, sorts them (finite ascending, +Infinity last), fills the
   * per-position scratch and the cache's input part, and returns the number of finite inputs.
   *
   * @param inExp exp(in[i] / tau_s) per input i (read for the finite ones), or null to compute
   */
  int prepare(double[] in, double[] w, int nOut, LayerCache cache, int sample, int layer,
      double[] inExp) {
    int nIn = in.length;
    if (w.length != nIn * nOut) {
      throw new IllegalArgumentException("layer " + layer + ": " + w.length + " weights for "
          + nIn + " inputs x " + nOut + " outputs; expected " + (nIn * nOut));
    }
    ensure(nIn, nOut);
    int nFin = 0;
    for (int i = 0; i < nIn; i++) {
      double t = in[i];
      if (t < Double.POSITIVE_INFINITY && t > Double.NEGATIVE_INFINITY) {
        ts[nFin] = t;
        order[nFin++] = i;
      } else if (t != Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("layer " + layer + ", sample " + sample + ", input "
            + i + ": spike time " + t + "; expected a finite time or +Infinity (no spike)");
      }
    }
    int q = nFin;
    for (int i = 0; i < nIn; i++) {
      if (in[i] == Double.POSITIVE_INFINITY) {
        order[q++] = i;
      }
    }
    IndexSort.sortPairs(ts, order, nFin, tmpKey, tmp, counts);
    boolean et = variant == Variant.ET;
    for (int k = 0; k < nFin; k++) {
      double t = ts[k];
      double x = overTau(t);
      double e = inExp != null ? inExp[order[k]] : Math.exp(x);
      e1[k] = e;
      if (et) {
        e2[k] = overTau(t * e);
        xy[k] = x;
        xm1[k] = xy[k] - 1.0;
        em[k] = 1.0 / e;
      } else {
        double m = Math.exp(t / tauMem);
        e2[k] = m;
        xy[k] = 1.0 / m;
      }
    }
    if (cache != null) {
      if (cache.nIn != nIn || cache.nOut != nOut || sample < 0 || sample >= cache.batch) {
        throw new IllegalArgumentException("layer " + layer + ": cache for " + cache.batch + " x "
            + cache.nIn + " -> " + cache.nOut + " cannot hold sample " + sample + " of " + nIn
            + " -> " + nOut);
      }
      int base = sample * nIn;
      System.arraycopy(order, 0, cache.order, base, nIn);
      System.arraycopy(e1, 0, cache.expSyn, base, nFin);
      if (!et) {
        System.arraycopy(e2, 0, cache.expMem, base, nFin);
      }
      cache.nFinite[sample] = nFin;
      Arrays.fill(cache.count, sample * nOut, sample * nOut + nOut, 0);
    }
    return nFin;
  }

  /**
   * v / tau_s, as a multiplication when that is exact (see {@link #invTauSyn}). The et
   * derivative above is {@link EqualTime#dTdt} written out so that its final division can go.
   */
  double overTau(double v) {
    return invTauSyn == invTauSyn ? v * invTauSyn : v / tauSyn;
  }

  void ensure(int nIn, int nOut) {
    if (order.length < nIn) {
      order = new int[nIn];
      tmp = new int[nIn];
      ts = new double[nIn];
      tmpKey = new double[nIn];
      counts = new int[IndexSort.countsLength(nIn)];
      e1 = new double[nIn];
      e2 = new double[nIn];
      xy = new double[nIn];
      xm1 = new double[nIn];
      em = new double[nIn];
    }
    if (act.length < nOut) {
      act = new int[nOut];
      s1 = new double[nOut];
      pos = new int[nOut];
      alive = new double[nOut];
      bound = new double[nOut];
      gsum = new double[nOut];
      s2 = new double[nOut];
      s1n = new double[nOut];
      s2n = new double[nOut];
      flagged = new int[nOut + 1];
      candPrefix = new int[nOut];
      candA = new double[nOut];
      candB = new double[nOut];
      candW = new double[nOut];
      candT = new double[nOut];
    }
  }
}
