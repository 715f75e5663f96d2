package io.firstspike.core.layer;

import io.firstspike.core.optim.RangeRunner;
import java.util.Map;

/**
 * {@code BroadcastLayer}: one time per input, {@code [B][N]}, becomes one per synapse of the next
 * neuron layer's M neurons, {@code [B][N][M]}, all equal:
 *
 * <pre>
 *   forward:  t_bij = x_bi          backward:  dL/dx_bi = sum_j dL/dt_bij
 * </pre>
 *
 * Nothing is copied: the output is the input tensor (width 1 broadcasts, see {@link BatchTensor}),
 * and the layers above already return width-1 gradients summed over j.
 */
public record BroadcastLayer(int index, LayerShape inputShape, LayerShape outputShape)
    implements Layer {

  public BroadcastLayer {
    if (!inputShape.perInput()) {
      throw new IllegalArgumentException("layer " + index + " (BroadcastLayer) needs one time per "
          + "input (a 2-D tensor), got shape " + inputShape);
    }
  }

  @Override
  public BatchTensor forward(BatchTensor in, NoiseSource noise, RangeRunner threads,
      PassBuffers buffers) {
    requireInput(in);
    return in;
  }

  @Override
  public BatchTensor backward(BatchTensor in, BatchTensor out, BatchTensor gradOut,
      RangeRunner threads, Map<String, double[]> grads, PassBuffers buffers) {
    return gradOut;
  }
}
