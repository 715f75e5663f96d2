package io.firstspike.core.network;

/**
 * A pass over one layer, forward or backward, on one thread: every implementation says which
 * layers it supports ({@link #supports}), {@link LayerPasses} lists them all and
 * {@link PassPolicy} chooses one per layer. {@link ReferencePass} supports every closed-form
 * layer and is the definition the others are tested against ({@code LayerPassContractTest}).
 * Implementations keep no per-call state: what a call needs beyond its {@link LayerBatch} is in
 * the thread's {@link LayerScratch}.
 */
public interface LayerPass {
  /** Short name, as the policy and the tests report it. */
  String name();

  /** True if this pass can do this computation (anything else it must not be given). */
  boolean supports(LayerComputation computation);

  /** A forward pass: the output spike times of one sample. */
  interface Forward extends LayerPass {
    /**
     * Writes {@code layer.out()[sample]} (+Infinity = no spike), the cache's slot of the sample
     * (if the layer has a cache) and {@code layer.outExp()[sample]} (if given: exp(T / tau_s) per
     * neuron, +Infinity for the silent ones; et only).
     *
     * @throws IllegalArgumentException for an input time that is NaN or -Infinity, or shapes
     *     that disagree (naming the layer and sample)
     */
    void forward(LayerBatch layer, int sample, LayerScratch scratch);
  }

  /**
   * A backward pass: one sample's weight gradient (clipped per sample and neuron, {@code
   * max_dw_norm}) and propagated error. The engine calls {@link #beginChunk}, then
   * {@link #backward} for the chunk's samples in order, then {@link #endChunk}.
   */
  interface Backward extends LayerPass {
    /**
     * Adds the sample's weight gradient dT_j/dw_ij delta_j to {@code grad} (row-major, or defers
     * it to {@link #endChunk}) and writes dL/dt_i into {@code deltaIn}.
     *
     * @param delta dL/dT_j of the layer's outputs (NaN counts as 0)
     * @param deltaIn receives dL/dt_i per input, or null when not needed (the first layer)
     * @throws ArithmeticException if a gradient or propagated error is not finite
     */
    void backward(LayerBatch layer, int sample, double[] delta, double[] grad, double[] deltaIn,
        LayerScratch scratch);

    /** Before the first sample of a chunk (drops what an interrupted chunk left). */
    default void beginChunk(LayerScratch scratch) {}

    /** True if {@link #endChunk} replaces the whole gradient (no need to zero it first). */
    default boolean overwritesGradient() {
      return false;
    }

    /** After the last sample of a chunk, with the chunk's gradient buffer of the layer. */
    default void endChunk(double[] grad, LayerScratch scratch) {}
  }
}
