package io.firstspike.core.loss;

/**
 * The time-to-first-spike loss of Göltz, Kriener et al. (TTFS-MODEL.md section 4): a cross
 * entropy on the softmax of the negative spike times plus a term that pulls the label neuron's
 * spike earlier; the 2021 semantics of old-schema configs (new-schema ones use {@link
 * DelgradObjective.Ttfs}, without the alpha term). Per sample, with s = xi * tau_s,
 *
 * <pre>
 *   L = log( sum_k exp(-t_k / s) ) + t_y / s + alpha * exp(t_y / (beta tau_s))
 * </pre>
 *
 * and its derivative, with p_k = softmax(-t / s)_k,
 *
 * <pre>
 *   dL/dt_k = -p_k / s + [k == y] * ( 1 / s + alpha / (beta tau_s) * exp(t_y / (beta tau_s)) )
 * </pre>
 *
 * <p>If t_y is +Infinity (or NaN) the sample's loss is the constant {@link
 * Loss#MISSING_SPIKE_LOSS} and it gives no gradient. Other classes at +Infinity simply drop out of
 * the softmax (exp(-inf) = 0). The log-sum-exp subtracts the largest exponent first, so large
 * times neither underflow nor overflow; mathematically the value is unchanged.
 *
 * <p>Class selected: argmin_k t_k, first index on ties; -1 if that minimum is +Infinity or NaN
 * (as PyTorch's {@code argmin}, a NaN anywhere in the row is the minimum).
 *
 * @param xi softmax temperature in units of tau_s ({@code xi}), > 0
 * @param alpha weight of the exponential term ({@code alpha}), finite
 * @param beta time scale of the exponential term in units of tau_s ({@code beta}), > 0
 * @param tauSyn synaptic time constant tau_s of the network, > 0
 */
public record TtfsLoss(double xi, double alpha, double beta, double tauSyn) implements Loss {

  public TtfsLoss {
    requirePositive("xi", xi);
    requirePositive("beta", beta);
    requirePositive("tau_syn", tauSyn);
    if (!Double.isFinite(alpha)) {
      throw new IllegalArgumentException("training_params.loss.alpha must be finite, got " + alpha);
    }
  }

  @Override
  public double compute(double[][] labelTimes, int[] labels, double[][] dLdT) {
    int nClasses = LossSupport.checkShapes(labelTimes, labels, dLdT);
    int batch = labelTimes.length;
    double s = xi * tauSyn;
    double betaTau = beta * tauSyn;
    double[] shifted = new double[nClasses];
    double total = 0;
    for (int b = 0; b < batch; b++) {
      double[] t = labelTimes[b];
      int y = labels[b];
      double ty = t[y];
      if (LossSupport.missing(ty)) {
        total += MISSING_SPIKE_LOSS;
        if (dLdT != null) {
          java.util.Arrays.fill(dLdT[b], 0.0);
        }
        continue;
      }
      // Stable log-sum-exp of x_k = -t_k / s over the classes that spiked; t_y is finite, so
      // the maximum m is finite.
      double m = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < nClasses; k++) {
        if (!LossSupport.missing(t[k])) {
          m = Math.max(m, -t[k] / s);
        }
      }
      double sum = 0;
      for (int k = 0; k < nClasses; k++) {
        shifted[k] = LossSupport.missing(t[k]) ? 0.0 : Math.exp(-t[k] / s - m);
        sum += shifted[k];
      }
      double expTerm = alpha * Math.exp(ty / betaTau);
      total += m + Math.log(sum) + ty / s + expTerm;
      if (dLdT != null) {
        for (int k = 0; k < nClasses; k++) {
          double g = -(shifted[k] / sum) / s;
          if (k == y) {
            g += 1 / s + expTerm / betaTau;
          }
          dLdT[b][k] = g / batch;
        }
      }
    }
    return total / batch;
  }

  @Override
  public int select(double[] labelTimes) {
    if (labelTimes.length == 0) {
      return -1;
    }
    int best = LossSupport.argminNanFirst(labelTimes);
    return LossSupport.missing(labelTimes[best]) ? -1 : best;
  }

  private static void requirePositive(String key, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          "training_params.loss." + key + " must be a finite number > 0, got " + v);
    }
  }
}
