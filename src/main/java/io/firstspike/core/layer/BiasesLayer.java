package io.firstspike.core.layer;

import io.firstspike.core.optim.RangeRunner;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code Biases}: inputs that always spike at fixed times, appended after the existing ones
 * ({@code [B][N] -> [B][N+nb]}, or {@code [B][N][M] -> [B][N+nb][M]} with the same time on every
 * synapse). The times are constants: the backward pass drops their rows.
 */
public record BiasesLayer(int index, LayerShape inputShape, LayerShape outputShape,
    double[] times) implements Layer {

  public BiasesLayer {
    times = times.clone();
    if (outputShape.rows() != inputShape.rows() + times.length) {
      throw new IllegalArgumentException("layer " + index + " (Biases): " + times.length
          + " times turn " + inputShape + " into [" + (inputShape.rows() + times.length) + ", "
          + inputShape.synapses() + "], not " + outputShape);
    }
  }

  @Override
  public double[] times() {
    return times.clone();
  }

  @Override
  public BatchTensor forward(BatchTensor in, NoiseSource noise, RangeRunner threads,
      PassBuffers buffers) {
    requireInput(in);
    int n = in.rows();
    int w = in.width();
    int rows = n + times.length;
    double[] out = new double[in.batch() * rows * w];
    for (int b = 0; b < in.batch(); b++) {
      System.arraycopy(in.values(), b * n * w, out, b * rows * w, n * w);
      for (int k = 0; k < times.length; k++) {
        int from = (b * rows + n + k) * w;
        Arrays.fill(out, from, from + w, times[k]);
      }
    }
    return new BatchTensor(in.batch(), rows, w, out);
  }

  @Override
  public BatchTensor backward(BatchTensor in, BatchTensor out, BatchTensor gradOut,
      RangeRunner threads, Map<String, double[]> grads, PassBuffers buffers) {
    int n = in.rows();
    int w = gradOut.width();
    int rows = gradOut.rows();
    double[] g = new double[in.batch() * n * w];
    for (int b = 0; b < in.batch(); b++) {
      System.arraycopy(gradOut.values(), b * rows * w, g, b * n * w, n * w);
    }
    return new BatchTensor(in.batch(), n, w, g);
  }
}
