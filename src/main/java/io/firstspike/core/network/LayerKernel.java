package io.firstspike.core.network;

import io.firstspike.core.math.IndexSort;
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
 * <p>One kernel per thread: it owns scratch buffers that grow to the largest layer and are reused,
 * so the passes do not allocate. Not thread-safe.
 */
public final class LayerKernel {
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

  private final Variant variant;
  final double c;
  final double tauSyn;
  /**
   * 1 / tau_s when tau_s is a power of two (1.0 in every shipped config): then x * (1 / tau_s)
   * equals x / tau_s bit for bit, and the hot loops multiply instead of divide.
   */
  private final double invTauSyn;
  private final double tauMem;
  private final double leak;
  private final double threshold;
  private final double gLeak;
  /** The screen rejects an interval whose membrane maximum is below this; -Infinity = no screen. */
  final double screenLevel;

  int[] order = new int[0];
  private int[] tmp = new int[0];
  double[] ts = new double[0];
  private double[] tmpKey = new double[0];
  private int[] counts = new int[0];
  double[] e1 = new double[0];
  /** et: t exp(t/tau)/tau; dt: exp(t/tau_m). */
  double[] e2 = new double[0];
  /** et: x = t/tau; dt: y = exp(-t/tau_m). */
  double[] xy = new double[0];
  /** et: x - 1 and exp(-x); unused for dt. */
  double[] xm1 = new double[0];

  double[] em = new double[0];
  int[] act = new int[0];
  double[] s1 = new double[0];
  double[] s2 = new double[0];
  /** Neurons flagged by a block's bound, then those with a candidate (see walkFlagged). */
  int[] flagged = new int[0];

  int[] candPrefix = new int[0];
  double[] candA = new double[0];
  double[] candB = new double[0];
  double[] candW = new double[0];
  double[] candT = new double[0];
  /** The sums after a block, while s1 and s2 still hold those before it; swapped after it. */
  double[] s1n = new double[0];

  double[] s2n = new double[0];
  /** Weight sums of the final group of equal times, per output. */
  private double[] gsum = new double[0];
  /** Position of neuron j in the active list. */
  private int[] pos = new int[0];
  /** 1.0 while neuron j is active, 0.0 once it fired (a factor in the vector loop). */
  double[] alive = new double[0];
  /** Upper bound of each neuron's scaled membrane over the current interval. */
  double[] bound = new double[0];
  /** The Euler pass's charge buffer, reused. */
  private double[] charge = new double[0];
  /** The blocked et pass for wide layers, over this kernel's scratch. */
  private final BlockedEt blocked = new BlockedEt(this);

  /** A kernel for neurons with these parameters (variant checked here). */
  public LayerKernel(NeuronParams params) {
    this(params, true);
  }

