package io.firstspike.core.network;

import io.firstspike.core.layer.BatchTensor;
import io.firstspike.core.layer.ReferenceNeuronPass;
import java.util.Arrays;

/**
 * {@link ReferenceNeuronPass}, the readable definition of a layer, as a {@link LayerPass}: the
 * forward and backward pass of one sample, for every closed-form layer of the 2021 model, et or
 * dt. (The reference pass also has DelGrad's EPS rule, threshold noise and per-synapse times, but
 * a {@link LayerBatch} carries none of them yet, so this adapter runs the 2021 rule, nominal
 * thresholds and shared times, and says so in {@link #supports}.) It ignores the cache and the
 * prepared weights and allocates per call: for checks, not for speed. Output exp factors, if
 * asked for, are Math.exp(T / tau_s).
 */
final class ReferencePass implements LayerPass.Forward, LayerPass.Backward {
  static final ReferencePass INSTANCE = new ReferencePass();

  private ReferencePass() {}

  @Override
  public String name() {
    return "reference";
  }

  /** Every closed-form layer of the 2021 model on shared input times (see the class comment). */
  @Override
  public boolean supports(LayerComputation computation) {
    return computation.euler() == null && computation.release2021Shared();
  }

  private static ReferenceNeuronPass pass(LayerScratch s) {
    return ReferenceNeuronPass.release2021(s.params);
  }

  @Override
  public void forward(LayerBatch layer, int sample, LayerScratch s) {
    double[] in = layer.in()[sample];
    double[] out = layer.out()[sample];
    int m = out.length;
    check(layer, in, m);
    BatchTensor x = new BatchTensor(1, in.length, 1, in);
    BatchTensor t = new BatchTensor(1, m, 1, out);
    pass(s).forwardSample(0, x, layer.weights(), m, null, null, t);
    if (layer.outExp() != null) {
      double[] e = layer.outExp()[sample];
      for (int j = 0; j < m; j++) {
        e[j] = Math.exp(out[j] / s.tauSyn);
      }
    }
  }

  @Override
  public void backward(LayerBatch layer, int sample, double[] delta, double[] grad,
      double[] deltaIn, LayerScratch s) {
    double[] in = layer.in()[sample];
    double[] out = layer.out()[sample];
    int m = out.length;
    check(layer, in, m);
    double[] dIn = deltaIn != null ? deltaIn : new double[in.length];
    Arrays.fill(dIn, 0, in.length, 0.0);
    BatchTensor timeGradient = new BatchTensor(1, in.length, 1,
        dIn.length == in.length ? dIn : new double[in.length]);
    pass(s).backwardSample(0, new BatchTensor(1, in.length, 1, in), layer.weights(), m,
        new BatchTensor(1, m, 1, out), new BatchTensor(1, m, 1, Arrays.copyOf(delta, m)),
        layer.maxDwNorm(), grad, timeGradient);
    if (timeGradient.values() != dIn) {
      System.arraycopy(timeGradient.values(), 0, dIn, 0, in.length);
    }
  }

  private static void check(LayerBatch layer, double[] in, int m) {
    if (layer.weights().length != (long) in.length * m) {
      throw new IllegalArgumentException("layer " + layer.index() + ": "
          + layer.weights().length + " weights for " + in.length + " inputs x " + m
          + " outputs; expected " + ((long) in.length * m));
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
