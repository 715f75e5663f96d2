package io.firstspike.train.config;

/**
 * The {@code training_params.loss} section: which loss the label layer's spike times are trained
 * with (TTFS-MODEL.md section 4). A config without {@code loss} but with top-level {@code xi},
 * {@code alpha} and {@code beta} means {@link Ttfs} (that is how the original's configs look).
 */
public sealed interface LossConfig permits LossConfig.Ttfs, LossConfig.Mse {

  /** The YAML value of {@code loss.type}. */
  String type();

  /**
   * Time-to-first-spike loss
   * {@code L = log(sum_k exp(-t_k/(xi tau_s))) + t_y/(xi tau_s) + alpha exp(t_y/(beta tau_s))}.
   *
   * @param xi softmax temperature in units of tau_s, > 0
   * @param alpha weight of the regulariser that pushes the correct spike early, >= 0
   * @param beta time scale of that regulariser in units of tau_s, > 0
   */
  record Ttfs(double xi, double alpha, double beta) implements LossConfig {
    public static final String TYPE = "TTFS";

    public Ttfs {
      Checks.positive("training_params.loss.xi", xi);
      Checks.nonNegative("training_params.loss.alpha", alpha);
      Checks.positive("training_params.loss.beta", beta);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * Mean squared error towards target times {@code t_correct * tau_s} for the label neuron and
   * {@code t_wrong * tau_s} for the others.
   *
   * @param tCorrect {@code t_correct}: target time of the correct neuron in units of tau_s
   * @param tWrong {@code t_wrong}: target time of the wrong neurons in units of tau_s
   */
  record Mse(double tCorrect, double tWrong) implements LossConfig {
    public static final String TYPE = "MSE";

    public Mse {
      Checks.finite("training_params.loss.t_correct", tCorrect);
      Checks.finite("training_params.loss.t_wrong", tWrong);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }
}
