package io.firstspike.core.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a {@link GroupedOptimizer} needs to continue exactly, in the layout of torch's
 * optimizer state dict: the type ({@code "adam"} or {@code "sgd"}), each group's current learning
 * rate, and per tensor (in group order) its step count and buffers (Adam: {@code exp_avg} then
 * {@code exp_avg_sq}; SGD with momentum: {@code momentum_buffer}; none before the first step).
 * Arrays are copied in and out, so a state never aliases an optimizer's live buffers.
 */
public record GroupedOptimizerState(String type, double[] learningRates, List<TensorState> tensors) {

  /** The state of one tensor. */
  public record TensorState(String name, long step, List<double[]> buffers) {
    public TensorState {
      if (step < 0) {
        throw new IllegalArgumentException(
            "optimizer state of " + name + ": step must be >= 0, got " + step);
      }
      buffers = copy(buffers);
    }

    /** Copies of the buffers (a state is never changed through what it hands out). */
    @Override
    public List<double[]> buffers() {
      return copy(buffers);
    }
  }

  public GroupedOptimizerState {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("optimizer state: type is missing");
    }
    learningRates = learningRates.clone();
    tensors = List.copyOf(tensors);
  }

  @Override
  public double[] learningRates() {
    return learningRates.clone();
  }

  private static List<double[]> copy(List<double[]> in) {
    List<double[]> out = new ArrayList<>(in.size());
    for (double[] b : in) {
      out.add(b.clone());
    }
    return List.copyOf(out);
  }
}
