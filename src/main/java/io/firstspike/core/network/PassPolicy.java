package io.firstspike.core.network;

import io.firstspike.core.neuron.Variant;

/**
 * The one place that chooses which {@link LayerPass} computes a layer, and every threshold of
 * those choices, whether it picks a pass for a layer's shape or a loop inside a pass for the
 * state of a sample. {@link #FASTEST} is the engine's default; {@link #REFERENCE} runs the
 * readable {@link ReferencePass} everywhere. A computation that no fast pass supports (DelGrad's
 * per-synapse times, threshold noise, its EPS rule) goes to the reference pass under either;
 * today's adapter runs only the 2021 model on shared times, so the engine rejects such a computation
 * with a message that names it, until a {@link LayerBatch} carries what those layers need.
 *
 * <p>The thresholds were measured on this project's 2-vCPU machine (docs/BENCHMARKS.md). None of
 * them changes a result: the passes and loops they choose between give the same bits
 * ({@code LayerPassContractTest}, {@code EngineBitsTest}), except the final-group shortcut, whose
 * sums differ by rounding (see {@link #FINAL_GROUP_SHARE}).
 */
public enum PassPolicy {
  /** The reference pass for every layer: slow, for checks. */
  REFERENCE {
    @Override
    public LayerPass.Forward forward(LayerComputation computation) {
      return ReferencePass.INSTANCE;
    }

    @Override
    public LayerPass.Backward backward(LayerComputation computation, boolean firstLayer) {
      return ReferencePass.INSTANCE;
    }

    @Override
    public boolean preparesRows(LayerComputation computation) {
      return false;
    }
  },

  /** The fastest pass measured for each layer shape. */
  FASTEST {
    @Override
    public LayerPass.Forward forward(LayerComputation computation) {
      if (computation.euler() != null) {
        return new EulerForward(computation.euler());
      }
      if (!computation.release2021Shared()) {
        return ReferencePass.INSTANCE;
      }
      if (computation.variant() == Variant.DT) {
        return ClosedFormForward.PREFIX;
      }
      if (computation.neurons() <= NARROW_MAX_WIDTH) {
        return ClosedFormForward.NARROW;
      }
      return preparesRows(computation) ? ClosedFormForward.BLOCKED : ClosedFormForward.PREFIX;
    }

    @Override
    public LayerPass.Backward backward(LayerComputation computation, boolean firstLayer) {
      if (!computation.release2021Shared()) {
        return ReferencePass.INSTANCE;
      }
      if (computation.weights() >= ROW_MAJOR_MIN_WEIGHTS) {
        return firstLayer ? ExactBackward.DEFERRED_ROWS : ExactBackward.ROWS;
      }
      return ExactBackward.COLUMNS;
    }

    @Override
    public boolean preparesRows(LayerComputation computation) {
      return computation.weights() >= ROW_COPIES_FROM;
    }
  };

  /**
   * The forward pass of layers of this computation.
   *
   * @throws IllegalArgumentException if no pass supports the computation (Euler with per-synapse times)
   */
  public abstract LayerPass.Forward forward(LayerComputation computation);

  /**
   * The backward pass of layers of this computation; {@code firstLayer}: no error propagates further
   * down, so the weight gradients of a chunk may be added in one sweep at its end.
   */
  public abstract LayerPass.Backward backward(LayerComputation computation, boolean firstLayer);

  /** True if the forward pass of such a layer gets row copies in its {@link PreparedWeights}. */
  public abstract boolean preparesRows(LayerComputation computation);

  /**
   * True if this policy defers the weight gradients of a first (2021) layer of this shape to the
   * end of each backward chunk ({@link DeferredRows}, which then holds the chunk's samples).
   */
  public boolean defersFirstLayer(int inputs, int neurons) {
    return backward(new LayerComputation(Variant.ET, inputs, neurons,
        io.firstspike.core.layer.EpsRule.RELEASE_2021, false, false, null), true)
        .overwritesGradient();
  }

  // ---- Choices of a pass per layer shape ----

  /**
   * Weights from which a layer gets row copies (and with them, for et, the blocked pass): below,
   * the copies cost more than the vectorised loops save.
   */
  static final int ROW_COPIES_FROM = 64;

  /**
   * The widest et layer that takes the neuron-by-neuron narrow pass (the label layers): for
   * Yin-Yang's 121 -> 3 label layer, a pass over three lanes per prefix, or per block of four
   * with its bound, flag scan and walk, cost more than each neuron's own walk.
   */
  static final int NARROW_MAX_WIDTH = 4;

  /**
   * Layers with at least this many weights take the row-major backward pass (the first layer:
   * its deferred form). Below, both matrices fit in L1/L2 and the column walk does as well; the
   * small layers (Yin-Yang 5 x 120 and 121 x 3, the MNIST label layers 350 x 10 and 128 x 10)
   * keep it. Measured: full MNIST 784 x 350, backward pass 1.9x faster; 16x16 MNIST 256 x 128
   * (exactly this size) the same within the noise.
   */
  static final int ROW_MAJOR_MIN_WEIGHTS = 1 << 15;

  // ---- Choices of a loop inside a pass, per sample ----

  /**
   * A final group of equal input times is added from the column sums once it holds more than
   * 1 / this of the inputs (every background pixel of a full MNIST image spikes at one time,
   * about 80% of them), so the other rows are fewer to read: sum over the group of w_ij =
   * columnSums_j - sum over the other rows of w_ij. Those sums differ from input-by-input
   * accumulation by rounding only (about 1e-15 relative).
   */
  static final int FINAL_GROUP_SHARE = 2;

  /**
   * The running sums switch from the dense loop over all neurons to the indirect one over the
   * active neurons once fewer than 1 / SPARSE_BELOW of them are active (measured on the full
   * MNIST layer, where a few late neurons would otherwise keep all 350 columns streaming).
   */
  static final int SPARSE_BELOW = 2;

  /**
   * Prefixes per block of the blocked pass ({@link BlockedEt#blockEt}, written out for four):
   * their sums are added in one pass over the neurons and one bound covers all of their
   * intervals, so the neuron arrays are read, written and tested once per block instead of once
   * per input.
   */
  static final int BLOCK = 4;

  /** Blocks are used from this many finite inputs on (below, the per-prefix path is as fast). */
  static final int BLOCK_FROM = 16;

  /**
   * A block switches to the loop over the active neurons only once fewer than 1 / this of them
   * are active: the dense loops stream whole weight rows, which the hardware prefetches, while
   * the active-only loop gathers scattered weights (for full MNIST, from beyond L2). Since the
   * flag scan visits only the active neurons, the dense block stays as fast down to a few active
   * neurons (full MNIST, A/B: 16 took 0.96-0.98 of the time of 8; 32 and never the same as 16).
   * The final group's subtraction uses it too when row copies exist.
   */
  static final int BLOCK_SPARSE_BELOW = 16;

  /**
   * A block's flags are looked for among the active neurons only (an indexed loop) once fewer
   * than 1 / this of the neurons are active, else among all (a plain loop): for full MNIST a
   * third are active in the average block.
   */
  static final int SCAN_ACTIVE_BELOW = 2;

  /**
   * A deferred gradient row walks all outputs, in order, once at least 1 / this of them are
   * causal for its input: a contiguous loop the JIT vectorises, against an indexed gather and
   * scatter per causal output ({@link DeferredRows}).
   */
  static final int DEFERRED_DENSE_FROM = 4;
}
