package io.firstspike.core.optim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An optimizer over parameter groups (DELGRAD-MODEL.md section 6): each group has its own
 * learning rate, every tensor its own state; the tensors are updated in place.
 *
 * <p>Call order: construct with the groups (once per run, or restore a state after a {@code
 * continue}); once per batch that is not weight-bumped, after the backward pass, {@link #step}
 * with the gradient of every tensor; a scheduler changes the learning rates between epochs
 * through {@link LearningRates}; {@link #state} for a snapshot.
 *
 * <p>How the element-wise update is spread over threads is this class's business: a {@link
 * RangeRunner} given at construction (the engine's threads, say) runs the parts, and every part
 * touches its own elements only, so the bits do not depend on the number of threads.
 */
public abstract sealed class GroupedOptimizer implements LearningRates
    permits GroupedAdam, GroupedSgd {

  /** Elements from which a step is cut into {@link #PARTS} parts for the range runner. */
  static final int PARALLEL_FROM = 16_000;

  /** Parts of a parallel update (a few per thread). */
  static final int PARTS = 8;

  private final List<ParameterGroup> groups;
  private final List<ParameterTensor> tensors;
  /** Group of each tensor, in tensor order. */
  private final int[] groupOf;
  private final double[] lrs;
  private final RangeRunner ranges;
  private final long totalSize;

  GroupedOptimizer(List<ParameterGroup> groups, RangeRunner ranges) {
    this.groups = List.copyOf(groups);
    this.ranges = ranges == null ? RangeRunner.SERIAL : ranges;
    List<ParameterTensor> all = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    Set<String> names = new HashSet<>();
    long total = 0;
    for (int g = 0; g < this.groups.size(); g++) {
      for (ParameterTensor t : this.groups.get(g).tensors()) {
        if (!names.add(t.name())) {
          throw new IllegalArgumentException(
              "optimizer: parameter tensor " + t.name() + " is listed twice");
        }
        all.add(t);
        owner.add(g);
        total += t.size();
      }
    }
    this.tensors = List.copyOf(all);
    this.groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
    this.lrs = new double[this.groups.size()];
    for (int g = 0; g < lrs.length; g++) {
      lrs[g] = this.groups.get(g).learningRate();
    }
    this.totalSize = total;
  }

  /** {@code "adam"} or {@code "sgd"}. */
  public abstract String type();

  public final List<ParameterGroup> groups() {
    return groups;
  }

  /** Every tensor of every group, in group order. */
  public final List<ParameterTensor> tensors() {
    return tensors;
  }

  /**
   * One update of every tensor from its gradient.
   *
   * @param gradients dL/d(tensor) by tensor name, one entry per tensor of the groups, each as long
   *     as its tensor (not changed)
   * @throws IllegalArgumentException naming the tensor whose gradient is missing, extra or of the
   *     wrong length
   */
  public final void step(Map<String, double[]> gradients) {
    double[][] g = new double[tensors.size()][];
    for (int i = 0; i < g.length; i++) {
      ParameterTensor t = tensors.get(i);
      g[i] = gradients.get(t.name());
      if (g[i] == null) {
        throw new IllegalArgumentException("optimizer: no gradient for " + t.name()
            + " (gradients given for " + gradients.keySet() + ")");
      }
      if (g[i].length != t.size()) {
        throw new IllegalArgumentException("optimizer: gradient of " + t.name() + " has "
            + g[i].length + " entries, the tensor has " + t.size());
      }
    }
    if (gradients.size() != tensors.size()) {
      Set<String> extra = new HashSet<>(gradients.keySet());
      tensors.forEach(t -> extra.remove(t.name()));
      throw new IllegalArgumentException(
          "optimizer: gradients for tensors that are in no parameter group: " + extra);
    }
    beginStep(g);
    int parts = totalSize >= PARALLEL_FROM ? PARTS : 1;
    ranges.run(parts, part -> {
      for (int i = 0; i < g.length; i++) {
        int n = tensors.get(i).size();
        update(i, tensors.get(i).values(), g[i], lrs[groupOf[i]],
            RangeRunner.from(n, part, parts), RangeRunner.from(n, part + 1, parts));
      }
    });
  }

  /** Per-tensor bookkeeping before the element updates (step counts, first buffers). */
  abstract void beginStep(double[][] gradients);

  /** The update of elements [from, to) of tensor {@code index}. */
  abstract void update(int index, double[] w, double[] g, double lr, int from, int to);

  @Override
  public final int groupCount() {
    return lrs.length;
  }

  @Override
  public final double learningRate(int group) {
    return lrs[group];
  }

  @Override
  public final void setLearningRate(int group, double lr) {
    lrs[group] = Optimizer.checkLearningRate(lr);
  }

  /** A deep copy of the optimizer's state. */
  public final GroupedOptimizerState state() {
    List<GroupedOptimizerState.TensorState> out = new ArrayList<>(tensors.size());
    for (int i = 0; i < tensors.size(); i++) {
      out.add(new GroupedOptimizerState.TensorState(
          tensors.get(i).name(), stepsOf(i), buffersOf(i)));
    }
    return new GroupedOptimizerState(type(), lrs, out);
  }

  /**
   * Replaces this optimizer's state by a copy of {@code s}.
   *
   * @throws IllegalArgumentException if {@code s} belongs to another optimizer type, other
   *     groups or tensors, or has buffers of the wrong shape
   */
  public final void restore(GroupedOptimizerState s) {
    if (!type().equals(s.type())) {
      throw new IllegalArgumentException("optimizer: cannot restore a state of type '" + s.type()
          + "' into '" + type() + "'");
    }
    double[] rates = s.learningRates();
    if (rates.length != lrs.length) {
      throw new IllegalArgumentException("optimizer: the state has " + rates.length
          + " parameter groups, this optimizer " + lrs.length);
    }
    if (s.tensors().size() != tensors.size()) {
      throw new IllegalArgumentException("optimizer: the state has " + s.tensors().size()
          + " tensors, this optimizer " + tensors.size());
    }
    for (int i = 0; i < tensors.size(); i++) {
      var ts = s.tensors().get(i);
      if (!ts.name().equals(tensors.get(i).name())) {
        throw new IllegalArgumentException("optimizer: tensor " + i + " of the state is "
            + ts.name() + ", expected " + tensors.get(i).name());
      }
      for (double[] b : ts.buffers()) {
        if (b.length != tensors.get(i).size()) {
          throw new IllegalArgumentException("optimizer: a buffer of " + ts.name() + " has "
              + b.length + " entries, the tensor has " + tensors.get(i).size());
        }
      }
    }
    for (double r : rates) {
      Optimizer.checkLearningRate(r);
    }
    for (int i = 0; i < tensors.size(); i++) {
      var ts = s.tensors().get(i);
      restoreTensor(i, ts.step(), ts.buffers());
    }
    System.arraycopy(rates, 0, lrs, 0, lrs.length);
  }

  /** Number of updates of tensor {@code index} (torch's per-parameter {@code step}). */
  public abstract long stepsOf(int index);

  /** Copies of tensor {@code index}'s buffers (empty before the first step). */
  abstract List<double[]> buffersOf(int index);

  /** Sets tensor {@code index}'s step count and buffers (already copied and length-checked). */
  abstract void restoreTensor(int index, long step, List<double[]> buffers);
}
