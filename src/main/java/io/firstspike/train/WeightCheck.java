package io.firstspike.train;

import io.firstspike.core.optim.RangeRunner;

/** The check after every optimizer step that no weight became NaN or infinite. */
final class WeightCheck {
  /** Entries from which {@link #firstNonFinite} scans in parallel parts. */
  static final int PARALLEL_FROM = 16_000;

  private static final int PARTS = 8;

  private WeightCheck() {}

  /**
   * The first entry (layer, index) that is NaN or infinite, or null; scanned in parallel parts
   * from {@value #PARALLEL_FROM} entries (full MNIST: 278,000 weights after every step).
   */
  static int[] firstNonFinite(double[][] layers, RangeRunner ranges) {
    long total = 0;
    for (double[] w : layers) {
      total += w.length;
    }
    int parts = total >= PARALLEL_FROM ? PARTS : 1;
    int[][] bad = new int[parts][]; // per part, its first non-finite entry
    ranges.run(parts, part -> {
      for (int l = 0; l < layers.length && bad[part] == null; l++) {
        double[] w = layers[l];
        int to = RangeRunner.from(w.length, part + 1, parts);
        for (int i = RangeRunner.from(w.length, part, parts); i < to; i++) {
          if (!Double.isFinite(w[i])) {
            bad[part] = new int[] {l, i};
            break;
          }
        }
      }
    });
    int[] first = null;
    for (int[] b : bad) {
      if (b != null && (first == null || b[0] < first[0]
          || (b[0] == first[0] && b[1] < first[1]))) {
        first = b;
      }
    }
    return first;
  }
}
