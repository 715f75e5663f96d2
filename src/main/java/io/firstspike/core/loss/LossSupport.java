package io.firstspike.core.loss;

/** Checks and helpers shared by the losses. */
final class LossSupport {
  private LossSupport() {}

  /** True for the times that mean "no spike" to a loss: +Infinity and NaN. */
  static boolean missing(double t) {
    return !(t < Double.POSITIVE_INFINITY);
  }

  /**
   * Checks the shapes shared by every loss and returns K.
   *
   * @throws IllegalArgumentException naming the sample, label or row that is wrong
   */
  static int checkShapes(double[][] labelTimes, int[] labels, double[][] dLdT) {
    if (labelTimes.length == 0) {
      throw new IllegalArgumentException("loss: the batch is empty (label_times has 0 rows)");
    }
    if (labels.length != labelTimes.length) {
      throw new IllegalArgumentException(
          "loss: " + labelTimes.length + " rows of label times but " + labels.length + " labels");
    }
    if (dLdT != null && dLdT.length != labelTimes.length) {
      throw new IllegalArgumentException(
          "loss: dL/dT has " + dLdT.length + " rows, expected " + labelTimes.length);
    }
    int k = labelTimes[0].length;
    for (int b = 0; b < labelTimes.length; b++) {
      if (labelTimes[b].length != k || (dLdT != null && dLdT[b].length != k)) {
        throw new IllegalArgumentException(
            "loss: row " + b + " has " + labelTimes[b].length + " label times"
                + (dLdT != null ? " and " + dLdT[b].length + " dL/dT entries" : "")
                + ", expected " + k);
      }
      if (labels[b] < 0 || labels[b] >= k) {
        throw new IllegalArgumentException(
            "loss: label of sample " + b + " is " + labels[b] + ", expected 0.." + (k - 1));
      }
    }
    return k;
  }

  /**
   * Index of the smallest score, first index on ties, with PyTorch's {@code argmin} semantics: a
   * NaN score is the minimum (NaN propagates), so it is returned when present.
   */
  static int argminNanFirst(double[] scores) {
    int best = 0;
    for (int k = 0; k < scores.length; k++) {
      if (Double.isNaN(scores[k])) {
        return k;
      }
      if (scores[k] < scores[best]) {
        best = k;
      }
    }
    return best;
  }

  /**
   * Index of the largest score, first index on ties, with PyTorch's {@code argmax} semantics: a
   * NaN score is the maximum (NaN propagates), so the first NaN is returned when present.
   */
  static int argmaxNanFirst(double[] scores) {
    int best = 0;
    for (int k = 0; k < scores.length; k++) {
      if (Double.isNaN(scores[k])) {
        return k;
      }
      if (scores[k] > scores[best]) {
        best = k;
      }
    }
    return best;
  }

  /** Throws naming {@code key} unless v is finite; returns v. */
  static double requireFinite(String key, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(key + " must be a finite number, got " + v);
    }
    return v;
  }

  /** Throws naming {@code key} unless v is a finite number > 0; returns v. */
  static double requirePositive(String key, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(key + " must be a finite number > 0, got " + v);
    }
    return v;
  }
}
