package io.firstspike.core.loss;

import java.util.List;

/**
 * A term of {@code training_params.loss.regulariser} of a new-schema config (DELGRAD-MODEL.md
 * section 5), added to every sample's loss before the replacement of non-finite samples.
 */
public sealed interface DelgradRegulariser {

  /**
   * {@code early_output}: pulls the label neuron's spike earlier (the 2021 TTFS loss had this term
   * built in; HEAD adds it only when listed).
   *
   * <pre>
   *   L_b += alpha * exp(t_y / (beta tau))        dL_b/dt_y += alpha * exp(t_y / (beta tau)) / (beta tau)
   * </pre>
   *
   * @param alpha weight, finite
   * @param beta time scale in units of tau, finite and > 0
   * @param tauSyn tau = {@code default_neuron_params.tau_syn}, finite and > 0
   */
  record EarlyOutput(double alpha, double beta, double tauSyn) implements DelgradRegulariser {
    public EarlyOutput {
      LossSupport.requireFinite("training_params.loss.regulariser (early_output).alpha", alpha);
      LossSupport.requirePositive("training_params.loss.regulariser (early_output).beta", beta);
      LossSupport.requirePositive("default_neuron_params.tau_syn", tauSyn);
    }

    /** The term of a sample whose label time is {@code ty}. */
    public double value(double ty) {
      return alpha * Math.exp(ty / (beta * tauSyn));
    }

    /** Its derivative with respect to t_y (+Infinity for t_y = +Infinity). */
    public double derivative(double ty) {
      return value(ty) / (beta * tauSyn);
    }
  }

  /**
   * {@code l2_delay}: a penalty on the delays, the same for every sample,
   *
   * <pre>
   *   R = alpha * mean(d^2) = alpha / n_d * sum_i d_i^2       dR/dd_i = alpha * 2 d_i / n_d
   * </pre>
   *
   * over the concatenation d of all Delay layers' delays in layer order, each flattened
   * row-major (n_d entries in all). With {@code useEffectiveDelays} d are the tiled effective
   * delays E'' of each Delay layer (section 2.3: shared delays are counted once per use; axonal
   * {@code [N][1]}, synaptic {@code [N][M]}, dendritic {@code [1][M]}), else the raw parameters.
   * {@link #source} says which vectors the caller must pass and where the gradient goes back.
   *
   * @param alpha weight, finite
   * @param useEffectiveDelays {@code use_effective_delays}
   */
  record L2Delay(double alpha, boolean useEffectiveDelays) implements DelgradRegulariser {
    public L2Delay {
      LossSupport.requireFinite("training_params.loss.regulariser (l2_delay).alpha", alpha);
    }

    /** The delay vectors this penalty is a function of. */
    public DelaySource source() {
      return useEffectiveDelays ? DelaySource.EFFECTIVE : DelaySource.RAW;
    }

    /**
     * R of the given delay vectors.
     *
     * @throws IllegalArgumentException if there is no delay at all (the mean of nothing)
     */
    public double value(List<double[]> delays) {
      long n = count(delays);
      double sum = 0;
      for (double[] d : delays) {
        for (double v : d) {
          sum += v * v;
        }
      }
      return alpha * (sum / n);
    }

    /**
     * {@code scale * dR/dd} for every delay, shaped like {@code delays}; the loss passes scale =
     * kept / B (the share of samples whose loss carries a gradient).
     */
    public List<double[]> gradient(List<double[]> delays, double scale) {
      long n = count(delays);
      double factor = scale * alpha / n;
      return delays.stream()
          .map(d -> {
            double[] g = new double[d.length];
            for (int i = 0; i < g.length; i++) {
              g[i] = factor * (2 * d[i]);
            }
            return g;
          })
          .toList();
    }

    private static long count(List<double[]> delays) {
      long n = 0;
      for (double[] d : delays) {
        n += d.length;
      }
      if (n == 0) {
        throw new IllegalArgumentException(
            "training_params.loss.regulariser l2_delay needs at least one Delay layer with"
                + " delays; the network has none");
      }
      return n;
    }
  }

  /**
   * Which delays a penalty is a function of, and so where the network chains its gradient.
   *
   * <ul>
   *   <li>{@link #EFFECTIVE}: the tiled effective delays E''. The gradient dR/dE'' is added by
   *       each Delay layer to its dL/dE'' (the per-synapse error summed over the batch,
   *       DELGRAD-MODEL.md section 2.5) <em>before</em> the sum over shared synapses and the
   *       positivity factor (sigmoid: scale * s * (1 - s)); that is the chain rule through the
   *       tiling and the positivity function.
   *   <li>{@link #RAW}: the raw parameters; dR/draw is added to the raw parameter gradient as
   *       it is (no positivity factor).
   * </ul>
   */
  enum DelaySource {
    EFFECTIVE,
    RAW
  }
}
