package io.firstspike.core.layer;

import io.firstspike.core.math.IndexSort;
import io.firstspike.core.math.LambertW;
import io.firstspike.core.neuron.DoubleTime;
import io.firstspike.core.neuron.EqualTime;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.Arrays;

/**
 * The reference forward and backward pass of one layer of LIF neurons on per-synapse input times
 * (TTFS-MODEL.md sections 2 and 3, DELGRAD-MODEL.md sections 3.2 and 3.3), written to be read.
 * Every faster layer pass must agree with this one.
 *
 * <p>Notation: sample b, input i (bias inputs included), neuron j, t_bij the time input i reaches
 * neuron j ({@link BatchTensor}, width M or 1), weights w_ij row-major {@code [N][M]},
 * c = (theta - E_l) g_l. EPS terms are added to the sums as the {@link EpsRule} says.
 *
 * <p><b>Forward</b>, per sample b and neuron j: sort t_b1j .. t_bNj ascending (per neuron: delays
 * differ per synapse; a width-1 input is sorted once per sample), walk the prefixes n with
 * running sums, stop at the first infinite input. Prefix n has the candidate
 *
 * <pre>
 *   et:  a = sum_k w_k exp(t_k / tau_s) [+ EPS],   b = sum_k w_k t_k exp(t_k / tau_s) / tau_s + EPS
 *        z = -(c / a) exp(b / a),   T_n = tau_s (b / a - W0(z))  if z > -1/e (strictly), else +Inf
 *   dt:  a1 = sum_k w_k exp(t_k / tau_s) + EPS,   a2 = sum_k w_k exp(t_k / tau_m) [+ EPS]
 *        D = a2^2 - 4 a1 c,   f = 2 a1 / (a2 + sqrt D),   T_n = 2 tau_s ln f  if D >= 0 and f > 0
 * </pre>
 *
 * <p>valid iff T_n >= t_(n) and T_n <= t_(n+1) (t_(N+1) = +Inf). Valid candidates lie in disjoint
 * ordered intervals, so the first valid one is the minimum; none gives +Inf. The threshold of the
 * forward pass may differ per (sample, neuron) (threshold noise), and an additive output jitter
 * may follow (+Inf stays +Inf). Cost O(N log N + N M) per sample for width-1 inputs, O(M N log N)
 * per sample for per-synapse inputs (one sort per neuron).
 *
 * <p><b>Backward</b>, per sample b and neuron j with T = T_bj finite (after jitter), with the
 * <em>nominal</em> threshold and the causal set {i : t_bij finite and T - t_bij >= 0}:
 *
 * <pre>
 *   et:  a, b, z over the causal set (EPS as in the forward), W = W0(z)
 *        dT/dw_ij = -1 / (a (1 + W)) exp(t_i / tau) (T - t_i)
 *        dT/dt_ij = -1 / (a (1 + W)) w_ij exp(t_i / tau) (T - t_i - tau) / tau
 *   dt:  a1, a2 with EPS on both, S = sqrt(a2^2 - 4 a1 c), q = (1 + (c / S) exp(T / tau_m)) / a1
 *        dT/dw_ij = tau_m (q exp(t_i / tau_s) - exp(t_i / tau_m) / S)
 *        dT/dt_ij = w_ij (2 q exp(t_i / tau_s) - exp(t_i / tau_m) / S)
 * </pre>
 *
 * <p>No crossing at the nominal threshold (z not > -1/e, or a negative discriminant) gives zero
 * derivatives. With delta_bj = dL/dT_bj (NaN counts as 0):
 *
 * <pre>
 *   G_bij = dT/dw_ij delta_bj,  zeroed for the whole column (b, j) if max_i |G_bij| > max_dw_norm
 *   dL/dw_ij  = sum_b G_bij                   (samples added in order b = 0, 1, ...)
 *   dL/dt_bij = dT/dt_ij delta_bj             (not clipped; summed over j for a width-1 input)
 * </pre>
 *
 * <p>Immutable and thread-safe: the per-sample methods allocate their own scratch, so callers can
 * run samples on several threads (and must add their weight gradients in a fixed order).
 */
