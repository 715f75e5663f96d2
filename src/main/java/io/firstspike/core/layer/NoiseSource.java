package io.firstspike.core.layer;

/**
 * Where the hardware-aware noise of a forward pass comes from (DELGRAD-MODEL.md section 8).
 *
 * <p>A forward pass asks, layer by layer, in this order: a delay layer with {@code jitter} != 0
 * its jitter {@code [B][N][M]}; a neuron layer with a threshold noise std != 0 its sample-to-sample
 * noise {@code [B][M]} and then its batch-to-batch noise {@code [M]} (both whenever either std is
 * nonzero), then, with {@code jitter} != 0, its output jitter {@code [B][M]}. Every entry is std
 * times a standard normal draw. {@link SeededNoise} draws them from one seeded stream in that
 * order; a test can replay the draws a fixture recorded.
 *
 * <p>A training step with {@code training_noise} asks before its forward pass for the input
 * noise ({@link Kind#INPUT_NOISE}, {@code [B][n_inputs]} standard normals, std 1; layer -1), so
 * one seeded stream gives all of a run's noise and the run is reproducible (the original draws
 * the hardware-aware noise from an unseeded generator, DELGRAD-MODEL.md section 8).
 */
@FunctionalInterface
public interface NoiseSource {

  /** What a draw is for. */
  enum Kind {
    /** A delay layer's jitter, added to every delayed synapse time, {@code [B][N][M]}. */
    DELAY_JITTER,
    /** A neuron layer's threshold noise per sample and neuron, {@code [B][M]}. */
    THRESHOLD_S2S,
    /** A neuron layer's threshold noise per neuron, shared by the batch, {@code [M]}. */
    THRESHOLD_B2B,
    /** A neuron layer's output jitter, added to every output time, {@code [B][M]}. */
    OUTPUT_JITTER,
    /**
     * A training step's input noise ({@code training_noise}), standard normals {@code [B][N]}
     * asked with std 1 and layer -1, before the forward pass.
     */
    INPUT_NOISE
  }

  /**
   * Fills {@code out} with std * N(0, 1), one draw per entry, in order.
   *
   * @param layer index of the asking layer in its network
   */
  void fill(Kind kind, int layer, double std, double[] out);

  /** No noise at all: every draw is 0 (for a noise-free inference of a noisy model). */
  NoiseSource ZERO = (kind, layer, std, out) -> java.util.Arrays.fill(out, 0.0);
}
