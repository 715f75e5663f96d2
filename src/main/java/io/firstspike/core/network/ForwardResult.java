package io.firstspike.core.network;

/**
 * The outcome of {@link NetworkEngine#forward} for one batch: every layer's output spike times,
 * and (unless made by {@link NetworkEngine#forwardTimes}) a handle on what the engine keeps for
 * {@link NetworkEngine#backward}, which only the engine reads.
 */
public final class ForwardResult {
  final NetworkEngine engine;
  /** The engine's state of this pass (inputs, caches, weights used). */
  final EngineBatch state;
  /** Set by {@link NetworkEngine#recycle}: the buffers now belong to the engine again. */
  boolean released;

  ForwardResult(NetworkEngine engine, EngineBatch state) {
    this.engine = engine;
    this.state = state;
  }

  void requireLive() {
    if (released) {
      throw new IllegalStateException("this ForwardResult was handed back with "
          + "NetworkEngine.recycle; its buffers belong to a later pass now");
    }
  }

  public int batchSize() {
    return state.batch;
  }

  public int layers() {
    return state.layers;
  }

  /** Output spike times of layer l, [B][n_l] (a copy; +Infinity = no spike). */
  public double[][] times(int layer) {
    requireLive();
    double[][] t = new double[state.batch][];
    for (int s = 0; s < state.batch; s++) {
      t[s] = state.outputs[layer][s].clone();
    }
    return t;
  }

  /** Output spike times of the label (last) layer, [B][nOutputs]. */
  public double[][] labelTimes() {
    return times(state.layers - 1);
  }

  /** True if {@link NetworkEngine#backward} can use this result. */
  public boolean hasBackwardCache() {
    return state.caches != null;
  }
}
