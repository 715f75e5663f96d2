package io.firstspike.core.layer;

import io.firstspike.core.math.LambertW;
import io.firstspike.core.neuron.DoubleTime;
import io.firstspike.core.neuron.EqualTime;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.RangeRunner;

/**
 * The neuron layer pass for training: {@link ReferenceNeuronPass}'s arithmetic, operation for
 * operation and in the same order (so the same bits, {@code NeuronPassContractTest}), arranged to
 * cost less (DelGrad's Yin-Yang network spends most of a training step here):
 *
 * <ul>
 *   <li>one scratch per chunk of samples instead of arrays per sample;
 *   <li>each neuron's finite input times are insertion-sorted as they are gathered, with their
 *       indices travelling beside them (stable: ties keep index order, the order of
 *       {@code IndexSort}); +Infinity inputs are left out, since the walk stops at the first of
 *       them and a missing next input counts as +Infinity;
 *   <li>exp(t / tau_s) and exp(t / tau_m) are computed once per input time and kept
 *       ({@link ExpMemo}): for a width-1 input every neuron shares them, and the backward pass of
 *       the same forward call finds those of its causal inputs already there (the reference
 *       computes each in every neuron's walk, and twice more in the backward pass);
 *   <li>dt with tau_m = 2 tau_s: a prefix whose crossing factor f already puts the crossing after
 *       the next input skips the logarithm ({@link #SCREEN_MARGIN});
 *   <li>the backward pass visits only causal inputs (a non-causal input adds +-0 to sums that
 *       start at +0, which changes no bit) and divides exp(t / tau_m) by S once for both
 *       derivatives.
 * </ul>
 *
 * The samples run in {@link SampleChunks}; the weight gradient is added per chunk in sample
 * order, then over the chunks in chunk order, as {@link ChunkedReferencePass} does.
 */
final class FastNeuronPass implements NeuronLayerPass {
  private final Variant variant;
  private final EpsRule eps;
  private final int m;
  private final double maxDwNorm;
  private final double tauSyn;
  private final double tauMem;
  private final double leak;
  private final double gLeak;
  private final double nominalThreshold;
  /** dt with tau_m = 2 tau_s exactly: T = tau_m ln f, so f alone can rule a candidate out. */
  private final boolean screen;

  /**
   * The screen skips the logarithm of a candidate when f > exp(t_(k+1) / tau_m) (1 + 1e-9): then
   * T = tau_m ln f exceeds t_(k+1) by about tau_m 1e-9. The screen only acts where
   * exp(t_(k+1) / tau_m) is a finite normal number, so |t_(k+1)| < 710 tau_m, and log, exp, the
   * quotient and the products are each within an ulp or two: their errors stay below
   * 710 tau_m 4.4e-16 = 3.1e-13 tau_m, far inside the margin. So the reference's own T fails its
   * test T <= t_(k+1) too: the decision, and so every bit, is the reference's. Candidates closer
   * to t_(k+1) than the margin are computed in full.
   */
  static final double SCREEN_MARGIN = 1.0 + 1e-9;

  FastNeuronPass(NeuronSettings settings, int m) {
    NeuronParams p = settings.params();
    this.variant = settings.variant();
    this.eps = settings.eps();
    this.m = m;
    this.maxDwNorm = settings.maxDwNorm();
    this.tauSyn = p.tauSyn();
    this.tauMem = p.tauMem();
    this.leak = p.leak();
    this.gLeak = p.gLeak();
    this.nominalThreshold = p.threshold();
    this.screen = variant == Variant.DT && p.tauMem() == 2.0 * p.tauSyn();
  }

  /** Reused arrays of one chunk of samples. */
  private static final class Scratch {
    /** A neuron's finite input times, ascending, and their input indices. */
    final double[] key;
    final int[] idx;
    /** Per causal input: dT/dw and dT/dt, and its index. */
    final double[] dTdw;
    final double[] dTdt;
    final int[] causal;

