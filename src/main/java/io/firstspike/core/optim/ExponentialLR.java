package io.firstspike.core.optim;

/**
 * Exponential decay: every epoch the learning rate is multiplied by {@code gamma}, lr_e =
 * lr_(e-1) * gamma (PyTorch's ExponentialLR in its recursive form).
 *
 * <p>Deliberate difference from the original program: for a config asking for {@code
 * ExponentialLR} it mistakenly built a MultiStepLR, so the learning rate never decayed the way the
 * config said. Its newest version (HEAD, new-schema configs) still builds a MultiStepLR without
 * milestones, which fails with a TypeError (DELGRAD-MODEL.md section 6). We implement the real
 * exponential decay for both schemas; a run that depends on the 2021 behaviour should ask for
 * MultiStepLR explicitly.
 */
public final class ExponentialLR extends RecursiveLrScheduler {
  private final double gamma;

  /** Drives every parameter group of {@code rates} (one for a single-rate {@link Optimizer}). */
  public ExponentialLR(LearningRates rates, double gamma) {
    super(rates);
    this.gamma = checkGamma("ExponentialLR", gamma);
    initialStep();
  }

  @Override
  double factor(int epoch) {
    return epoch > 0 ? gamma : 1.0;
  }
}
