package io.firstspike.bench;

import io.firstspike.core.network.ForwardResult;
import io.firstspike.core.network.Network;
import io.firstspike.core.network.NetworkEngine;
import io.firstspike.core.network.NetworkEngine.EngineOptions;

/**
 * Checks the fast engine's spike times of every layer against {@link ReferenceForward} for some
 * samples, so that a fast wrong answer cannot pass a benchmark.
 */
public final class ForwardCheck {
  /** Relative tolerance (absolute near 0): the two differ only in summation order and W0. */
  public static final double TOLERANCE = 1e-9;

  private ForwardCheck() {}

  /**
   * Runs the engine on the first {@code n} rows of {@code inputs} with {@code threads} threads
   * and compares every layer's times with the reference.
   *
   * @return a one-line summary (samples, spike times compared, largest relative difference)
   * @throws IllegalStateException naming sample, layer and neuron of the first disagreement
   */
  public static String verify(Network net, double[][] inputs, int n, int threads) {
    double[][] batch = java.util.Arrays.copyOf(inputs, Math.min(n, inputs.length));
    ForwardResult fast;
    try (NetworkEngine engine = new NetworkEngine(net, EngineOptions.defaults(), threads)) {
      fast = engine.forwardTimes(batch);
    }
    double worst = 0;
    long compared = 0;
    long spikes = 0;
    for (int s = 0; s < batch.length; s++) {
      double[][] ref = ReferenceForward.sample(net, batch[s]);
      for (int l = 0; l < ref.length; l++) {
        double[] got = fast.times(l)[s];
        for (int j = 0; j < ref[l].length; j++) {
          double r = ref[l][j];
          double g = got[j];
          compared++;
          if (r == Double.POSITIVE_INFINITY || g == Double.POSITIVE_INFINITY) {
            if (r != g) {
              throw new IllegalStateException("check failed: sample " + s + ", layer " + l
                  + ", neuron " + j + ": engine " + g + ", reference " + r);
            }
            continue;
          }
          spikes++;
          double rel = Math.abs(g - r) / Math.max(1.0, Math.abs(r));
          if (!(rel <= TOLERANCE)) {
            throw new IllegalStateException("check failed: sample " + s + ", layer " + l
                + ", neuron " + j + ": engine " + g + ", reference " + r + " (relative "
                + rel + " > " + TOLERANCE + ")");
          }
          worst = Math.max(worst, rel);
        }
      }
    }
    if (spikes == 0) {
      throw new IllegalStateException("check failed: no neuron spiked in " + batch.length
          + " samples; nothing was compared");
    }
    return String.format("%d samples, %d spike times (%d finite) equal to the slow reference"
        + " within %.1e (largest difference %.1e)", batch.length, compared, spikes, TOLERANCE,
        worst);
  }

  /** Throws unless {@code accuracy} exceeds {@code floor} (well above chance). */
  public static String requireAccuracy(String what, double accuracy, double floor) {
    if (!(accuracy > floor)) {
      throw new IllegalStateException("check failed: " + what + " accuracy " + accuracy
          + " is not above " + floor);
    }
    return String.format("%s accuracy %.1f%% > %.0f%%", what, 100 * accuracy, 100 * floor);
  }
}
