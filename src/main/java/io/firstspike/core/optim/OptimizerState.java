package io.firstspike.core.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything an optimizer needs to continue exactly: its type ({@code "adam"} or {@code "sgd"}),
 * the number of steps taken, the current learning rate and its moment buffers (Adam: first then
 * second moment; SGD with momentum: the momentum buffer), each one array per layer. Buffers are
 * empty before the first step. The constructor and {@link #deepCopy} copy the arrays, so a state
 * never aliases an optimizer's live buffers.
 */
public record OptimizerState(String type, long step, double learningRate, List<double[][]> buffers) {

  public OptimizerState {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("optimizer state: type is missing");
    }
    if (step < 0) {
      throw new IllegalArgumentException("optimizer state: step must be >= 0, got " + step);
    }
    buffers = List.copyOf(copyAll(buffers));
  }

  /** A copy whose arrays are independent of this one's. */
  public List<double[][]> deepCopyBuffers() {
    return copyAll(buffers);
  }

  /** Deep copy of one buffer (one array per layer). */
  public static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int l = 0; l < a.length; l++) {
      out[l] = a[l].clone();
    }
    return out;
  }

  private static List<double[][]> copyAll(List<double[][]> in) {
    List<double[][]> out = new ArrayList<>(in.size());
    for (double[][] b : in) {
      out.add(copy(b));
    }
    return out;
  }
}
