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

  private final Variant variant;
  private final double c;
  private final double tauSyn;
  private final double tauMem;
  private final double leak;
  private final double threshold;
  private final double gLeak;
  /** The screen rejects an interval whose membrane maximum is below this; -Infinity = no screen. */
  private final double screenLevel;

  private int[] order = new int[0];
  private int[] tmp = new int[0];
  private double[] ts = new double[0];
  private double[] e1 = new double[0];
  /** et: t exp(t/tau)/tau; dt: exp(t/tau_m). */
  private double[] e2 = new double[0];
  /** et: x = t/tau; dt: y = exp(-t/tau_m). */
  private double[] xy = new double[0];
  /** et: x - 1 and exp(-x); unused for dt. */
  private double[] xm1 = new double[0];

  private double[] em = new double[0];
  private double[] dws = new double[0];
  private int[] act = new int[0];
  private double[] s1 = new double[0];
  private double[] s2 = new double[0];
  private double[] charge = new double[0];

  /** A kernel for neurons with these parameters (variant checked here). */
  public LayerKernel(NeuronParams params) {
    this(params, true);
  }

  /** @param screen false evaluates every candidate (for tests that the screen changes nothing) */
  LayerKernel(NeuronParams params, boolean screen) {
    this.variant = params.variant();
    this.c = params.c();
    this.tauSyn = params.tauSyn();
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
    int nOut = out.length;
    int nFin = prepare(in, w, nOut, cache, sample, layer);
    for (int j = 0; j < nOut; j++) {
      s1[j] = 0;
      s2[j] = 0;
      act[j] = j;
      out[j] = Double.POSITIVE_INFINITY;
    }
    int nAct = nOut;
    boolean et = variant == Variant.ET;
    for (int k = 0; k < nFin && nAct > 0; k++) {
      int row = order[k] * nOut;
      double ek = e1[k];
      double fk = e2[k];
      // All neurons, fired or not: a contiguous loop the JIT vectorizes, cheaper than the
      // indirect one over the active neurons (fired neurons' sums are never read again).
      for (int j = 0; j < nOut; j++) {
        double wv = w[row + j];
        s1[j] += wv * ek;
        s2[j] += wv * fk;
      }
      boolean last = k + 1 == nFin;
      nAct = et ? screenEt(k, last, nAct, out, cache, sample, nOut)
          : screenDt(k, last, nAct, out, cache, sample, nOut);
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
    for (int q = 0; q < nAct; ) {
      int j = act[q];
      double a = s1[j];
      double bt = s2[j] + EqualTime.EPS;
      // Membrane maximum over [t_k, t_k+1] below c: at both ends, and no interior peak
      // (the peak of exp(-x)(a x - b) is at x* = 1 + b / a when a > 0).
      if (emk * (a * xk - bt) < level && emk1 * (a * xk1 - bt) < level
          && !(a > 0 && xm1k * a < bt && bt < xm1k1 * a)) {
        q++;
      } else if (candidateEt(j, k, last, out, cache, sample, nOut)) {
        act[q] = act[--nAct];
      } else {
        q++;
      }
    }
    return nAct;
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
        act[q] = act[--nAct];
      } else {
        q++;
      }
    }
    return nAct;
  }

  /** Evaluates the et candidate of neuron j for the set of the first k+1 sorted inputs. */
  private boolean candidateEt(
      int j, int k, boolean last, double[] out, LayerCache cache, int sample, int nOut) {
    double a = s1[j];
    double b = s2[j];
    double lw = LambertW.w0(EqualTime.lambertArgument(a, b, c));
    double t = EqualTime.time(a, b, lw, tauSyn);
    if (t >= ts[k] && (last || t <= ts[k + 1])) {
      out[j] = t;
      if (cache != null) {
        int s = sample * nOut + j;
        cache.count[s] = k + 1;
        cache.sum1[s] = a;
        cache.sum2[s] = b;
        cache.lambert[s] = lw;
      }
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
   * {@code grad} and writes the propagated error delta_i = sum_j dT_j/dt_i delta_j.
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
    int nIn = in.length;
    int nOut = out.length;
    if (deltaIn != null) {
      Arrays.fill(deltaIn, 0, nIn, 0.0);
    }
    if (dws.length < nIn) {
      dws = new double[nIn];
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
        b += wv * (et ? ti * ex1[base + m] / tauSyn : ex2[base + m]);
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
      double max = 0;
      for (int k = 0; k < m; k++) {
        int i = ord[base + k];
        double g = et ? EqualTime.dTdw(f1, ex1[base + k], tj, in[i])
            : DoubleTime.dTdw(f1, f2, ex1[base + k], ex2[base + k], tauMem);
        g *= d;
        dws[k] = g;
        max = Math.max(max, Math.abs(g));
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
          double g = et ? EqualTime.dTdt(f1, wv, ex1[base + k], tj, in[i], tauSyn)
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
    IndexSort.sortInPlace(in, order, nFin, tmp);
    boolean et = variant == Variant.ET;
    for (int k = 0; k < nFin; k++) {
      double t = in[order[k]];
      ts[k] = t;
      double e = Math.exp(t / tauSyn);
      e1[k] = e;
      if (et) {
        e2[k] = t * e / tauSyn;
        xy[k] = t / tauSyn;
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

  private void ensure(int nIn, int nOut) {
    if (order.length < nIn) {
      order = new int[nIn];
      tmp = new int[nIn];
      ts = new double[nIn];
      e1 = new double[nIn];
      e2 = new double[nIn];
      xy = new double[nIn];
      xm1 = new double[nIn];
      em = new double[nIn];
      dws = new double[nIn];
    }
    if (act.length < nOut) {
      act = new int[nOut];
      s1 = new double[nOut];
      s2 = new double[nOut];
    }
  }
}
