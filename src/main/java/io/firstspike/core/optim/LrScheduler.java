package io.firstspike.core.optim;

/**
 * A learning-rate schedule, stepped once per epoch after the training batches (TTFS-MODEL.md
 * section 5). Implementations drive the {@link Optimizer} they were constructed with, in PyTorch's
 * recursive form: each step multiplies the optimizer's current learning rate by a factor that
 * depends only on the number of epochs stepped.
 */
public interface LrScheduler {

  /** Ends one epoch: counts it and updates the optimizer's learning rate. */
  void step();

  /** Epochs stepped since construction (PyTorch's {@code last_epoch}). */
  int epochsStepped();

  /**
   * Sets the optimizer's learning rate to exactly what {@code epochsStepped} calls of {@link
   * #step} after construction would have produced (starting from the base learning rate the
   * optimizer had at construction), and the epoch count to {@code epochsStepped}.
   */
  void restore(int epochsStepped);
}
