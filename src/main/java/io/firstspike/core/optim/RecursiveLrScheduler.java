package io.firstspike.core.optim;

/**
 * Shared mechanics of the schedulers: PyTorch's recursive update {@code lr_e = lr_(e-1) *
 * factor(e)} for epoch e = 1, 2, ..., applied to every parameter group's current learning rate
 * (sequential multiplication, not {@code base * gamma^k}: DELGRAD-MODEL.md section 6), plus the
 * factor at construction (e = 0; PyTorch's initial step), which only MultiStepLR with a milestone at
 * 0 uses. {@link #restore} replays the same multiplications from the base learning rates, so it
 * gives bit-identical results.
 */
abstract class RecursiveLrScheduler implements LrScheduler {
  private final LearningRates rates;
  private final double[] baseLrs;
  private int epochs;

  RecursiveLrScheduler(LearningRates rates) {
    this.rates = rates;
    this.baseLrs = new double[rates.groupCount()];
    for (int g = 0; g < baseLrs.length; g++) {
      baseLrs[g] = rates.learningRate(g);
    }
  }

  /**
   * The multiplier applied when the epoch count becomes {@code epoch}; exactly 1.0 means "leave
   * the learning rate untouched" (not even multiplied, as PyTorch returns the old value).
   */
  abstract double factor(int epoch);

  /** Applies the construction-time factor; subclasses call this at the end of their constructor. */
  final void initialStep() {
    apply(0);
  }

  @Override
  public final void step() {
    epochs++;
    apply(epochs);
  }

  @Override
  public final int epochsStepped() {
    return epochs;
  }

  @Override
  public final void restore(int epochsStepped) {
    if (epochsStepped < 0) {
      throw new IllegalArgumentException(
          "lr scheduler: epochs stepped must be >= 0, got " + epochsStepped);
    }
    for (int g = 0; g < baseLrs.length; g++) {
      rates.setLearningRate(g, baseLrs[g]);
    }
    epochs = 0;
    apply(0);
    for (int e = 1; e <= epochsStepped; e++) {
      epochs = e;
      apply(e);
    }
  }

  /** The learning rate group 0 had when this scheduler was built. */
  public final double baseLearningRate() {
    return baseLrs[0];
  }

  /** The learning rate group {@code group} had when this scheduler was built. */
  public final double baseLearningRate(int group) {
    return baseLrs[group];
  }

  private void apply(int epoch) {
    double f = factor(epoch);
    if (f != 1.0) {
      for (int g = 0; g < baseLrs.length; g++) {
        rates.setLearningRate(g, rates.learningRate(g) * f);
      }
    }
  }

  static double checkGamma(String name, double gamma) {
    if (!(gamma >= 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException(
          "training_params.scheduler (" + name + "): gamma must be a finite number >= 0, got " + gamma);
    }
    return gamma;
  }
}
