package io.firstspike.core.optim;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum in PyTorch's form (no dampening, no
 * Nesterov, no weight decay; TTFS-MODEL.md section 5):
 *
 * <pre>
 *   momentum == 0:  w = w - lr g
 *   otherwise:      buf = g (first step), buf = momentum buf + g (later steps);  w = w - lr buf
 * </pre>
 */
public final class Sgd implements Optimizer {
  public static final String TYPE = "sgd";

  private final double momentum;
  private double lr;
  private long step;
  private double[][] buf;

  public Sgd(double lr, double momentum) {
    this.lr = Optimizer.checkLearningRate(lr);
    if (!(momentum >= 0) || Double.isInfinite(momentum)) {
      throw new IllegalArgumentException(
          "training_params.momentum must be a finite number >= 0, got " + momentum);
    }
    this.momentum = momentum;
  }

  /** Plain SGD (momentum 0). */
  public Sgd(double lr) {
    this(lr, 0.0);
  }

  public double momentum() {
    return momentum;
  }

  @Override
  public void step(double[][] params, double[][] grads) {
    Optimizer.checkShapes(params, grads);
    if (momentum != 0) {
      if (buf == null) {
        buf = OptimizerState.copy(grads);
      } else {
        Optimizer.checkBuffer("sgd momentum buffer", buf, params);
        for (int l = 0; l < buf.length; l++) {
          UpdateKernels.momentum(buf[l], grads[l], momentum, 0, buf[l].length);
        }
      }
    }
    double[][] direction = momentum != 0 ? buf : grads;
    for (int l = 0; l < params.length; l++) {
      UpdateKernels.descend(params[l], direction[l], lr, 0, params[l].length);
    }
    step++;
  }

  @Override
  public double learningRate() {
    return lr;
  }

  @Override
  public void setLearningRate(double lr) {
    this.lr = Optimizer.checkLearningRate(lr);
  }

  @Override
  public OptimizerState state() {
    return new OptimizerState(TYPE, step, lr, buf == null ? List.of() : List.<double[][]>of(buf));
  }

  @Override
  public void restore(OptimizerState s) {
    if (!TYPE.equals(s.type())) {
      throw new IllegalArgumentException(
          "sgd: cannot restore an optimizer state of type '" + s.type() + "', expected '" + TYPE + "'");
    }
    List<double[][]> b = s.deepCopyBuffers();
    boolean needsBuffer = momentum != 0 && s.step() > 0;
    if (b.size() != (needsBuffer ? 1 : 0)) {
      throw new IllegalArgumentException(
          "sgd (momentum " + momentum + "): state at step " + s.step() + " has " + b.size()
              + " buffers, expected " + (needsBuffer ? 1 : 0));
    }
    this.lr = Optimizer.checkLearningRate(s.learningRate());
    this.step = s.step();
    this.buf = b.isEmpty() ? null : b.get(0);
  }
}
