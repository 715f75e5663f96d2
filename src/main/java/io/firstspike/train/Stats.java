package io.firstspike.train;

/** Small summaries of spike-time arrays for events and curves. */
final class Stats {
  private Stats() {}

  /**
   * Per true class (rows, {@code nClasses}) and label neuron (columns) the mean and population
   * standard deviation of the finite output times of samples {@code from..to}; NaN where a class
   * has no finite value.
   *
   * @return {mean, std}
   */
  static double[][][] classMeanStd(double[][] times, int[] labels, int nClasses, int from, int to) {
    int k = times.length == 0 ? 0 : times[0].length;
    double[][] sum = new double[nClasses][k];
    double[][] sq = new double[nClasses][k];
    int[][] n = new int[nClasses][k];
    for (int s = from; s < to; s++) {
      int c = labels[s];
      if (c < 0 || c >= nClasses) {
        continue;
      }
      double[] t = times[s - from];
      for (int j = 0; j < k; j++) {
        if (Double.isFinite(t[j])) {
          sum[c][j] += t[j];
          sq[c][j] += t[j] * t[j];
          n[c][j]++;
        }
      }
    }
    double[][] mean = new double[nClasses][k];
    double[][] std = new double[nClasses][k];
    for (int c = 0; c < nClasses; c++) {
      for (int j = 0; j < k; j++) {
        if (n[c][j] == 0) {
          mean[c][j] = Double.NaN;
          std[c][j] = Double.NaN;
        } else {
          double m = sum[c][j] / n[c][j];
          mean[c][j] = m;
          std[c][j] = Math.sqrt(Math.max(0, sq[c][j] / n[c][j] - m * m));
        }
      }
    }
    return new double[][][] {mean, std};
  }

  /** Fraction of entries that are not finite (no spike). */
  static double silentFraction(double[][] times) {
    long silent = 0;
    long all = 0;
    for (double[] row : times) {
      for (double t : row) {
        all++;
        if (!Double.isFinite(t)) {
          silent++;
        }
      }
    }
    return all == 0 ? 0 : (double) silent / all;
  }

  /** Counts of finite values in {@code bins} equal bins over [0, max); values >= max go last. */
  static int[] timeHistogram(double[][] times, int bins, double max) {
    int[] h = new int[bins];
    for (double[] row : times) {
      for (double t : row) {
        if (Double.isFinite(t)) {
          // truncation, not Math.floor: the two differ only below 0, which the clamp maps to
          // bin 0 either way (this runs for every spike time of every training batch)
          int b = (int) (t / max * bins);
          h[Math.max(0, Math.min(bins - 1, b))]++;
        }
      }
    }
    return h;
  }

  /** Histogram of an array over [min, max] in {@code bins} bins; edges returned in {@code edges}. */
  static int[] histogram(double[] values, int bins, double[] edges) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!(hi > lo)) {
      lo = Double.isFinite(lo) ? lo - 0.5 : 0;
      hi = lo + 1;
    }
    for (int b = 0; b <= bins; b++) {
      edges[b] = lo + (hi - lo) * b / bins;
    }
    int[] h = new int[bins];
    for (double v : values) {
      if (Double.isFinite(v)) {
        int b = (int) ((v - lo) / (hi - lo) * bins);
        h[Math.max(0, Math.min(bins - 1, b))]++;
      }
    }
    return h;
  }
}