    Scratch(int n) {
      key = new double[n];
      idx = new int[n];
      dTdw = new double[n];
      dTdt = new double[n];
      causal = new int[n];
    }
  }

  /**
   * exp(t / tau_s) and (dt) exp(t / tau_m) of input times, at the input tensor's flat index (one
   * per input for a width-1 input: every neuron shares it), NaN where not computed yet. Math.exp
   * gives the same bits for the same argument, so a value computed once stands for every later
   * use: in the walks of other neurons and in the backward pass of the same forward call.
   */
  private static final class ExpMemo {
    final BatchTensor in;
    final BatchTensor out;
    final double[] expSyn;
    final double[] expMem;

    ExpMemo(BatchTensor in, BatchTensor out, double[] expSyn, double[] expMem) {
      this.in = in;
      this.out = out;
      this.expSyn = expSyn;
      this.expMem = expMem;
    }
  }

  /**
   * The last forward call's exps, for its backward call (matched by the identity of its input and
   * output tensors). A cache, not state: a backward call that finds another forward's memo
   * computes the exps itself. Like its network, a pass serves one caller at a time.
   */
  private ExpMemo memo;

  /**
   * A memo for a call on {@code in}, reusing the last one's arrays when they are large enough
   * (training and validation batches differ in size); each sample's part must be cleared
   * ({@link #clear}) or filled ({@link #computeAll}) before it is used.
   */
  private ExpMemo newMemo(BatchTensor in, BatchTensor out, ExpMemo reuse) {
    int size = in.values().length;
    boolean fits = reuse != null && reuse.expSyn.length >= size;
    double[] es = fits ? reuse.expSyn : new double[size];
    double[] em = variant != Variant.DT ? null : fits ? reuse.expMem : new double[size];
    return new ExpMemo(in, out, es, em);
  }

  /**
   * Up to this many inputs per neuron the forward pass computes the exps of all of a sample's
   * input times in one loop before the walks ({@link #computeAll}); above, each walk computes
   * the ones it reaches. A neuron with few inputs reaches nearly all of them before it spikes
   * (3.7 of 4 in Yin-Yang's hidden layer, where the loop made the layer's forward pass 15%
   * faster), one with many stops halfway (about 15 of 30 in its label layer, where computing
   * all made it 40% slower). Either way the bits are the same.
   */
  static final int DENSE_MAX_INPUTS = 8;

  /** Sample b's exps, all of them, on the thread that works on sample b. */
  private void computeAll(ExpMemo mm, int b) {
    int per = mm.in.rows() * mm.in.width();
    double[] v = mm.in.values();
    double[] es = mm.expSyn;
    for (int p = b * per; p < (b + 1) * per; p++) {
      es[p] = Math.exp(v[p] / tauSyn);
    }
    double[] em = mm.expMem;
    if (em != null) {
      for (int p = b * per; p < (b + 1) * per; p++) {
        em[p] = Math.exp(v[p] / tauMem);
      }
    }
  }

  /** Marks sample b's exps as not computed (NaN), on the thread that works on sample b. */
  private static void clear(ExpMemo mm, int b) {
    int per = mm.in.rows() * mm.in.width();
    java.util.Arrays.fill(mm.expSyn, b * per, (b + 1) * per, Double.NaN);
    if (mm.expMem != null) {
      java.util.Arrays.fill(mm.expMem, b * per, (b + 1) * per, Double.NaN);
    }
  }

  /** exp(t / tau_s) of the input at flat index pos, from the memo or computed into it. */
  private double expSyn(double[] memo, int pos, double t) {
    double e = memo[pos];
    if (e != e) {
      e = Math.exp(t / tauSyn);
      memo[pos] = e;
    }
    return e;
  }

  /** exp(t / tau_m) of the input at flat index pos, from the memo or computed into it. */
  private double expMem(double[] memo, int pos, double t) {
    double e = memo[pos];
    if (e != e) {
      e = Math.exp(t / tauMem);
      memo[pos] = e;
    }
    return e;
  }

