package io.firstspike.core.layer;

import io.firstspike.core.optim.RangeRunner;
import java.util.List;
import java.util.Map;

/**
 * One layer of a {@link LayerNetwork} (DELGRAD-MODEL.md sections 1 to 4), with its shapes fixed
 * by the network. Layers map a batch of times to a batch of times and back:
 *
 * <pre>
 *   forward:   out = f(in)                       (noise drawn from the given source)
 *   backward:  dL/d(in) from dL/d(out); dL/d(parameters) into {@code grads} (trainable only)
 * </pre>
 *
 * A gradient tensor has the storage shape of the tensor it belongs to ({@link BatchTensor}).
 * Passes keep no state in the layer: the network hands each backward call the input and output
 * of the forward call it belongs to.
 */
public sealed interface Layer
    permits BroadcastLayer, DelayLayer, BiasesLayer, MultiplexLayer, NeuronLayer {

  /** Position in the network; names the parameters ({@code layers.<index>.*}). */
  int index();

  /** HEAD's feat_in. */
  LayerShape inputShape();

  /** HEAD's feat_out. */
  LayerShape outputShape();

  /** The forward pass over a batch, its output a new tensor ({@link PassBuffers#fresh()}). */
  default BatchTensor forward(BatchTensor in, NoiseSource noise, RangeRunner threads) {
    return forward(in, noise, threads, PassBuffers.fresh());
  }

  /**
   * The forward pass over a batch.
   *
   * @param buffers where the output and the pass's other per-batch tensors come from
   */
  BatchTensor forward(BatchTensor in, NoiseSource noise, RangeRunner threads,
      PassBuffers buffers);

  /** The backward pass over a batch, dL/d(in) a new tensor ({@link PassBuffers#fresh()}). */
  default BatchTensor backward(BatchTensor in, BatchTensor out, BatchTensor gradOut,
      RangeRunner threads, Map<String, double[]> grads) {
    return backward(in, out, gradOut, threads, grads, PassBuffers.fresh());
  }

  /**
   * The backward pass over a batch.
   *
   * @param in the forward call's input
   * @param out the forward call's output
   * @param gradOut dL/d(out), shaped like {@code out}
   * @param grads receives dL/d(parameter) by {@link Parameter#name()}, trainable ones only (new
   *     arrays)
   * @param buffers where dL/d(in) comes from: with reusing buffers, the next backward pass with
   *     them overwrites it, so use or copy it before then (as the network does)
   * @return dL/d(in), shaped like {@code in}
   */
  BatchTensor backward(BatchTensor in, BatchTensor out, BatchTensor gradOut, RangeRunner threads,
      Map<String, double[]> grads, PassBuffers buffers);

  /** The live parameter tensors, none for layers without parameters. */
  default List<Parameter> parameters() {
    return List.of();
  }

  /** Checks that a forward input has this layer's input shape (width 1 or all synapses). */
  default void requireInput(BatchTensor in) {
    LayerShape s = inputShape();
    if (in.rows() != s.rows() || (in.width() != 1 && in.width() != s.synapses())) {
      throw new IllegalArgumentException("layer " + index() + " (" + getClass().getSimpleName()
          + ") expects inputs of shape " + s + ", got " + in);
    }
  }
}
