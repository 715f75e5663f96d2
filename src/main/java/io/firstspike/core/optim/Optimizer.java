package io.firstspike.core.optim;

/**
 * A first-order optimizer that updates the network's weights in place (TTFS-MODEL.md section 5).
 *
 * <p>Call order: construct with the learning rate, then {@link #step} once per non-bumped batch
 * with the weight gradients of that batch; a scheduler may change {@link #learningRate} between
 * epochs. {@link #state} and {@link #restore} capture everything needed so that a restored
 * optimizer continues bit for bit as if it had never stopped.
 */
public interface Optimizer {

  /**
   * One update of every parameter array.
   *
   * @param params one array per layer (row-major weights), updated in place
   * @param grads the gradients, same shape as {@code params}
   * @throws IllegalArgumentException if the shapes disagree with each other or with the moments
   *     accumulated so far
   */
  void step(double[][] params, double[][] grads);

  /**
   * From now on, {@link #step} may cut its element-wise update into parts that {@code ranges}
   * runs, possibly in parallel (a training loop hands in its engine's threads): the same bits as
   * the serial step. {@link RangeRunner#SERIAL} (the initial runner) makes it serial again.
   * Optimizers whose step is cheap ignore it.
   */
  default void setRanges(RangeRunner ranges) {}

  double learningRate();

  void setLearningRate(double lr);

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
