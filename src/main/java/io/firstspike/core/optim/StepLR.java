package io.firstspike.core.optim;

/**
 * PyTorch's StepLR: every {@code stepSize} epochs the learning rate is multiplied by {@code
 * gamma}, that is lr_e = lr_(e-1) * gamma when e > 0 and e % stepSize == 0, else unchanged.
 */
public final class StepLR extends RecursiveLrScheduler {
  private final int stepSize;
  private final double gamma;

  /** Drives every parameter group of {@code rates} (one for a single-rate {@link Optimizer}). */
  public StepLR(LearningRates rates, int stepSize, double gamma) {
    super(rates);
    if (stepSize <= 0) {
      throw new IllegalArgumentException(
          "training_params.scheduler (StepLR): step_size must be > 0, got " + stepSize);
    }
    this.stepSize = stepSize;
    this.gamma = checkGamma("StepLR", gamma);
    initialStep();
  }

  @Override
  double factor(int epoch) {
    return epoch > 0 && epoch % stepSize == 0 ? gamma : 1.0;
  }
}
