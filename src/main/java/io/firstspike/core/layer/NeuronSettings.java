package io.firstspike.core.layer;

import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;

/**
 * Everything a neuron layer's passes need besides its weights (DELGRAD-MODEL.md sections 3.1 and
 * 8): the neuron parameters, the closed form, where EPS goes, gradient clipping and the
 * hardware-aware noise.
 *
 * @param params g_leak, leak, threshold (nominal), tau_syn, tau_mem
 * @param variant et or dt (HEAD: from {@code model_tau_ratio} or tau_mem / tau_syn, see
 *     {@link #variantOf}); the formulas use tau_syn and tau_mem as given
 * @param eps the EPS placement of the config's schema
 * @param maxDwNorm per-(sample, neuron) weight-gradient clipping bound ({@code max_dw_norm}),
 *     {@link ReferenceNeuronPass#NO_CLIPPING} for null
 * @param noise threshold noise and output jitter, {@link Noise#NONE} for none
 */
public record NeuronSettings(NeuronParams params, Variant variant, EpsRule eps, double maxDwNorm,
    Noise noise) {

  public NeuronSettings {
    if (params == null || variant == null || eps == null || noise == null) {
      throw new IllegalArgumentException("neuron settings: params, variant, eps and noise are "
          + "required");
    }
    if (!(maxDwNorm >= 0)) {
      throw new IllegalArgumentException("max_dw_norm must be >= 0 (or null for no clipping), got "
          + maxDwNorm);
    }
  }

  /** Without noise. */
  public static NeuronSettings of(NeuronParams params, Variant variant, EpsRule eps,
      double maxDwNorm) {
    return new NeuronSettings(params, variant, eps, maxDwNorm, Noise.NONE);
  }

  /**
   * The noise model of a neuron layer (all std times N(0, 1)).
   *
   * <pre>
   *   theta_bj = (threshold + fp_j) + (s2s_bj + b2b_j)     forward only; the backward uses threshold
   *   T_bj    += outputJitter * n_bj                        after the first-spike search
   * </pre>
   *
   * @param s2sStd {@code threshold_noise_s2s_std}: per forward call, sample and neuron
   * @param b2bStd {@code threshold_noise_b2b_std}: per forward call and neuron
   * @param fpMean {@code threshold_noise_fp_mean}: fixed-pattern offset fp_j, drawn once
   * @param fpStd {@code threshold_noise_fp_std}
   * @param outputJitter the neuron layer's {@code jitter}
   */
  public record Noise(double s2sStd, double b2bStd, double fpMean, double fpStd,
      double outputJitter) {
    public static final Noise NONE = new Noise(0, 0, 0, 0, 0);

    public Noise {
      for (double v : new double[] {s2sStd, b2bStd, fpMean, fpStd, outputJitter}) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("neuron noise parameters must be finite, got " + this);
        }
      }
    }

    /** True when s2s and b2b are drawn (either std nonzero). */
    public boolean thresholdNoise() {
      return s2sStd != 0 || b2bStd != 0;
    }
  }

  /**
   * HEAD's variant rule: {@code model_tau_ratio} 1 or 2 when given, otherwise tau_mem / tau_syn,
   * which must then be exactly 1 or 2.
   *
   * @param modelTauRatio null when the config does not give it
   */
  public static Variant variantOf(double tauSyn, double tauMem, Double modelTauRatio) {
    double ratio = modelTauRatio != null ? modelTauRatio : tauMem / tauSyn;
    if (ratio == 1.0) {
      return Variant.ET;
    }
    if (ratio == 2.0) {
      return Variant.DT;
    }
    throw new IllegalArgumentException(modelTauRatio != null
        ? "neuron_params.model_tau_ratio must be 1 or 2, got " + modelTauRatio
        : "neuron_params: tau_mem / tau_syn = " + ratio + " (tau_mem " + tauMem + ", tau_syn "
            + tauSyn + "); give model_tau_ratio (1 or 2) or make the ratio exactly 1 or 2");
  }
}
