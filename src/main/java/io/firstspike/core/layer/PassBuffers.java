package io.firstspike.core.layer;

import java.util.Arrays;

/**
 * The per-batch tensors of one caller's forward and backward passes (layer inputs and outputs,
 * thresholds, jitter, input-time gradients), kept and handed out again for the next batch of the
 * same size instead of a fresh zeroed array each time: a DelGrad Yin-Yang training batch needs
 * about 0.4 MB of them, and allocating them zeroed on the calling thread was serial work of every
 * batch.
 *
 * <p>Ownership: a reusing instance belongs to one caller that makes its passes one at a time
 * (a {@link DelgradTrainingStep}, an inference over a set). A {@link NetworkPass} made with it is
 * valid until the next {@link LayerNetwork#forward} with the same instance; after that its
 * accessors and {@link LayerNetwork#backward} throw instead of reading another batch's numbers.
 * Nothing of it leaves the core: what a pass hands out ({@link NetworkPass#labelTimes()},
 * {@link NetworkGradients}) is copied or freshly allocated.
 *
 * <p>{@link #fresh()} reuses nothing: every request is a new zeroed tensor that its pass owns
 * for good (one-off passes and tests).
 *
 * <p>A tensor handed out by a reusing instance holds whatever an earlier batch left there: its
 * user writes every value before it reads one.
 */
public final class PassBuffers {
  /** What a tensor is for; with the layer it names one slot. */
  enum Slot {
    /** A layer's forward output. */
    OUTPUT,
    /** A neuron layer's effective thresholds. */
    THRESHOLDS,
    /** A neuron layer's output jitter. */
    JITTER,
    /** A delay layer's tiled effective delays. */
    DELAYS,
    /** dL/d(input) of a layer's backward pass. */
    INPUT_GRADIENT
  }

  /**
   * Arrays kept per slot: one per batch size in use (training batches, a shorter last one,
   * validation batches), the oldest replaced beyond this.
   */
  private static final int SIZES_PER_SLOT = 4;

  private static final PassBuffers FRESH = new PassBuffers(false);

  private final boolean reuse;
  /** Per slot ((layer + 1) * slots + slot), its arrays, newest last. */
  private double[][][] kept = new double[0][][];
  /** Counts the forward passes made with this instance. */
  private long generation;

  private PassBuffers(boolean reuse) {
    this.reuse = reuse;
  }

  /** Buffers that are reused from batch to batch (see the class comment for the rule). */
  public PassBuffers() {
    this(true);
  }

  /** No reuse: every tensor is new and zeroed. */
  public static PassBuffers fresh() {
    return FRESH;
  }

  boolean reuses() {
    return reuse;
  }

  /** Starts a forward pass: the passes made before it become invalid. Its number. */
  long nextGeneration() {
    return reuse ? ++generation : 0;
  }

  /** True while the pass of that number is the latest one. */
  boolean current(long passGeneration) {
    return !reuse || passGeneration == generation;
  }

  /**
   * A {@code [batch][rows][width]} tensor for {@code slot} of layer {@code layer} (layer -1:
   * {@link Slot#OUTPUT} is the network's input, {@link Slot#INPUT_GRADIENT} the gradient of its
   * label times): a new wrapper, over a kept array of that length when there is one, its values
   * left from before.
   */
  BatchTensor tensor(int layer, Slot slot, int batch, int rows, int width) {
    return new BatchTensor(batch, rows, width, array(layer, slot, batch * rows * width));
  }

  /** An array of {@code length} for the slot (see {@link #tensor}). */
  double[] array(int layer, Slot slot, int length) {
    if (!reuse) {
      return new double[length];
    }
    int k = (layer + 1) * Slot.values().length + slot.ordinal();
    if (k >= kept.length) {
      kept = Arrays.copyOf(kept, k + 1);
    }
    double[][] arrays = kept[k];
    if (arrays != null) {
      for (double[] a : arrays) {
        if (a.length == length) {
          return a;
        }
      }
    }
    double[] a = new double[length];
    if (arrays == null) {
      kept[k] = new double[][] {a};
    } else if (arrays.length < SIZES_PER_SLOT) {
      double[][] more = Arrays.copyOf(arrays, arrays.length + 1);
      more[arrays.length] = a;
      kept[k] = more;
    } else {
      System.arraycopy(arrays, 1, arrays, 0, arrays.length - 1);
      arrays[arrays.length - 1] = a;
    }
    return a;
  }
}