  /** @param screen false evaluates every candidate (for tests that the screen changes nothing) */
  LayerKernel(NeuronParams params, boolean screen) {
    this.variant = params.variant();
    this.c = params.c();
    this.tauSyn = params.tauSyn();
    double tau = params.tauSyn();
    boolean powerOfTwo = tau > 0 && Double.isFinite(tau)
        && tau == Math.scalb(1.0, Math.getExponent(tau)) && Math.getExponent(tau) > -1000;
    this.invTauSyn = powerOfTwo ? 1.0 / tau : Double.NaN;
    this.tauMem = params.tauMem();
    this.leak = params.leak();
    this.threshold = params.threshold();
    this.gLeak = params.gLeak();
    this.screenLevel = screen && c > 0 ? c * (1.0 - SCREEN_MARGIN) : Double.NEGATIVE_INFINITY;
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
    int nOut = out.length;
    int nFin = prepare(in, w, nOut, cache, sample, layer);
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
    boolean useBlocks = et && rows != null && rowMaxPos != null && nFin >= BLOCK_FROM
        && screenLevel > Double.NEGATIVE_INFINITY;
    for (int k = 0; k < nFin && nAct > 0; k++) {
      int row = order[k] * nOut;
      double ek = e1[k];
      double fk = e2[k];
      if (k == groupStart) {
        addFinalGroup(w, rows, columnSums, k, nFin, in.length, nOut, nAct);
        k = nFin - 1;
        nAct = et ? screenEt(k, true, nAct, out, cache, sample, nOut)
            : screenDt(k, true, nAct, out, cache, sample, nOut);
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
            ? sumsAndBoundEt(rows != null ? rows[order[k]] : w, rows != null ? 0 : row, ek, fk,
                k, nAct, out, cache, sample, nOut)
            : sparseSumsAndBoundEt(w, row, ek, fk, k, nAct, out, cache, sample, nOut);
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
      nAct = et ? screenEt(k, last, nAct, out, cache, sample, nOut)
          : screenDt(k, last, nAct, out, cache, sample, nOut);
    }
  }

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
  private int sumsAndBoundEt(double[] w, int row, double ek, double fk, int k, int nAct,
      double[] out, LayerCache cache, int sample, int nOut) {
    double half = 0.5 * em[k];
    double xs = xy[k] + xy[k + 1];
    double dx = xy[k + 1] - xy[k];
    double[] sa = s1;
    double[] sb = s2;
    double[] bnd = bound;
    double[] alv = alive;
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
    double boundLevel = c * (1.0 - 2.0 * SCREEN_MARGIN);
    int nCand = 0;
    for (int j = 0; j < nOut; j++) {
      if (bound[j] >= boundLevel && !screenedEt(s1[j], s2[j], k, screenLevel)) {
        flagged[nCand++] = j;
      }
    }
    return candidatesEt(nCand, k, false, nAct, out, cache, sample, nOut);
  }

  /**
   * Evaluates the et candidates of the neurons flagged[0..nCand-1] at prefix k (sums in s1, s2):
   * first all closed forms, in a loop whose iterations are independent, so that the latency of
   * one Lambert W (exp, sqrt, log, divisions) overlaps the next; then the validity tests in order.
   *
   * @return the new number of active neurons
   */
  private int candidatesEt(int nCand, int k, boolean last, int nAct, double[] out,
      LayerCache cache, int sample, int nOut) {
    for (int q = 0; q < nCand; q++) {
      int j = flagged[q];
      double a = s1[j];
      double b = s2[j];
      double lw = LambertW.w0(EqualTime.lambertArgument(a, b, c));
      candW[q] = lw;
      candT[q] = EqualTime.time(a, b, lw, tauSyn);
    }
    double lo = ts[k];
    double hi = last ? Double.POSITIVE_INFINITY : ts[k + 1];
    for (int q = 0; q < nCand; q++) {
      double t = candT[q];
      // last: t >= ts[k] alone (t = +Infinity included, as in candidateEt)
      if (t >= lo && (last || t <= hi)) {
        int j = flagged[q];
        fire(j, k, t, s1[j], s2[j], candW[q], out, cache, sample, nOut);
        nAct = deactivate(j, nAct);
      }
    }
    return nAct;
  }

  /**
   * {@link #sumsAndBoundEt} for few active neurons: the same sums and bound, over the active
   * list only, with the bound tested inline.
   */
  private int sparseSumsAndBoundEt(double[] w, int row, double ek, double fk, int k, int nAct,
      double[] out, LayerCache cache, int sample, int nOut) {
    double half = 0.5 * em[k];
    double xs = xy[k] + xy[k + 1];
    double dx = xy[k + 1] - xy[k];
    double boundLevel = c * (1.0 - 2.0 * SCREEN_MARGIN);
    for (int q = 0; q < nAct; ) {
      int j = act[q];
      double wv = w[row + j];
      double a = s1[j] + wv * ek;
      double b = s2[j] + wv * fk;
      s1[j] = a;
      s2[j] = b;
      if (half * (a * xs + Math.abs(a) * dx - 2.0 * b) >= boundLevel && screenAndTestEt(j, k, out,
          cache, sample, nOut)) {
        nAct = deactivate(j, nAct); // the last active neuron moved to q: visit q again
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
  boolean screenedEt(double a, double b, int p, double level) {
    double bt = b + EqualTime.EPS;
    return em[p] * (a * xy[p] - bt) < level && em[p + 1] * (a * xy[p + 1] - bt) < level
        && !(a > 0 && xm1[p] * a < bt && bt < xm1[p + 1] * a);
  }

  /** Records neuron j's spike at time t from the first p+1 sorted inputs. */
  void fire(int j, int p, double t, double a, double b, double lw, double[] out,
      LayerCache cache, int sample, int nOut) {
    out[j] = t;
    if (cache != null) {
      int s = sample * nOut + j;
      cache.count[s] = p + 1;
      cache.sum1[s] = a;
      cache.sum2[s] = b;
      cache.lambert[s] = lw;
    }
  }

  /** The exact screen of {@link #screenEt} for one neuron at an inner prefix, then the candidate. */
  private boolean screenAndTestEt(int j, int k, double[] out, LayerCache cache, int sample,
      int nOut) {
    return !screenedEt(s1[j], s2[j], k, screenLevel)
        && candidateEt(j, k, false, out, cache, sample, nOut);
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
  private int finalGroupStart(int nFin, int nIn) {
    if (nFin < 2 || screenLevel == Double.NEGATIVE_INFINITY) {
      return nFin;
    }
    double t = ts[nFin - 1];
    int g = nFin - 1;
    while (g > 0 && ts[g - 1] == t) {
      g--;
    }
    return 2 * (nFin - g) > nIn ? g : nFin;
  }

  /**
   * Adds the final group (sorted positions g..nFin-1, all at one time) to the running sums of the
   * active neurons: its weight sum is the column sum minus the rows outside the group (the
   * earlier finite inputs and the silent ones), times the group's exp factors. With the row
   * arrays given, the dense subtraction reads them (every access at index j, which the JIT
   * vectorises; at row + j of the flat matrix it stays scalar): the same values, same order.
   */
  private void addFinalGroup(double[] w, double[][] rows, double[] columnSums, int g, int nFin,
      int nIn, int nOut, int nAct) {
    // with row arrays, the vectorised dense loop pays down to few active neurons (full MNIST
    // validation: the gathers of the active-only loop from the flat matrix were a quarter of it)
    boolean dense = nAct * (rows != null ? BLOCK_SPARSE_BELOW : SPARSE_BELOW) >= nOut;
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
   * Runs the et screen over the active neurons at prefix k and tests the candidates that pass;
   * returns the new number of active neurons (fired ones are swapped out of the list).
   */
  private int screenEt(int k, boolean last, int nAct, double[] out, LayerCache cache, int sample,
      int nOut) {
    double level = screenLevel;
    double emk = em[k];
    double xk = xy[k];
    double xm1k = xm1[k];
    double emk1 = last ? 0.0 : em[k + 1];
    double xk1 = last ? 0.0 : xy[k + 1];
    double xm1k1 = last ? Double.POSITIVE_INFINITY : xm1[k + 1];
    int nCand = 0;
    for (int q = 0; q < nAct; q++) {
      int j = act[q];
      double a = s1[j];
      double bt = s2[j] + EqualTime.EPS;
      // Membrane maximum over [t_k, t_k+1] below c: at both ends, and no interior peak
      // (the peak of exp(-x)(a x - b) is at x* = 1 + b / a when a > 0).
      if (!(emk * (a * xk - bt) < level && emk1 * (a * xk1 - bt) < level
          && !(a > 0 && xm1k * a < bt && bt < xm1k1 * a))) {
        flagged[nCand++] = j;
      }
    }
    return candidatesEt(nCand, k, last, nAct, out, cache, sample, nOut);
  }

  /** The dt counterpart of {@link #screenEt}, in y = exp(-t / tau_m). */
  private int screenDt(int k, boolean last, int nAct, double[] out, LayerCache cache, int sample,
      int nOut) {
    double level = screenLevel;
    double yk = xy[k];
    double yk1 = last ? 0.0 : xy[k + 1];
    for (int q = 0; q < nAct; ) {
      int j = act[q];
      double a1t = s1[j] + DoubleTime.EPS;
      double a2 = s2[j];
      // h(y) = y (a2 - a1 y) below c at both ends, and no interior peak (at y* = a2 / (2 a1)).
      if (yk * (a2 - a1t * yk) < level && yk1 * (a2 - a1t * yk1) < level
          && !(a1t > 0 && 2.0 * a1t * yk1 < a2 && a2 < 2.0 * a1t * yk)) {
        q++;
      } else if (candidateDt(j, k, last, out, cache, sample, nOut)) {
        nAct = deactivate(j, nAct);
      } else {
        q++;
      }
    }
    return nAct;
  }

  /** Evaluates the et candidate of neuron j for the set of the first k+1 sorted inputs. */
  private boolean candidateEt(
      int j, int k, boolean last, double[] out, LayerCache cache, int sample, int nOut) {
    return candidateEt(j, k, last, s1[j], s2[j], out, cache, sample, nOut);
  }

  /** {@link #candidateEt} with the set's sums given. */
  boolean candidateEt(int j, int k, boolean last, double a, double b, double[] out,
      LayerCache cache, int sample, int nOut) {
    double lw = LambertW.w0(EqualTime.lambertArgument(a, b, c));
    double t = EqualTime.time(a, b, lw, tauSyn);
    if (t >= ts[k] && (last || t <= ts[k + 1])) {
      fire(j, k, t, a, b, lw, out, cache, sample, nOut);
      return true;
    }
    return false;
  }

  /** Evaluates the dt candidate of neuron j for the set of the first k+1 sorted inputs. */
  private boolean candidateDt(
      int j, int k, boolean last, double[] out, LayerCache cache, int sample, int nOut) {
    double a1 = s1[j];
    double a2 = s2[j];
    double t = DoubleTime.spikeTime(a1, a2, c, tauSyn);
    if (t >= ts[k] && (last || t <= ts[k + 1])) {
      out[j] = t;
      if (cache != null) {
        int s = sample * nOut + j;
        cache.count[s] = k + 1;
        cache.sum1[s] = a1;
        cache.sum2[s] = a2;
      }
      return true;
    }
    return false;
  }

  /**
   * Euler forward pass of one sample ({@code use_forward_integrator}), see {@link EulerLayer} for
   * the exact scheme and its quirks. The cache holds no causal sets, so the backward pass rebuilds
   * them from the output times.
   */
  public void forwardEuler(double[] in, double[] w, double[] out, LayerCache cache, int sample,
      int layer, double simTime, double resolution) {
    prepare(in, w, out.length, cache, sample, layer);
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
   * Validates the sample's inputs, sorts them (finite ascending, +Infinity last), fills the
   * per-position scratch and the cache's input part, and returns the number of finite inputs.
   */
  private int prepare(double[] in, double[] w, int nOut, LayerCache cache, int sample, int layer) {
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
      double e = Math.exp(x);
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
  private double overTau(double v) {
    return invTauSyn == invTauSyn ? v * invTauSyn : v / tauSyn;
  }

  private void ensure(int nIn, int nOut) {
    if (order.length < nIn) {
      order = new int[nIn];
      tmp = new int[nIn];
      ts = new double[nIn];
      tmpKey = new double[nIn];
      counts = new int[(IndexSort.BUCKETS_PER_KEY + 1) * nIn + 1];
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
