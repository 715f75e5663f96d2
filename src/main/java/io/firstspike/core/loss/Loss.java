package io.firstspike.core.loss;

/**
 * A loss on the label layer's first-spike times and the rule that turns those times into a
 * predicted class (TTFS-MODEL.md section 4).
 *
 * <p>Times are in the same unit as {@code tau_syn}; {@code +Infinity} means "no spike". NaN times
 * are treated like {@code +Infinity} by {@link #compute}: they never carry a gradient.
 */
public interface Loss {

  /** The constant loss of a sample (TTFS) or entry (MSE) whose time is +Infinity or NaN. */
  double MISSING_SPIKE_LOSS = 100.0;

  /**
   * Mean loss over the batch.
   *
   * @param labelTimes label-layer output times [B][K]
   * @param labels the true class of each sample, 0 <= y < K
   * @param dLdT if not null, filled with dL/dT [B][K] of the mean loss (so each entry already
   *     carries the 1/B of the mean); 0 where there is no gradient
   * @return the mean loss
   * @throws IllegalArgumentException if shapes disagree or a label is out of range
   */
  double compute(double[][] labelTimes, int[] labels, double[][] dLdT);

  /** Selected class of one sample's label times; -1 if none (always wrong). */
  int select(double[] labelTimes);

  /** The selected class of every sample of a batch. */
  default int[] selectAll(double[][] labelTimes) {
    int[] out = new int[labelTimes.length];
    for (int b = 0; b < out.length; b++) {
      out[b] = select(labelTimes[b]);
    }
    return out;
  }

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
}
