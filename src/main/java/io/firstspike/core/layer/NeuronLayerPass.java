package io.firstspike.core.layer;

import io.firstspike.core.optim.RangeRunner;

/**
 * How a {@link NeuronLayer} runs its forward and backward pass over a batch (DELGRAD-MODEL.md
 * sections 3.2 and 3.3): the layer owns its weights, rounding and noise, a pass owns the
 * arithmetic. Every implementation gives the bits of {@link ReferenceNeuronPass} run sample by
 * sample in {@link SampleChunks} (the {@link NeuronPassKind#REFERENCE} pass): same output times,
 * same input-time gradients, and the weight gradient summed per chunk in sample order, then over
 * the chunks in chunk order, so that the number of threads never changes a bit. {@code
 * NeuronPassContractTest} holds every kind to that.
 *
 * <p>Implementations are thread-safe (one instance serves every chunk of a batch at once).
 */
public interface NeuronLayerPass {

  /**
   * Output times of a batch.
   *
   * @param in t_bij, width m or 1
   * @param weights w_ij row-major [N][m] (already rounded when the network rounds)
   * @param thresholds effective thresholds theta_bj [B][m] (width 1)
   * @param jitter added to every output time [B][m], null for none
   * @param out T_bj [B][m] (width 1), written
   */
  void forward(BatchTensor in, double[] weights, BatchTensor thresholds, BatchTensor jitter,
      BatchTensor out, RangeRunner threads);

  /**
   * The backward pass of a batch at the nominal threshold.
   *
   * @param in the forward pass's input
   * @param weights the unrounded weights
   * @param out the forward pass's output (after jitter)
   * @param delta dL/dT_bj [B][m] (width 1); NaN counts as 0
   * @param timeGradient dL/dt_bij, shaped like {@code in}; overwritten (each sample's part is
   *     cleared by the thread that computes it, so the caller may hand in a used buffer)
   * @return dL/dw_ij summed over the batch, [N][m] row-major
   * @throws ArithmeticException if a gradient is not finite (a bug, never a result)
   */
  double[] backward(BatchTensor in, double[] weights, BatchTensor out, BatchTensor delta,
      BatchTensor timeGradient, RangeRunner threads);
}
