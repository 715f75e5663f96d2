package io.firstspike.core.loss;

/**
 * A loss on the label layer's first-spike times and the rule that turns those times into a
 * predicted class (TTFS-MODEL.md section 4), with the 2021 release's numbers: the loss of
 * old-schema configs. New-schema (DelGrad) configs use {@link DelgradLoss}, whose rules differ
 * (DELGRAD-MODEL.md sections 0 and 5); the schema of the config selects which.
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
}
