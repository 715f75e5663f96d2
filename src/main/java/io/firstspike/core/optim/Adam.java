package io.firstspike.core.optim;

import java.util.List;

/**
 * Adam (Kingma and Ba) with PyTorch's defaults and PyTorch's order of floating-point operations,
 * so that one step reproduces the original's weights to the last bits (TTFS-MODEL.md section 5).
 * At step t, for every weight w with gradient g:
 *
 * <pre>
 *   m = b1 m + (1 - b1) g
 *   v = b2 v + (1 - b2) g g
 *   w = w - (lr / (1 - b1^t)) * m / ( sqrt(v) / sqrt(1 - b2^t) + eps )
 * </pre>
 *
 * No weight decay, no amsgrad. Moments start at 0 and take the shape of the first step's arrays.
 */
public final class Adam implements Optimizer {
  public static final String TYPE = "adam";
  public static final double DEFAULT_BETA1 = 0.9;
  public static final double DEFAULT_BETA2 = 0.999;
  public static final double DEFAULT_EPS = 1e-8;

  private final double beta1;
  private final double beta2;
  private final double eps;
  private final RangeRunner ranges;
  private double lr;
  private long step;
  private double[][] m;
  private double[][] v;

  /** Adam with PyTorch's defaults: beta1 0.9, beta2 0.999, eps 1e-8; serial updates. */
  public Adam(double lr) {
    this(lr, RangeRunner.SERIAL);
  }

  /**
   * Adam with PyTorch's defaults whose large updates are cut into parts that {@code ranges} runs
   * (the engine's threads, say): the same bits as the serial update.
   */
  public Adam(double lr, RangeRunner ranges) {
    this(lr, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, ranges);
  }

  public Adam(double lr, double beta1, double beta2, double eps, RangeRunner ranges) {
    this.ranges = ranges == null ? RangeRunner.SERIAL : ranges;
    this.lr = Optimizer.checkLearningRate(lr);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)) {
      throw new IllegalArgumentException(
          "adam: need 0 <= beta1, beta2 < 1 and eps >= 0, got " + beta1 + ", " + beta2 + ", " + eps);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  /**
   * Weights from which {@link #step} cuts the update into parts for the range runner: 16x16
   * MNIST's 34,000 (57 us serial, 32 us in parts on two polling engine threads) but not
   * Yin-Yang's 963.
   */
  static final int PARALLEL_FROM = 16_000;

  /** Parts of a parallel update (a few per thread). */
  private static final int PARTS = 8;

  /**
   * The update of every weight is independent of the others, so the parts (ranges of each
   * layer's weights) give the same bits on any number of threads. For full MNIST (278,000
   * weights, a square root and a division each) the serial step kept one core waiting.
   */
  @Override
  public void step(double[][] params, double[][] grads) {
    Optimizer.checkShapes(params, grads);
    if (m == null) {
      m = zerosLike(params);
      v = zerosLike(params);
    } else {
      Optimizer.checkBuffer("adam first moment", m, params);
    }
    step++;
    double stepSize = UpdateKernels.adamStepSize(lr, beta1, step);
    double bc2Sqrt = UpdateKernels.adamBias2Sqrt(beta2, step);
    long total = 0;
    for (double[] w : params) {
      total += w.length;
    }
    int parts = total >= PARALLEL_FROM ? PARTS : 1;
    ranges.run(parts, part -> {
      for (int l = 0; l < params.length; l++) {
        int n = params[l].length;
        UpdateKernels.adam(params[l], grads[l], m[l], v[l], beta1, beta2, eps, stepSize, bc2Sqrt,
            RangeRunner.from(n, part, parts), RangeRunner.from(n, part + 1, parts));
      }
    });
  }

  @Override
  public double learningRate() {
    return lr;
  }

  @Override
  public void setLearningRate(double lr) {
    this.lr = Optimizer.checkLearningRate(lr);
  }

  /** Number of steps taken (t of the bias correction). */
  public long steps() {
    return step;
  }

  @Override
  public OptimizerState state() {
    List<double[][]> buffers = m == null ? List.of() : List.of(m, v);
    return new OptimizerState(TYPE, step, lr, buffers);
  }

  @Override
  public void restore(OptimizerState s) {
    if (!TYPE.equals(s.type())) {
      throw new IllegalArgumentException(
          "adam: cannot restore an optimizer state of type '" + s.type() + "', expected '" + TYPE + "'");
    }
    List<double[][]> b = s.deepCopyBuffers();
    if (b.isEmpty() != (s.step() == 0) || (!b.isEmpty() && b.size() != 2)) {
      throw new IllegalArgumentException(
          "adam: state at step " + s.step() + " has " + b.size()
              + " buffers, expected 2 (first and second moment), or none at step 0");
    }
    if (!b.isEmpty()) {
      Optimizer.checkBuffer("adam second moment", b.get(1), b.get(0));
    }
    this.lr = Optimizer.checkLearningRate(s.learningRate());
    this.step = s.step();
    this.m = b.isEmpty() ? null : b.get(0);
    this.v = b.isEmpty() ? null : b.get(1);
  }

  static double[][] zerosLike(double[][] a) {
    double[][] out = new double[a.length][];
    for (int l = 0; l < a.length; l++) {
      out[l] = new double[a[l].length];
    }
    return out;
  }
}
