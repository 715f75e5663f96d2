package io.firstspike.core.optim;

/**
 * A first-order optimizer that updates the network's weights in place (TTFS-MODEL.md section 5).
 *
 * <p>Call order: construct with the learning rate (and, for Adam, the {@link RangeRunner} that
 * may run parts of a large update in parallel: the threads stay out of {@link #step}), then
 * {@link #step} once per non-bumped batch
 * with the weight gradients of that batch; a scheduler may change {@link #learningRate} between
 * epochs. {@link #state} and {@link #restore} capture everything needed so that a restored
 * optimizer continues bit for bit as if it had never stopped.
 */
public interface Optimizer extends LearningRates {

  /**
   * One update of every parameter array.
   *
   * @param params one array per layer (row-major weights), updated in place
   * @param grads the gradients, same shape as {@code params}
   * @throws IllegalArgumentException if the shapes disagree with each other or with the moments
   *     accumulated so far
   */
  void step(double[][] params, double[][] grads);

  double learningRate();

  void setLearningRate(double lr);

  /** One group: every parameter array shares the one learning rate. */
  @Override
  default int groupCount() {
    return 1;
  }

  @Override
  default double learningRate(int group) {
    checkGroup(group);
    return learningRate();
  }

  @Override
  default void setLearningRate(int group, double lr) {
    checkGroup(group);
    setLearningRate(lr);
  }

  private static void checkGroup(int group) {
    if (group != 0) {
      throw new IndexOutOfBoundsException(
          "optimizer: a single-rate optimizer has group 0 only, got " + group);
    }
  }

  /** A deep copy of the optimizer's state. */
  OptimizerState state();

  /**
   * Replaces this optimizer's state by a deep copy of {@code s}.
   *
   * @throws IllegalArgumentException if {@code s} belongs to another optimizer type or shape
   */
  void restore(OptimizerState s);

  /** Throws unless params and grads have the same number of arrays and lengths. */
  static void checkShapes(double[][] params, double[][] grads) {
    if (params.length != grads.length) {
      throw new IllegalArgumentException(
          "optimizer: " + params.length + " parameter arrays but " + grads.length + " gradients");
    }
    for (int l = 0; l < params.length; l++) {
      if (params[l].length != grads[l].length) {
        throw new IllegalArgumentException(
            "optimizer: layer " + l + " has " + params[l].length + " weights but "
                + grads[l].length + " gradients");
      }
    }
  }

  /** Throws unless a moment buffer has the shape of params. */
  static void checkBuffer(String name, double[][] buffer, double[][] params) {
    if (buffer.length != params.length) {
      throw new IllegalArgumentException(
          "optimizer: " + name + " has " + buffer.length + " layers, parameters have "
              + params.length);
    }
    for (int l = 0; l < params.length; l++) {
      if (buffer[l].length != params[l].length) {
        throw new IllegalArgumentException(
            "optimizer: " + name + " of layer " + l + " has " + buffer[l].length
                + " entries, parameters have " + params[l].length);
      }
    }
  }

  /** Throws unless lr is a finite number >= 0. */
  static double checkLearningRate(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException(
          "training_params.learning_rate must be a finite number >= 0, got " + lr);
    }
    return lr;
  }
}
