package io.firstspike.eval;

import io.firstspike.core.random.SplitMix64;
import java.util.List;
import java.util.Objects;

/**
 * The test-set inference of a trained network ({@code inference}): one pass, or for a network
 * that draws hardware noise (DELGRAD-MODEL.md section 8) one pass per repetition, as the
 * original's {@code inference_repeated} gives mean and standard deviation of the accuracy.
 *
 * <p>Repetition r draws its noise from one stream seeded with {@link #noiseSeed(long, int)}
 * {@code (seed, r)}, so the same seed gives the same accuracies on every machine and thread
 * count; repetition 0 is what a single {@code inference} and {@code eval} compute. (The
 * original's noise generator is not seeded from the config, so its repetitions cannot be
 * reproduced.)
 *
 * @param dataset the data set's name
 * @param repetitions the test split of each repetition, in order (one for a noise-free network)
 * @param noisy whether the network draws noise; false means every repetition would be the same
 * @param seed the seed the repetitions' noise streams come from (unused when not noisy)
 */
public record TestInference(
    String dataset, List<SplitEvaluation> repetitions, boolean noisy, long seed) {

  public TestInference {
    Objects.requireNonNull(dataset, "dataset");
    repetitions = List.copyOf(repetitions);
    if (repetitions.isEmpty()) {
      throw new IllegalArgumentException("a test inference needs at least one repetition");
    }
  }

  /**
   * The seed of repetition {@code repetition}'s noise stream: the (repetition + 1)-th word of a
   * SplitMix64 stream seeded with {@code seed}, so that the repetitions' streams are unrelated
   * to each other and to other uses of the seed.
   */
  public static long noiseSeed(long seed, int repetition) {
    if (repetition < 0) {
      throw new IllegalArgumentException("repetition must be >= 0, got " + repetition);
    }
    SplitMix64 words = new SplitMix64(seed);
    long word = words.nextLong();
    for (int r = 0; r < repetition; r++) {
      word = words.nextLong();
    }
    return word;
  }

  /** The first repetition's test split (the only one of a noise-free network). */
  public SplitEvaluation first() {
    return repetitions.get(0);
  }

  /** The test accuracy of each repetition, in order. */
  public double[] accuracies() {
    return repetitions.stream().mapToDouble(SplitEvaluation::accuracy).toArray();
  }

  /** Mean test accuracy over the repetitions. */
  public double meanAccuracy() {
    double sum = 0;
    for (double a : accuracies()) {
      sum += a;
    }
    return sum / repetitions.size();
  }

  /**
   * Sample standard deviation of the test accuracy (divisor n - 1, as NumPy's {@code
   * std(ddof=1)}); 0 for a single repetition.
   */
  public double accuracyStd() {
    int n = repetitions.size();
    if (n < 2) {
      return 0;
    }
    double mean = meanAccuracy();
    double sq = 0;
    for (double a : accuracies()) {
      sq += (a - mean) * (a - mean);
    }
    return Math.sqrt(sq / (n - 1));
  }
}