public final class ReferenceNeuronPass {
  /** max_dw_norm: null in the config, no clipping. */
  public static final double NO_CLIPPING = Double.POSITIVE_INFINITY;

  private final NeuronParams params;
  private final Variant variant;
  private final EpsRule eps;

  /**
   * @param variant the closed form; its formulas use tau_syn and tau_mem of {@code params}
   *     literally (HEAD may select it by {@code model_tau_ratio} rather than by the taus)
   */
  public ReferenceNeuronPass(NeuronParams params, Variant variant, EpsRule eps) {
    this.params = params;
    this.variant = variant;
    this.eps = eps;
  }

  /** The 2021 model: the variant from the tau ratio, {@link EpsRule#RELEASE_2021}. */
  public static ReferenceNeuronPass release2021(NeuronParams params) {
    return new ReferenceNeuronPass(params, params.variant(), EpsRule.RELEASE_2021);
  }

  public NeuronParams params() {
    return params;
  }

  public Variant variant() {
    return variant;
  }

  public EpsRule epsRule() {
    return eps;
  }

  /**
   * The backward pass's results.
   *
   * @param weights dL/dw_ij summed over the batch, row-major {@code [N][M]}
   * @param inputTimes dL/dt_bij, shaped like the input (width 1: summed over j)
   */
  public record Gradients(double[] weights, BatchTensor inputTimes) {}

  /** {@link #forward(BatchTensor, double[], int, BatchTensor, BatchTensor)}, nominal, no jitter. */
  public BatchTensor forward(BatchTensor in, double[] weights, int m) {
    return forward(in, weights, m, null, null);
  }

  /**
   * Output times of a batch.
   *
   * @param in t_bij, width m or 1
   * @param weights w_ij row-major {@code [N][m]}
   * @param m neurons
   * @param thresholds effective thresholds theta_bj {@code [B][m]} (width 1), null = nominal
   * @param jitter added to every output time {@code [B][m]} (width 1), null = none
   * @return T_bj {@code [B][m]} (width 1), +Infinity = no spike
   */
  public BatchTensor forward(BatchTensor in, double[] weights, int m, BatchTensor thresholds,
      BatchTensor jitter) {
    checkShapes(in, weights, m);
    checkPerNeuron("thresholds", thresholds, in.batch(), m);
    checkPerNeuron("jitter", jitter, in.batch(), m);
    BatchTensor out = BatchTensor.zeros(in.batch(), m, 1);
    for (int b = 0; b < in.batch(); b++) {
      forwardSample(b, in, weights, m, thresholds, jitter, out);
    }
    return out;
  }

  /** The forward pass of sample b: writes T_b1 .. T_bm into {@code out}. */
  public void forwardSample(int b, BatchTensor in, double[] weights, int m,
      BatchTensor thresholds, BatchTensor jitter, BatchTensor out) {
    int n = in.rows();
    double[] t = new double[n];
    double[] w = new double[n];
    int[] order = new int[n];
    int[] scratch = new int[n];
    for (int j = 0; j < m; j++) {
      if (j == 0 || !in.shared()) {
        gatherTimes(in, b, j, t);
        IndexSort.sort(t, n, order, scratch);
      }
      gatherWeights(weights, m, j, w);
      double theta = thresholds == null ? params.threshold() : thresholds.get(b, j);
      double time = firstSpike(t, w, order, charge(theta));
      if (jitter != null) {
        time += jitter.get(b, j);
      }
      out.values()[out.index(b, j, 0)] = time;
    }
  }

