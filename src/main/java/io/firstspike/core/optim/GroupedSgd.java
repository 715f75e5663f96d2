package io.firstspike.core.optim;

import java.util.List;

/**
 * SGD over parameter groups in torch's form (no dampening, no Nesterov, no weight decay), with a
 * per-group learning rate and a per-tensor momentum buffer:
 *
 * <pre>
 *   momentum == 0:  w = w - lr g
 *   otherwise:      buf = g (first step), buf = momentum buf + g (later steps);  w = w - lr buf
 * </pre>
 */
public final class GroupedSgd extends GroupedOptimizer {
  public static final String TYPE = Sgd.TYPE;

  private final double momentum;
  private final long[] steps;
  private final double[][] buf;
  /** Per tensor: this step is its first with momentum (buf := g). */
  private final boolean[] firstStep;

  /** Serial updates. */
  public GroupedSgd(List<ParameterGroup> groups, double momentum) {
    this(groups, momentum, RangeRunner.SERIAL);
  }

  public GroupedSgd(List<ParameterGroup> groups, double momentum, RangeRunner ranges) {
    super(groups, ranges);
    if (!(momentum >= 0) || Double.isInfinite(momentum)) {
      throw new IllegalArgumentException(
          "training_params.momentum must be a finite number >= 0, got " + momentum);
    }
    this.momentum = momentum;
    this.steps = new long[tensors().size()];
    this.buf = new double[tensors().size()][];
    this.firstStep = new boolean[tensors().size()];
  }

  public double momentum() {
    return momentum;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  void beginStep(double[][] gradients) {
    for (int i = 0; i < steps.length; i++) {
      steps[i]++;
      firstStep[i] = momentum != 0 && buf[i] == null;
      if (firstStep[i]) {
        buf[i] = new double[gradients[i].length];
      }
    }
  }

  @Override
  void update(int index, double[] w, double[] g, double lr, int from, int to) {
    double[] direction = g;
    if (momentum != 0) {
      direction = buf[index];
      if (firstStep[index]) {
        System.arraycopy(g, from, direction, from, to - from); // torch: buf = clone(g)
      } else {
        UpdateKernels.momentum(direction, g, momentum, from, to);
      }
    }
    UpdateKernels.descend(w, direction, lr, from, to);
  }

  @Override
  public long stepsOf(int index) {
    return steps[index];
  }

  @Override
  List<double[]> buffersOf(int index) {
    return buf[index] == null ? List.of() : List.of(buf[index].clone());
  }

  @Override
  void restoreTensor(int index, long step, List<double[]> buffers) {
    boolean needsBuffer = momentum != 0 && step > 0;
    if (buffers.size() != (needsBuffer ? 1 : 0)) {
      throw new IllegalArgumentException("sgd (momentum " + momentum + "): state of "
          + tensors().get(index).name() + " at step " + step + " has " + buffers.size()
          + " buffers, expected " + (needsBuffer ? 1 : 0));
    }
    steps[index] = step;
    buf[index] = buffers.isEmpty() ? null : buffers.get(0);
  }
}
