package io.firstspike.core.layer;

import io.firstspike.core.optim.RangeRunner;

/**
 * {@link ReferenceNeuronPass} as a {@link NeuronLayerPass}: samples in {@link SampleChunks} on the
 * given threads; the weight gradient is added per chunk in sample order, then over the chunks in
 * chunk order (so its bits do not depend on the number of threads).
 */
final class ChunkedReferencePass implements NeuronLayerPass {
  private final ReferenceNeuronPass pass;
  private final int m;
  private final double maxDwNorm;

  ChunkedReferencePass(ReferenceNeuronPass pass, int m, double maxDwNorm) {
    this.pass = pass;
    this.m = m;
    this.maxDwNorm = maxDwNorm;
  }

  @Override
  public void forward(BatchTensor in, double[] weights, BatchTensor thresholds,
      BatchTensor jitter, BatchTensor out, RangeRunner threads) {
    SampleChunks.run(in.batch(), threads, (chunk, from, to) -> {
      for (int b = from; b < to; b++) {
        pass.forwardSample(b, in, weights, m, thresholds, jitter, out);
      }
    });
  }

  @Override
  public double[] backward(BatchTensor in, double[] weights, BatchTensor out, BatchTensor delta,
      BatchTensor timeGradient, RangeRunner threads) {
    int batch = in.batch();
    int size = in.rows() * m;
    double[][] chunkGradients = new double[SampleChunks.count(batch)][];
    SampleChunks.run(batch, threads, (chunk, from, to) -> {
      double[] g = new double[size];
      for (int b = from; b < to; b++) {
        SampleChunks.clearSample(timeGradient, b);
        pass.backwardSample(b, in, weights, m, out, delta, maxDwNorm, g, timeGradient);
      }
      chunkGradients[chunk] = g;
    });
    return SampleChunks.sum(chunkGradients, size);
  }
}
