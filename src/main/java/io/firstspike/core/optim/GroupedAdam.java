package io.firstspike.core.optim;

import java.util.List;

/**
 * Adam over parameter groups: torch's defaults (beta1 0.9, beta2 0.999, eps 1e-8, no weight decay,
 * no amsgrad), per-group learning rate, per-tensor moments and step count, and torch's order of
 * floating-point operations ({@link UpdateKernels#adam}; TTFS-MODEL.md section 5).
 */
public final class GroupedAdam extends GroupedOptimizer {
  public static final String TYPE = Adam.TYPE;

  private final double beta1;
  private final double beta2;
  private final double eps;
  private final long[] steps;
  private final double[][] m;
  private final double[][] v;

  /** torch's defaults, serial updates. */
  public GroupedAdam(List<ParameterGroup> groups) {
    this(groups, RangeRunner.SERIAL);
  }

  /** torch's defaults; {@code ranges} runs the parts of large updates (e.g. on engine threads). */
  public GroupedAdam(List<ParameterGroup> groups, RangeRunner ranges) {
    this(groups, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPS, ranges);
  }

  public GroupedAdam(
      List<ParameterGroup> groups, double beta1, double beta2, double eps, RangeRunner ranges) {
    super(groups, ranges);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)) {
      throw new IllegalArgumentException(
          "adam: need 0 <= beta1, beta2 < 1 and eps >= 0, got " + beta1 + ", " + beta2 + ", " + eps);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    int n = tensors().size();
    this.steps = new long[n];
    this.m = new double[n][];
    this.v = new double[n][];
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  void beginStep(double[][] gradients) {
    for (int i = 0; i < steps.length; i++) {
      if (m[i] == null) {
        m[i] = new double[gradients[i].length];
        v[i] = new double[gradients[i].length];
      }
      steps[i]++;
    }
  }

  @Override
  void update(int index, double[] w, double[] g, double lr, int from, int to) {
    long t = steps[index];
    UpdateKernels.adam(w, g, m[index], v[index], beta1, beta2, eps,
        UpdateKernels.adamStepSize(lr, beta1, t), UpdateKernels.adamBias2Sqrt(beta2, t), from, to);
  }

  @Override
  public long stepsOf(int index) {
    return steps[index];
  }

  @Override
  List<double[]> buffersOf(int index) {
    return m[index] == null ? List.of() : List.of(m[index].clone(), v[index].clone());
  }

  @Override
  void restoreTensor(int index, long step, List<double[]> buffers) {
    if (buffers.isEmpty() != (step == 0) || (!buffers.isEmpty() && buffers.size() != 2)) {
      throw new IllegalArgumentException("adam: state of " + tensors().get(index).name()
          + " at step " + step + " has " + buffers.size()
          + " buffers, expected 2 (exp_avg, exp_avg_sq), or none at step 0");
    }
    steps[index] = step;
    m[index] = buffers.isEmpty() ? null : buffers.get(0);
    v[index] = buffers.isEmpty() ? null : buffers.get(1);
  }
}
