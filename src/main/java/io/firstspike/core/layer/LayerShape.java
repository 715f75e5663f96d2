package io.firstspike.core.layer;

/**
 * The shape of the tensor between two layers, per sample (HEAD's {@code feat}): {@code rows}
 * inputs, each with {@code synapses} times (1 for a 2-D tensor {@code [B][N]}, M_next for a 3-D
 * tensor {@code [B][N][M]}). A tensor of this shape may still be stored with width 1 when all
 * synapses of an input share one time (after a {@link BroadcastLayer}), see {@link BatchTensor}.
 */
public record LayerShape(int rows, int synapses) {
  public LayerShape {
    if (rows < 1 || synapses < 1) {
      throw new IllegalArgumentException("layer shape [" + rows + ", " + synapses
          + "]: both must be >= 1");
    }
  }

  /** True for HEAD's 2-D tensors (one time per input). */
  public boolean perInput() {
    return synapses == 1;
  }

  @Override
  public String toString() {
    return "[" + rows + ", " + synapses + "]";
  }
}
