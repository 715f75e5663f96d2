package io.firstspike.core.layer;

import io.firstspike.core.optim.RangeRunner;
import java.util.Map;

/**
 * {@code Multiplex}: every input repeated {@code factor} times, interleaved: input k*f + q of the
 * output is a copy of input k (x, y -> x, x, x, y, y, y), per synapse for 3-D tensors.
 *
 * <pre>
 *   forward:  t_b(kf+q)j = x_bkj          backward:  dL/dx_bkj = sum_q dL/dt_b(kf+q)j
 * </pre>
 */
public record MultiplexLayer(int index, LayerShape inputShape, LayerShape outputShape, int factor)
    implements Layer {

  public MultiplexLayer {
    if (outputShape.rows() != inputShape.rows() * factor) {
      throw new IllegalArgumentException("layer " + index + " (Multiplex): factor " + factor
          + " turns " + inputShape + " into [" + inputShape.rows() * factor + ", "
          + inputShape.synapses() + "], not " + outputShape);
    }
  }

  @Override
  public BatchTensor forward(BatchTensor in, NoiseSource noise, RangeRunner threads,
      PassBuffers buffers) {
    requireInput(in);
    int n = in.rows();
    int w = in.width();
    double[] out = new double[in.batch() * n * factor * w];
    for (int b = 0; b < in.batch(); b++) {
      for (int k = 0; k < n; k++) {
        for (int q = 0; q < factor; q++) {
          System.arraycopy(in.values(), (b * n + k) * w, out, ((b * n + k) * factor + q) * w, w);
        }
      }
    }
    return new BatchTensor(in.batch(), n * factor, w, out);
  }

  @Override
  public BatchTensor backward(BatchTensor in, BatchTensor out, BatchTensor gradOut,
      RangeRunner threads, Map<String, double[]> grads, PassBuffers buffers) {
    int n = in.rows();
    int w = gradOut.width();
    double[] g = new double[in.batch() * n * w];
    double[] go = gradOut.values();
    for (int b = 0; b < in.batch(); b++) {
      for (int k = 0; k < n; k++) {
        for (int q = 0; q < factor; q++) {
          int from = ((b * n + k) * factor + q) * w;
          for (int j = 0; j < w; j++) {
            g[(b * n + k) * w + j] += go[from + j];
          }
        }
      }
    }
    return new BatchTensor(in.batch(), n, w, g);
  }
}
