package io.firstspike.core.loss;

/**
 * The per-sample base loss of a new-schema (DelGrad, the original's HEAD) config and its class
 * selection (DELGRAD-MODEL.md section 5). Old-schema (2021) configs use {@link TtfsLoss} and
 * {@link MseLoss} instead: the two schemas differ in numbers (section 0), so each has its own
 * classes and the schema of the config selects them.
 *
 * <p>For one sample with label-layer times t [K] and label y, {@link #value} is L_b and {@link
 * #addGradient} adds {@code weight * dL_b/dt_k}. Both are evaluated in plain IEEE arithmetic, also
 * for infinite times: the result is +Infinity or NaN where the formula is, and the derivative of a
 * sample that the loss replaces by the constant 100 is {@code 0 * (its derivative)}, which is NaN
 * exactly where that derivative is not finite. That reproduces the NaN entries that the
 * original's autograd hands to the layers (which zero them, section 3.3); {@link DelgradLoss}
 * owns the replacement rule and the zeroing.
 *
 * <p>tau is {@code default_neuron_params.tau_syn}, not the label layer's own tau_syn.
 */
public sealed interface DelgradObjective {

  /** L_b of one sample (before regularisers and before the replacement of non-finite samples). */
  double value(double[] t, int y);

  /** {@code out[k] += weight * dL_b/dt_k} for every k, in IEEE arithmetic. */
  void addGradient(double[] t, int y, double weight, double[] out);

  /** The selected class of one sample, -1 ("no decision", always wrong) if none. */
  int select(double[] t);

  /** tau, the time unit of the loss parameters ({@code default_neuron_params.tau_syn}). */
  double tauSyn();

  /**
   * {@code shift_invariant_MSE}: the correct neuron should fire Delta = delta_t * tau before every
   * other one (after, for delta_t < 0); absolute times are free.
   *
   * <pre>
   *   r_k = (t_k - t_y) - Delta_k,   Delta_k = Delta (k != y), 0 (k = y)
   *   L_b = 0.5 * sum_k r_k^2
   *   dL_b/dt_k = r_k (k != y),      dL_b/dt_y = -sum_{k != y} r_k
   * </pre>
   *
   * Selection: argmin_k |t_k| when delta_t > 0, argmax_k |t_k| otherwise (delta_t = 0 included),
   * first index on ties; -1 if the selected time is +Infinity or NaN (a NaN anywhere is selected,
   * as torch's argmin/argmax propagate NaN).
   *
   * @param deltaT {@code delta_t}, in units of tau, finite
   * @param tauSyn tau, finite and > 0
   */
  record ShiftInvariantMse(double deltaT, double tauSyn) implements DelgradObjective {
    public ShiftInvariantMse {
      LossSupport.requireFinite("training_params.loss.delta_t", deltaT);
      LossSupport.requirePositive("default_neuron_params.tau_syn", tauSyn);
    }

    @Override
    public double value(double[] t, int y) {
      double shift = deltaT * tauSyn;
      double sum = 0;
      for (int k = 0; k < t.length; k++) {
        double r = (t[k] - t[y]) - (k == y ? 0.0 : shift);
        sum += r * r;
      }
      return 0.5 * sum;
    }

    @Override
    public void addGradient(double[] t, int y, double weight, double[] out) {
      double shift = deltaT * tauSyn;
      double toLabel = 0;
      for (int k = 0; k < t.length; k++) {
        if (k != y) {
          double g = weight * ((t[k] - t[y]) - shift);
          out[k] += g;
          toLabel -= g;
        }
      }
      out[y] += toLabel;
    }

    @Override
    public int select(double[] t) {
      double[] magnitude = new double[t.length];
      for (int k = 0; k < t.length; k++) {
        magnitude[k] = Math.abs(t[k]);
      }
      int best =
          deltaT > 0
              ? LossSupport.argminNanFirst(magnitude)
              : LossSupport.argmaxNanFirst(magnitude);
      return t.length == 0 || LossSupport.missing(t[best]) ? -1 : best;
    }
  }

