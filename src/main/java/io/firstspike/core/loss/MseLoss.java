package io.firstspike.core.loss;

/**
 * Mean squared error between the label-layer spike times and fixed targets (TTFS-MODEL.md
 * section 4), the 2021 semantics of old-schema configs (new-schema ones use {@link
 * DelgradObjective.Mse}: a sum over K per sample): target_k = t_correct * tau_s for the true
 * class, t_wrong * tau_s otherwise, and
 *
 * <pre>
 *   L = 1 / (B K) * sum_b sum_k 0.5 * (t_bk - target_bk)^2        dL/dt_bk = (t_bk - target_bk) / (B K)
 * </pre>
 *
 * <p>An entry whose time is +Infinity (or NaN) contributes the constant {@link
 * Loss#MISSING_SPIKE_LOSS} to the mean in place of its squared error, and no gradient: a silent
 * neuron is punished but cannot be pushed by a derivative it does not have.
 *
 * <p>Class selected: argmin_k |t_k - t_correct * tau_s|, first index on ties; -1 if the selected
 * time is +Infinity or NaN (a NaN anywhere makes the distance minimum NaN, as in PyTorch).
 *
 * @param tCorrect target time of the true class in units of tau_s ({@code t_correct})
 * @param tWrong target time of the other classes in units of tau_s ({@code t_wrong})
 * @param tauSyn synaptic time constant tau_s of the network, > 0
 */
public record MseLoss(double tCorrect, double tWrong, double tauSyn) implements Loss {

  public MseLoss {
    if (!Double.isFinite(tCorrect) || !Double.isFinite(tWrong)) {
      throw new IllegalArgumentException(
          "training_params.loss: t_correct and t_wrong must be finite, got "
              + tCorrect + " and " + tWrong);
    }
    if (!(tauSyn > 0) || Double.isInfinite(tauSyn)) {
      throw new IllegalArgumentException(
          "neuron_params.tau_syn must be a finite number > 0, got " + tauSyn);
    }
  }

  @Override
  public double compute(double[][] labelTimes, int[] labels, double[][] dLdT) {
    int nClasses = LossSupport.checkShapes(labelTimes, labels, dLdT);
    int batch = labelTimes.length;
    double entries = (double) batch * nClasses;
    double correct = tCorrect * tauSyn;
    double wrong = tWrong * tauSyn;
    double total = 0;
    for (int b = 0; b < batch; b++) {
      for (int k = 0; k < nClasses; k++) {
        double t = labelTimes[b][k];
        if (LossSupport.missing(t)) {
          total += MISSING_SPIKE_LOSS;
          if (dLdT != null) {
            dLdT[b][k] = 0.0;
          }
          continue;
        }
        double diff = t - (k == labels[b] ? correct : wrong);
        total += 0.5 * diff * diff;
        if (dLdT != null) {
          dLdT[b][k] = diff / entries;
        }
      }
    }
    return total / entries;
  }

  @Override
  public int select(double[] labelTimes) {
    if (labelTimes.length == 0) {
      return -1;
    }
    double correct = tCorrect * tauSyn;
    double[] distance = new double[labelTimes.length];
    for (int k = 0; k < distance.length; k++) {
      distance[k] = Math.abs(labelTimes[k] - correct);
    }
    int best = LossSupport.argminNanFirst(distance);
    return LossSupport.missing(labelTimes[best]) ? -1 : best;
  }
}
