package io.firstspike.core.optim;

/**
 * Exponential decay: every epoch the learning rate is multiplied by {@code gamma}, lr_e =
 * lr_(e-1) * gamma (PyTorch's ExponentialLR in its recursive form).
 *
 * <p>Deliberate difference from the original program: for a config asking for {@code
 * ExponentialLR} it mistakenly built a MultiStepLR, so the learning rate never decayed the way the
 * config said. We implement the real exponential decay; a run that depends on the original's
 * behaviour should ask for MultiStepLR explicitly.
 */
public final class ExponentialLR extends RecursiveLrScheduler {
  private final double gamma;

  public ExponentialLR(Optimizer optimizer, double gamma) {
    super(optimizer);
    this.gamma = checkGamma("ExponentialLR", gamma);
    initialStep();
  }

  @Override
  double factor(int epoch) {
    return epoch > 0 ? gamma : 1.0;
  }
}
