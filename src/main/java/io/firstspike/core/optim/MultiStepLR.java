package io.firstspike.core.optim;

import java.util.Map;
import java.util.TreeMap;

/**
 * PyTorch's MultiStepLR: when the epoch count reaches a milestone the learning rate is multiplied
 * by {@code gamma^c}, where c is how often that milestone is listed (a repeated milestone decays
 * repeatedly, in one multiplication by {@code Math.pow(gamma, c)} as PyTorch does). Milestones need
 * not be sorted. A milestone 0 applies at construction, as PyTorch's initial step does.
 */
public final class MultiStepLR extends RecursiveLrScheduler {
  private final Map<Integer, Integer> counts = new TreeMap<>();
  private final double gamma;

  /** Drives every parameter group of {@code rates} (one for a single-rate {@link Optimizer}). */
  public MultiStepLR(LearningRates rates, int[] milestones, double gamma) {
    super(rates);
    for (int m : milestones) {
      if (m < 0) {
        throw new IllegalArgumentException(
            "training_params.scheduler (MultiStepLR): milestones must be >= 0, got " + m);
      }
      counts.merge(m, 1, Integer::sum);
    }
    this.gamma = checkGamma("MultiStepLR", gamma);
    initialStep();
  }

  @Override
  double factor(int epoch) {
    Integer c = counts.get(epoch);
    return c == null ? 1.0 : Math.pow(gamma, c);
  }
}
