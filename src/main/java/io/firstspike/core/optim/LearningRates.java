package io.firstspike.core.optim;

/**
 * The learning rates a scheduler drives: one per parameter group (DELGRAD-MODEL.md section 6:
 * one group per layer entry). A single-rate {@link Optimizer} is one group.
 */
public interface LearningRates {

  /** Number of parameter groups. */
  int groupCount();

  /** The current learning rate of group {@code group}. */
  double learningRate(int group);

  /**
   * Sets the learning rate of group {@code group}.
   *
   * @throws IllegalArgumentException if lr is not a finite number >= 0
   */
  void setLearningRate(int group, double lr);
}
