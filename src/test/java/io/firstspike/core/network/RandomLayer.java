package io.firstspike.core.network;

import io.firstspike.core.neuron.NeuronParams;
import java.util.Random;

/** Seeded random layers and inputs for the numeric tests. */
record RandomLayer(NeuronParams params, int nIn, int nOut, double[] weights, double[][] inputs) {

  static final NeuronParams ET = NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0);
  static final NeuronParams DT = new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0);

  /**
   * Weights Normal(mean, sd), input times uniform on [0, maxTime), each input silent (+Infinity)
   * with probability silent.
   */
  static RandomLayer of(NeuronParams p, int nIn, int nOut, int batch, double mean, double sd,
      double maxTime, double silent, long seed) {
    Random rnd = new Random(seed);
    double[] w = new double[nIn * nOut];
    for (int i = 0; i < w.length; i++) {
      w[i] = mean + sd * rnd.nextGaussian();
    }
    double[][] in = new double[batch][nIn];
    for (int s = 0; s < batch; s++) {
      for (int i = 0; i < nIn; i++) {
        in[s][i] = rnd.nextDouble() < silent ? Double.POSITIVE_INFINITY : maxTime * rnd.nextDouble();
      }
    }
    return new RandomLayer(p, nIn, nOut, w, in);
  }

  /** Output times of sample s. */
  double[] forward(int s) {
    double[] out = new double[nOut];
    new OneLayer(params).forward(inputs[s], weights, out, null, 0, 0);
    return out;
  }
}