  /** c = (theta - E_l) g_l, as the reference computes it. */
  private double charge(double theta) {
    return (theta - leak) * gLeak;
  }

  @Override
  public void forward(BatchTensor in, double[] weights, BatchTensor thresholds,
      BatchTensor jitter, BatchTensor out, RangeRunner threads) {
    ExpMemo mm = newMemo(in, out, memo);
    memo = null;
    SampleChunks.run(in.batch(), threads, (chunk, from, to) -> {
      Scratch s = new Scratch(in.rows());
      for (int b = from; b < to; b++) {
        if (in.rows() <= DENSE_MAX_INPUTS) {
          computeAll(mm, b);
        } else {
          clear(mm, b);
        }
        forwardSample(b, in, weights, thresholds, jitter, out.values(), s, mm);
      }
    });
    memo = mm;
  }

  private void forwardSample(int b, BatchTensor in, double[] weights, BatchTensor thresholds,
      BatchTensor jitter, double[] out, Scratch s, ExpMemo mm) {
    int nf = 0;
    int width = in.width();
    for (int j = 0; j < m; j++) {
      if (j == 0 || width != 1) {
        nf = gatherSorted(in, b, j, s.key, s.idx);
      }
      int at = b * in.rows() * width + (width == 1 ? 0 : j);
      double c = charge(thresholds.values()[b * m + j]);
      double time = variant == Variant.DT
          ? firstSpikeDt(s.key, s.idx, nf, weights, j, c, at, width, mm)
          : firstSpikeEt(s.key, s.idx, nf, weights, j, c, at, width, mm);
      if (jitter != null) {
        time += jitter.values()[b * m + j];
      }
      out[b * m + j] = time;
    }
  }

  /**
   * The finite input times of neuron j in sample b, ascending (ties in index order, the stable
   * sort's unique order), into key with their indices in idx; returns how many. Insertion as
   * they are gathered: for the few inputs of a neuron (4 and 30 in Yin-Yang) it beats a merge
   * sort, and a branch-free ranking of 4 inputs measured slower still.
   *
   * @throws IllegalArgumentException for a NaN or -Infinity input time (as the reference)
   */
  private static int gatherSorted(BatchTensor in, int b, int j, double[] key, int[] idx) {
    int n = in.rows();
    int width = in.width();
    double[] v = in.values();
    int at = b * n * width + (width == 1 ? 0 : j);
    int nf = 0;
    for (int i = 0; i < n; i++, at += width) {
      double t = v[at];
      if (t == Double.POSITIVE_INFINITY) {
        continue;
      }
      if (t != t || t == Double.NEGATIVE_INFINITY) {
        throw new IllegalArgumentException("input time of sample " + b + ", input " + i
            + ", neuron " + j + " is " + t + "; input times must be finite or +Infinity");
      }
      int p = nf;
      while (p > 0 && key[p - 1] > t) {
        key[p] = key[p - 1];
        idx[p] = idx[p - 1];
        p--;
      }
      key[p] = t;
      idx[p] = i;
      nf++;
    }
    return nf;
  }

