package io.firstspike.core.optim;

/**
 * A learning-rate schedule, stepped once per epoch after the training batches (TTFS-MODEL.md
 * section 5, DELGRAD-MODEL.md section 6). Implementations drive the {@link LearningRates} they
 * were constructed with (a single-rate {@link Optimizer}, or every parameter group of a {@link
 * GroupedOptimizer}), in PyTorch's recursive form: each step multiplies each group's current
 * learning rate by a factor that depends only on the number of epochs stepped.
 */
public interface LrScheduler {

  /** Ends one epoch: counts it and updates the learning rates. */
  void step();

  /** Epochs stepped since construction (PyTorch's {@code last_epoch}). */
  int epochsStepped();

  /**
   * Sets the learning rates to exactly what {@code epochsStepped} calls of {@link #step} after
   * construction would have produced (starting from the base learning rates at construction),
   * and the epoch count to {@code epochsStepped}.
   */
  void restore(int epochsStepped);
}