  /**
   * The first threshold crossing of one neuron: the first valid candidate over the prefixes of
   * its inputs in time order (see the class comment).
   *
   * @param t the neuron's input times (+Infinity = silent)
   * @param w the neuron's weights, same order as t
   * @param order indices of t, ascending by time
   * @param c (theta - E_l) g_l with this neuron's (effective) threshold
   * @return the spike time, +Infinity if none
   */
  public double firstSpike(double[] t, double[] w, int[] order, double c) {
    double tauSyn = params.tauSyn();
    double tauMem = params.tauMem();
    double sum1 = 0; // et: a, dt: a1 (without EPS)
    double sum2 = 0; // et: b, dt: a2 (without EPS)
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      double ti = t[i];
      if (ti == Double.POSITIVE_INFINITY) {
        break;
      }
      double candidate;
      if (variant == Variant.ET) {
        double e = Math.exp(ti / tauSyn);
        sum1 += w[i] * e;
        sum2 += w[i] * ti * e / tauSyn;
        candidate = EqualTime.crossingTime(sum1 + eps.etA(), sum2 + eps.etB(), c, tauSyn);
      } else {
        sum1 += w[i] * Math.exp(ti / tauSyn);
        sum2 += w[i] * Math.exp(ti / tauMem);
        candidate = DoubleTime.crossingTime(sum1 + eps.dtA1Forward(), sum2 + eps.dtA2Forward(),
            c, tauSyn);
      }
      double next = k + 1 < order.length ? t[order[k + 1]] : Double.POSITIVE_INFINITY;
      if (candidate >= ti && candidate <= next) {
        return candidate;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /**
   * The backward pass of a batch (see the class comment).
   *
   * @param in the forward pass's input t_bij
   * @param weights the unrounded weights (a forward pass with rounded weights still uses these)
   * @param out the forward pass's output T_bj, after jitter
   * @param delta dL/dT_bj {@code [B][m]} (width 1); NaN counts as 0
   * @param maxDwNorm clipping bound, {@link #NO_CLIPPING} for none
   * @throws ArithmeticException if a gradient is not finite (a bug, never a result)
   */
  public Gradients backward(BatchTensor in, double[] weights, int m, BatchTensor out,
      BatchTensor delta, double maxDwNorm) {
    checkShapes(in, weights, m);
    checkPerNeuron("output times", out, in.batch(), m);
    checkPerNeuron("upstream error", delta, in.batch(), m);
    double[] weightGradient = new double[weights.length];
    BatchTensor timeGradient = BatchTensor.zeros(in.batch(), in.rows(), in.width());
    for (int b = 0; b < in.batch(); b++) {
      backwardSample(b, in, weights, m, out, delta, maxDwNorm, weightGradient, timeGradient);
    }
    return new Gradients(weightGradient, timeGradient);
  }

  /**
   * The backward pass of sample b: adds G_b.. into {@code weightGradient} and writes (width 1:
   * adds) dL/dt_b.. into {@code timeGradient}, whose sample b must start at zero.
   */
  public void backwardSample(int b, BatchTensor in, double[] weights, int m, BatchTensor out,
      BatchTensor delta, double maxDwNorm, double[] weightGradient, BatchTensor timeGradient) {
    int n = in.rows();
    double[] t = new double[n];
    double[] w = new double[n];
    double[] dTdw = new double[n];
    double[] dTdt = new double[n];
    double c = charge(params.threshold());
    for (int j = 0; j < m; j++) {
      double spikeTime = out.get(b, j);
      if (!Double.isFinite(spikeTime)) {
        continue;
      }
      double d = delta.get(b, j);
      if (Double.isNaN(d)) {
        d = 0;
      }
      gatherTimes(in, b, j, t);
      gatherWeights(weights, m, j, w);
      spikeTimeDerivatives(t, w, spikeTime, c, dTdw, dTdt);
      double largest = 0;
      for (int i = 0; i < n; i++) {
        largest = Math.max(largest, Math.abs(dTdw[i] * d));
      }
      boolean clipped = largest > maxDwNorm;
      for (int i = 0; i < n; i++) {
        double g = dTdw[i] * d;
        double e = dTdt[i] * d;
        if (!Double.isFinite(g) || !Double.isFinite(e)) {
          throw new ArithmeticException("gradient not finite at sample " + b + ", neuron " + j
              + ", input " + i + ": dL/dw " + g + ", dL/dt " + e + " (T " + spikeTime + ", t "
              + t[i] + ", delta " + d + ")");
        }
        if (!clipped) {
          weightGradient[i * m + j] += g;
        }
        timeGradient.values()[timeGradient.index(b, i, j)] += e;
      }
    }
  }

  /**
   * dT/dw_i and dT/dt_i of one neuron that spiked at T (the nominal threshold's c), zero for
   * non-causal inputs and when the causal set has no crossing.
   */
  void spikeTimeDerivatives(double[] t, double[] w, double spikeTime, double c, double[] dTdw,
      double[] dTdt) {
    int n = t.length;
    Arrays.fill(dTdw, 0.0);
    Arrays.fill(dTdt, 0.0);
    double tauSyn = params.tauSyn();
    double tauMem = params.tauMem();
    if (variant == Variant.ET) {
      double a = eps.etA();
      double bSum = eps.etB();
      for (int i = 0; i < n; i++) {
        if (causal(t[i], spikeTime)) {
          double e = Math.exp(t[i] / tauSyn);
          a += w[i] * e;
          bSum += w[i] * t[i] * e / tauSyn;
        }
      }
      double z = EqualTime.lambertArgumentOfSums(a, bSum, c);
      if (!(z > LambertW.BRANCH_POINT)) {
        return; // no crossing at the nominal threshold
      }
      double factor = EqualTime.gradientFactor(a, LambertW.w0(z));
      for (int i = 0; i < n; i++) {
        if (causal(t[i], spikeTime)) {
          double e = Math.exp(t[i] / tauSyn);
          dTdw[i] = EqualTime.dTdw(factor, e, spikeTime, t[i]);
          dTdt[i] = EqualTime.dTdt(factor, w[i], e, spikeTime, t[i], tauSyn);
        }
      }
    } else {
      double a1 = eps.dtBackward();
      double a2 = eps.dtBackward();
      for (int i = 0; i < n; i++) {
        if (causal(t[i], spikeTime)) {
          a1 += w[i] * Math.exp(t[i] / tauSyn);
          a2 += w[i] * Math.exp(t[i] / tauMem);
        }
      }
      double s = DoubleTime.rootOfSums(a1, a2, c);
      if (!(s >= 0)) {
        return; // negative discriminant: no crossing at the nominal threshold
      }
      double q = DoubleTime.k1OfSums(a1, c, spikeTime, tauMem, s);
      for (int i = 0; i < n; i++) {
        if (causal(t[i], spikeTime)) {
          double expS = Math.exp(t[i] / tauSyn);
          double expM = Math.exp(t[i] / tauMem);
          dTdw[i] = DoubleTime.dTdw(q, s, expS, expM, tauMem);
          dTdt[i] = DoubleTime.dTdt(q, s, w[i], expS, expM);
        }
      }
    }
  }

  /** Causal for the backward pass: t finite and T - t >= 0 (inputs at exactly T count). */
  private static boolean causal(double t, double spikeTime) {
    return Double.isFinite(t) && spikeTime - t >= 0;
  }

  /** c = (theta - E_l) g_l. */
  private double charge(double theta) {
    return (theta - params.leak()) * params.gLeak();
  }

  private static void gatherTimes(BatchTensor in, int b, int j, double[] t) {
    for (int i = 0; i < t.length; i++) {
      double v = in.get(b, i, j);
      if (Double.isNaN(v) || v == Double.NEGATIVE_INFINITY) {
        throw new IllegalArgumentException("input time of sample " + b + ", input " + i
            + ", neuron " + j + " is " + v + "; input times must be finite or +Infinity");
      }
      t[i] = v;
    }
  }

  private static void gatherWeights(double[] weights, int m, int j, double[] w) {
    for (int i = 0; i < w.length; i++) {
      w[i] = weights[i * m + j];
    }
  }

  private static void checkShapes(BatchTensor in, double[] weights, int m) {
    if (m < 1) {
      throw new IllegalArgumentException("a layer needs at least one neuron, got " + m);
    }
    if (weights.length != in.rows() * m) {
      throw new IllegalArgumentException("weights have " + weights.length + " entries; "
          + in.rows() + " inputs x " + m + " neurons need " + (in.rows() * m));
    }
    if (in.width() != 1 && in.width() != m) {
      throw new IllegalArgumentException("input times have " + in.width()
          + " synapses per input; expected 1 (shared) or " + m + " (one per neuron)");
    }
  }

  private static void checkPerNeuron(String what, BatchTensor x, int batch, int m) {
    if (x != null && (x.batch() != batch || x.rows() != m || x.width() != 1)) {
      throw new IllegalArgumentException(what + " have shape " + x + "; expected [" + batch
          + "][" + m + "][1]");
    }
  }
}