  /**
   * The reference's walk over the prefixes of neuron j's sorted finite inputs, dt: running sums
   * a1, a2, the candidate of each prefix, the first valid one (see the screen at
   * {@link #SCREEN_MARGIN}).
   *
   * @param at flat index of input 0 of neuron j in this sample; input i is at at + i width
   */
  private double firstSpikeDt(double[] key, int[] idx, int nf, double[] weights, int j, double c,
      int at, int width, ExpMemo mm) {
    double a1Eps = eps.dtA1Forward();
    double a2Eps = eps.dtA2Forward();
    double sum1 = 0;
    double sum2 = 0;
    for (int k = 0; k < nf; k++) {
      double ti = key[k];
      int pos = at + idx[k] * width;
      double wi = weights[idx[k] * m + j];
      sum1 += wi * expSyn(mm.expSyn, pos, ti);
      sum2 += wi * expMem(mm.expMem, pos, ti);
      double next = k + 1 < nf ? key[k + 1] : Double.POSITIVE_INFINITY;
      // DoubleTime.crossingTime in two halves. No crossing (f not > 0) gives +Infinity, which is
      // valid only when next is +Infinity too, and then the walk ends with +Infinity anyway.
      double f = DoubleTime.crossingFactor(sum1 + a1Eps, sum2 + a2Eps, c);
      if (!(f > 0)) {
        continue;
      }
      if (screen && next != Double.POSITIVE_INFINITY) {
        double expNext = expMem(mm.expMem, at + idx[k + 1] * width, next);
        if (f > expNext * SCREEN_MARGIN && expNext > Double.MIN_NORMAL) {
          continue; // T = tau_m ln f > t_(k+1): not valid
        }
      }
      double candidate = DoubleTime.timeOfFactor(f, tauSyn);
      if (candidate >= ti && candidate <= next) {
        return candidate;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /** {@link #firstSpikeDt} for et: sums a and b, the Lambert W candidate. */
  private double firstSpikeEt(double[] key, int[] idx, int nf, double[] weights, int j, double c,
      int at, int width, ExpMemo mm) {
    double aEps = eps.etA();
    double bEps = eps.etB();
    double sum1 = 0;
    double sum2 = 0;
    for (int k = 0; k < nf; k++) {
      double ti = key[k];
      double wi = weights[idx[k] * m + j];
      double e = expSyn(mm.expSyn, at + idx[k] * width, ti);
      sum1 += wi * e;
      sum2 += wi * ti * e / tauSyn;
      double candidate = EqualTime.crossingTime(sum1 + aEps, sum2 + bEps, c, tauSyn);
      double next = k + 1 < nf ? key[k + 1] : Double.POSITIVE_INFINITY;
      if (candidate >= ti && candidate <= next) {
        return candidate;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  @Override
  public double[] backward(BatchTensor in, double[] weights, BatchTensor out, BatchTensor delta,
      BatchTensor timeGradient, RangeRunner threads) {
    int batch = in.batch();
    int size = in.rows() * m;
    boolean fromForward = memo != null && memo.in == in && memo.out == out;
    ExpMemo mm = fromForward ? memo : newMemo(in, out, null);
    double[][] chunkGradients = new double[SampleChunks.count(batch)][];
    SampleChunks.run(batch, threads, (chunk, from, to) -> {
      Scratch s = new Scratch(in.rows());
      double[] g = new double[size];
      for (int b = from; b < to; b++) {
        SampleChunks.clearSample(timeGradient, b);
        if (!fromForward) {
          clear(mm, b);
        }
        backwardSample(b, in, weights, out.values(), delta.values(), g, timeGradient.values(), s,
            mm);
      }
      chunkGradients[chunk] = g;
    });
    return SampleChunks.sum(chunkGradients, size);
  }

  private void backwardSample(int b, BatchTensor in, double[] weights, double[] out,
      double[] delta, double[] weightGradient, double[] timeGradient, Scratch s, ExpMemo mm) {
    int n = in.rows();
    int width = in.width();
    double[] v = in.values();
    double c = charge(nominalThreshold);
    for (int j = 0; j < m; j++) {
      double spikeTime = out[b * m + j];
      if (!Double.isFinite(spikeTime)) {
        continue;
      }
      double d = delta[b * m + j];
      if (Double.isNaN(d)) {
        d = 0;
      }
      int at = b * n * width + (width == 1 ? 0 : j);
      int nc = derivatives(v, at, width, n, weights, j, spikeTime, c, s, mm);
      if (Double.isInfinite(d)) {
        // The reference fails at input 0 (0 * d is NaN, anything else * d infinite); say so
        // with its numbers.
        boolean first = nc > 0 && s.causal[0] == 0;
        throw new ArithmeticException("gradient not finite at sample " + b + ", neuron " + j
            + ", input 0: dL/dw " + (first ? s.dTdw[0] : 0.0) * d + ", dL/dt "
            + (first ? s.dTdt[0] : 0.0) * d + " (T " + spikeTime + ", t " + v[at] + ", delta "
            + d + ")");
      }
      double largest = 0;
      for (int k = 0; k < nc; k++) {
        largest = Math.max(largest, Math.abs(s.dTdw[k] * d));
      }
      boolean clipped = largest > maxDwNorm;
      for (int k = 0; k < nc; k++) {
        int i = s.causal[k];
        double g = s.dTdw[k] * d;
        double e = s.dTdt[k] * d;
        if (!Double.isFinite(g) || !Double.isFinite(e)) {
          throw new ArithmeticException("gradient not finite at sample " + b + ", neuron " + j
              + ", input " + i + ": dL/dw " + g + ", dL/dt " + e + " (T " + spikeTime + ", t "
              + v[at + i * width] + ", delta " + d + ")");
        }
        if (!clipped) {
          weightGradient[i * m + j] += g;
        }
        timeGradient[at + i * width] += e;
      }
    }
  }

  /**
   * dT/dw and dT/dt of neuron j's causal inputs (t finite, T - t >= 0) into the scratch, in
   * index order; returns how many (0 when the causal set has no crossing at the nominal
   * threshold: every derivative is zero then).
   */
  private int derivatives(double[] v, int at, int width, int n, double[] weights, int j,
      double spikeTime, double c, Scratch s, ExpMemo mm) {
    int nc = 0;
    if (variant == Variant.DT) {
      double a1 = eps.dtBackward();
      double a2 = eps.dtBackward();
      for (int i = 0; i < n; i++) {
        double t = v[at + i * width];
        if (Double.isFinite(t) && spikeTime - t >= 0) {
          double w = weights[i * m + j];
          a1 += w * expSyn(mm.expSyn, at + i * width, t);
          a2 += w * expMem(mm.expMem, at + i * width, t);
          s.causal[nc++] = i;
        }
      }
      double root = DoubleTime.rootOfSums(a1, a2, c);
      if (!(root >= 0)) {
        return 0;
      }
      double q = DoubleTime.k1OfSums(a1, c, spikeTime, tauMem, root);
      for (int k = 0; k < nc; k++) {
        int pos = at + s.causal[k] * width;
        double w = weights[s.causal[k] * m + j];
        double es = mm.expSyn[pos];
        double memOverRoot = DoubleTime.memOverRoot(mm.expMem[pos], root);
        s.dTdw[k] = DoubleTime.dTdwOfRatio(q, es, memOverRoot, tauMem);
        s.dTdt[k] = DoubleTime.dTdtOfRatio(q, w, es, memOverRoot);
      }
    } else {
      double a = eps.etA();
      double bSum = eps.etB();
      for (int i = 0; i < n; i++) {
        double t = v[at + i * width];
        if (Double.isFinite(t) && spikeTime - t >= 0) {
          double e = expSyn(mm.expSyn, at + i * width, t);
          double w = weights[i * m + j];
          a += w * e;
          bSum += w * t * e / tauSyn;
          s.causal[nc++] = i;
        }
      }
      double z = EqualTime.lambertArgumentOfSums(a, bSum, c);
      if (!(z > LambertW.BRANCH_POINT)) {
        return 0;
      }
      double factor = EqualTime.gradientFactor(a, LambertW.w0(z));
      for (int k = 0; k < nc; k++) {
        int i = s.causal[k];
        double t = v[at + i * width];
        double e = mm.expSyn[at + i * width];
        s.dTdw[k] = EqualTime.dTdw(factor, e, spikeTime, t);
        s.dTdt[k] = EqualTime.dTdt(factor, weights[i * m + j], e, spikeTime, t, tauSyn);
      }
    }
    return nc;
  }
}