  /**
   * HEAD's {@code MSE}: per sample the sum (not the 2021 mean) over the K classes,
   *
   * <pre>
   *   L_b = 0.5 * sum_k (t_k - target_k)^2,  target_y = t_correct * tau, others t_wrong * tau
   *   dL_b/dt_k = t_k - target_k
   * </pre>
   *
   * Selection: argmin_k |t_k - t_correct * tau|, first index on ties; -1 if the selected time is
   * +Infinity or NaN.
   */
  record Mse(double tCorrect, double tWrong, double tauSyn) implements DelgradObjective {
    public Mse {
      LossSupport.requireFinite("training_params.loss.t_correct", tCorrect);
      LossSupport.requireFinite("training_params.loss.t_wrong", tWrong);
      LossSupport.requirePositive("default_neuron_params.tau_syn", tauSyn);
    }

    private double target(int k, int y) {
      return (k == y ? tCorrect : tWrong) * tauSyn;
    }

    @Override
    public double value(double[] t, int y) {
      double sum = 0;
      for (int k = 0; k < t.length; k++) {
        double d = t[k] - target(k, y);
        sum += d * d;
      }
      return 0.5 * sum;
    }

    @Override
    public void addGradient(double[] t, int y, double weight, double[] out) {
      for (int k = 0; k < t.length; k++) {
        out[k] += weight * (t[k] - target(k, y));
      }
    }

    @Override
    public int select(double[] t) {
      double correct = tCorrect * tauSyn;
      double[] distance = new double[t.length];
      for (int k = 0; k < t.length; k++) {
        distance[k] = Math.abs(t[k] - correct);
      }
      int best = LossSupport.argminNanFirst(distance);
      return t.length == 0 || LossSupport.missing(t[best]) ? -1 : best;
    }
  }

  /**
   * HEAD's {@code TTFS}: the 2021 cross entropy on softmax(-t / s), s = xi * tau, without the
   * alpha term (that is the {@code early_output} regulariser now):
   *
   * <pre>
   *   L_b = log( sum_k exp(-t_k / s) ) + t_y / s
   *   dL_b/dt_k = -p_k / s + [k == y] / s,   p_k = exp(-t_k / s) / sum_j exp(-t_j / s)
   * </pre>
   *
   * The log-sum-exp subtracts the largest exponent m first: the same value up to rounding, but
   * finite where exp(-t_k / s) would underflow (t_k above about 745 s). A sample whose every time
   * is +Infinity has m = -Infinity and p = NaN, as the plain formula's 0/0 in the original; one
   * whose label time alone is +Infinity has a finite p. Selection: argmin_k t_k, first index on
   * ties; -1 if +Infinity or NaN.
   */
  record Ttfs(double xi, double tauSyn) implements DelgradObjective {
    public Ttfs {
      LossSupport.requirePositive("training_params.loss.xi", xi);
      LossSupport.requirePositive("default_neuron_params.tau_syn", tauSyn);
    }

    /** The largest exponent -t_k / s (-Infinity when every t_k is +Infinity; NaN with a NaN). */
    private double maxExponent(double[] t, double s) {
      double m = Double.NEGATIVE_INFINITY;
      for (double tk : t) {
        m = Math.max(m, -tk / s);
      }
      return m;
    }

    private static double shiftedSum(double[] t, double s, double m) {
      double sum = 0;
      for (double tk : t) {
        sum += Math.exp(-tk / s - m);
      }
      return sum;
    }

    @Override
    public double value(double[] t, int y) {
      double s = xi * tauSyn;
      double m = maxExponent(t, s);
      return m + Math.log(shiftedSum(t, s, m)) + t[y] / s;
    }

    @Override
    public void addGradient(double[] t, int y, double weight, double[] out) {
      double s = xi * tauSyn;
      double m = maxExponent(t, s);
      double sum = shiftedSum(t, s, m);
      for (int k = 0; k < t.length; k++) {
        double p = Math.exp(-t[k] / s - m) / sum;
        out[k] -= weight * p / s;
      }
      out[y] += weight / s;
    }

    @Override
    public int select(double[] t) {
      int best = LossSupport.argminNanFirst(t);
      return t.length == 0 || LossSupport.missing(t[best]) ? -1 : best;
    }
  }
}
