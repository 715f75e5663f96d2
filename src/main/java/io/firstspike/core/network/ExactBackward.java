package io.firstspike.core.network;

/**
 * The exact backward passes of the 2021 model (TTFS-MODEL.md section 3), from the cache of a
 * closed-form or Euler forward pass: three registered passes that give the same bits. The causal
 * set of every output is the forward set plus any inputs at exactly the output time; its
 * gradients follow {@code EqualTime} / {@code DoubleTime}, with clipping per sample and neuron
 * ({@code max_dw_norm}). The walkers and their buffers are the thread's ({@link LayerScratch}).
 */
final class ExactBackward implements LayerPass.Backward {
  /** Output by output over its causal inputs ({@link ColumnBackward}): small layers. */
  static final ExactBackward COLUMNS = new ExactBackward("columns", false, false);

  /** Input row by input row ({@link RowMajorBackward}): wide layers. */
  static final ExactBackward ROWS = new ExactBackward("rows", true, false);

  /**
   * {@link #ROWS} without propagated error (the first layer), whose weight gradients wait for
   * the end of the chunk and are then added in one sweep over the rows ({@link DeferredRows}):
   * the same bits as adding them sample by sample, but each row is loaded once per chunk.
   */
  static final ExactBackward DEFERRED_ROWS = new ExactBackward("deferred-rows", true, true);

  private final String name;
  private final boolean rowMajor;
  private final boolean deferred;

  private ExactBackward(String name, boolean rowMajor, boolean deferred) {
    this.name = name;
    this.rowMajor = rowMajor;
    this.deferred = deferred;
  }

  @Override
  public String name() {
    return name;
  }

  /** Layers of the 2021 model on shared times, after the closed form or the Euler pass. */
  @Override
  public boolean supports(LayerComputation computation) {
    return computation.release2021Shared();
  }

  /**
   * @throws IllegalArgumentException for {@link #DEFERRED_ROWS} with a {@code deltaIn}, or a
   *     layer without cache
   */
  @Override
  public void backward(LayerBatch layer, int sample, double[] delta, double[] grad,
      double[] deltaIn, LayerScratch s) {
    LayerCache cache = layer.cache();
    if (cache == null) {
      throw new IllegalArgumentException("layer " + layer.index() + ": the exact backward pass "
          + "needs the cache of a forward pass with cache");
    }
    double[] in = layer.in()[sample];
    double[] out = layer.out()[sample];
    if (deferred) {
      if (deltaIn != null) {
        throw new IllegalArgumentException("layer " + layer.index() + ": the deferred backward "
            + "pass computes no propagated error (first layers only)");
      }
      s.rowWalk().defer(in, layer.weights(), out, delta, cache, sample, layer.index(),
          layer.maxDwNorm(), s.deferred());
    } else if (rowMajor) {
      s.rowWalk().backward(in, layer.weights(), out, delta, cache, sample, layer.index(),
          layer.maxDwNorm(), grad, deltaIn);
    } else {
      s.columnWalk().backward(in, layer.weights(), out, delta, cache, sample, layer.index(),
          layer.maxDwNorm(), grad, deltaIn);
    }
  }

  @Override
  public void beginChunk(LayerScratch s) {
    if (deferred) {
      s.deferred().clear();
    }
  }

  @Override
  public boolean overwritesGradient() {
    return deferred;
  }

  /** {@link #DEFERRED_ROWS}: grad becomes the chunk's gradient sum (zeros if nothing waits). */
  @Override
  public void endChunk(double[] grad, LayerScratch s) {
    if (deferred) {
      s.deferred().flush(grad, true);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
