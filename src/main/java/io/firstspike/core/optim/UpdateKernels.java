package io.firstspike.core.optim;

/**
 * The element-wise updates of Adam and SGD in PyTorch's order of floating-point operations
 * (TTFS-MODEL.md section 5), shared by the single-rate optimizers of the 2021 path and the
 * parameter-group optimizers of the DelGrad path, so the two cannot drift apart. Each touches
 * elements [from, to) only.
 */
final class UpdateKernels {
  private UpdateKernels() {}

  /**
   * Adam at one step t:
   *
   * <pre>
   *   m = b1 m + (1 - b1) g
   *   v = b2 v + (1 - b2) g g
   *   w = w + (-stepSize) m / ( sqrt(v) / bc2Sqrt + eps ),   stepSize = lr / (1 - b1^t), bc2Sqrt = sqrt(1 - b2^t)
   * </pre>
   */
  static void adam(double[] w, double[] g, double[] m, double[] v, double beta1, double beta2,
      double eps, double stepSize, double bc2Sqrt, int from, int to) {
    double oneMinusB1 = 1 - beta1;
    double oneMinusB2 = 1 - beta2;
    for (int i = from; i < to; i++) {
      m[i] = m[i] * beta1 + oneMinusB1 * g[i];
      v[i] = v[i] * beta2 + oneMinusB2 * g[i] * g[i];
      double denom = Math.sqrt(v[i]) / bc2Sqrt + eps;
      w[i] = w[i] + -stepSize * m[i] / denom;
    }
  }

  /** Adam's step size lr / (1 - b1^t). */
  static double adamStepSize(double lr, double beta1, long t) {
    return lr / (1 - Math.pow(beta1, t));
  }

  /** Adam's sqrt(1 - b2^t). */
  static double adamBias2Sqrt(double beta2, long t) {
    return Math.sqrt(1 - Math.pow(beta2, t));
  }

  /** SGD's momentum buffer after the first step: buf = momentum * buf + g. */
  static void momentum(double[] buf, double[] g, double momentum, int from, int to) {
    for (int i = from; i < to; i++) {
      buf[i] = buf[i] * momentum + g[i];
    }
  }

  /** w = w + (-lr) d, d the gradient or the momentum buffer. */
  static void descend(double[] w, double[] d, double lr, int from, int to) {
    for (int i = from; i < to; i++) {
      w[i] = w[i] + -lr * d[i];
    }
  }
}
