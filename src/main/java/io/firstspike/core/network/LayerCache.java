package io.firstspike.core.network;

import io.firstspike.core.neuron.Variant;

/**
 * What the forward pass of one layer leaves for its backward pass, for a batch of samples: the
 * sorted input order, the exponentials of the sorted input times, and per output neuron the
 * length of the causal set that fired it with that set's running sums (and W0 for et). With it the
 * backward pass neither sorts nor recomputes sums nor calls Lambert W again, except where inputs
 * tie with the output time (they join the causal set, TTFS-MODEL.md section 3).
 *
 * <p>Flat arrays, sample-major: input slot {@code sample * nIn + k}, neuron slot
 * {@code sample * nOut + j}. Written by the closed-form forward passes ({@link ClosedFormForward}, {@link EulerForward}).
 */
public final class LayerCache {
  final int batch;
  final int nIn;
  final int nOut;
  /** Input indices sorted by time (finite ascending, then +Infinity). */
  final int[] order;
  /** exp(t / tau_s) at sorted position k (finite inputs only). */
  final double[] expSyn;
  /** exp(t / tau_m) at sorted position k (dt only, else null). */
  final double[] expMem;
  /** Number of finite inputs per sample. */
  final int[] nFinite;
  /** Length of the causal set found by the forward pass; 0 if none (or Euler forward). */
  final int[] count;
  /** Raw sums of that set: et a and b (without EPS); dt a1 and a2 (without EPS). */
  final double[] sum1;

  final double[] sum2;
  /** et: W0(z) of that set; null for dt. */
  final double[] lambert;
  /**
   * True when the Euler forward pass filled this cache ({@code use_forward_integrator}): its
   * spike times come from the simulation, so a causal set need not have a closed-form crossing
   * (see {@link LayerScratch#integratorSkips}).
   */
  boolean integrated;

  /** Room for {@code batch} samples of a layer with nIn inputs (bias inputs included). */
  public LayerCache(int batch, int nIn, int nOut, Variant variant) {
    if (batch < 0 || nIn <= 0 || nOut <= 0) {
      throw new IllegalArgumentException(
          "LayerCache: batch " + batch + ", inputs " + nIn + ", outputs " + nOut
              + "; expected batch >= 0 and at least one input and one output");
    }
    this.batch = batch;
    this.nIn = nIn;
    this.nOut = nOut;
    this.order = new int[batch * nIn];
    this.expSyn = new double[batch * nIn];
    this.expMem = variant == Variant.DT ? new double[batch * nIn] : null;
    this.nFinite = new int[batch];
    this.count = new int[batch * nOut];
    this.sum1 = new double[batch * nOut];
    this.sum2 = new double[batch * nOut];
    this.lambert = variant == Variant.ET ? new double[batch * nOut] : null;
  }

  public int batchSize() {
    return batch;
  }

  public int inputs() {
    return nIn;
  }

  public int outputs() {
    return nOut;
  }
}
