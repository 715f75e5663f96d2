package io.firstspike.core.network;

import java.util.function.DoubleSupplier;

/**
 * Training noise on input spike times (TTFS-MODEL.md section 5, step 1): every time gets
 * Normal(mean, stdDev) added and negative results are reflected to their absolute value, since a
 * spike cannot come before t = 0:
 *
 * <pre>
 *   t' = | t + (z * stdDev + mean) |        z ~ Normal(0, 1)
 * </pre>
 *
 * One z is drawn for every entry in row-major order, +Infinity ("no spike") included, which stays
 * +Infinity: the random stream then does not depend on which inputs spike. Bias spikes are not
 * inputs here and are never noised.
 */
public final class InputNoise {
  private InputNoise() {}

  /**
   * Adds the noise in place.
   *
   * @param inputs input spike times [B][n_in], changed in place
   * @param mean mean of the noise ({@code training_noise.mean})
   * @param stdDev standard deviation of the noise ({@code training_noise.std_dev}), >= 0
   * @param standardNormal source of standard normal numbers, called once per entry
   */
  public static void apply(
      double[][] inputs, double mean, double stdDev, DoubleSupplier standardNormal) {
    if (!Double.isFinite(mean) || !(stdDev >= 0) || Double.isInfinite(stdDev)) {
      throw new IllegalArgumentException(
          "training_params.training_noise: mean must be finite and std_dev a finite number >= 0,"
              + " got mean " + mean + ", std_dev " + stdDev);
    }
    for (double[] row : inputs) {
      for (int i = 0; i < row.length; i++) {
        double noisy = row[i] + (standardNormal.getAsDouble() * stdDev + mean);
        row[i] = Math.abs(noisy);
      }
    }
  }
}
