package io.firstspike.core.layer;

import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.Random;

/**
 * A seeded random layer problem for the reference pass tests: per-synapse input times built as
 * input time + delay (t_bij = x_bi + d_ij, d_ij uniform in [0, maxDelay)), some inputs silent,
 * weights Normal(mean, sd).
 */
record RandomLayerCase(String name, NeuronParams params, Variant variant, EpsRule eps, int n,
    int m, double[] weights, BatchTensor times) {

  /** et (tau_m = tau_s = tau, g_l 1) or dt (tau_m = 2 tau, g_l 0.5), threshold 1, leak 0. */
  static NeuronParams params(Variant v, double tauSyn) {
    return v == Variant.ET ? NeuronParams.equalTime(1.0, 0.0, 1.0, tauSyn)
        : new NeuronParams(0.5, 0.0, 1.0, tauSyn, 2 * tauSyn);
  }

  static RandomLayerCase of(Variant v, double tauSyn, EpsRule eps, int n, int m, int batch,
      double maxDelay, double silent, long seed) {
    Random rnd = new Random(seed);
    double[] w = new double[n * m];
    // weights scaled so that a few inputs reach threshold whatever tau: the membrane's peak per
    // unit weight is about 1/e (et) or 1/4 (dt), independent of tau
    double mean = v == Variant.ET ? 1.0 : 0.9;
    for (int i = 0; i < w.length; i++) {
      w[i] = mean * (0.6 + 0.8 * rnd.nextGaussian());
    }
    double[] t = new double[batch * n * m];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < n; i++) {
        double x = rnd.nextDouble() < silent ? Double.POSITIVE_INFINITY
            : 2.0 * tauSyn * rnd.nextDouble();
        for (int j = 0; j < m; j++) {
          t[(b * n + i) * m + j] = x + maxDelay * tauSyn * rnd.nextDouble();
        }
      }
    }
    String name = v.name().toLowerCase() + " tau_syn " + tauSyn + " " + eps;
    return new RandomLayerCase(name, params(v, tauSyn), v, eps, n, m, w,
        new BatchTensor(batch, n, m, t));
  }

  ReferenceNeuronPass pass() {
    return new ReferenceNeuronPass(params, variant, eps);
  }

  @Override
  public String toString() {
    return name;
  }
}
