package io.firstspike.train.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.StdConverter;
import io.firstspike.core.layer.EpsRule;
import io.firstspike.core.layer.NeuronSettings;
import io.firstspike.core.layer.ReferenceNeuronPass;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.WeightClipping;

/**
 * Neuron parameters as a config gives them: the 2021 {@code neuron_params}, the new schema's
 * {@code default_neuron_params} and a NeuronLayer's {@code neuron_params} overrides
 * (TTFS-MODEL.md section 1, DELGRAD-MODEL.md sections 3.1 and 8). Every key may be absent here
 * (null); what each place requires is checked where it is used: {@link #to2021} for the 2021
 * schema, {@link #requireDefaults} and {@link #toSettings} for the new one.
 *
 * @param gLeak {@code g_leak}, > 0
 * @param leak {@code leak}
 * @param maxDwNorm new schema: {@code max_dw_norm}, gradient clipping bound (> 0), +Infinity when
 *     the config says null or false (no clipping)
 * @param modelTauRatio new schema: {@code model_tau_ratio}, 1 (et) or 2 (dt); else tau_mem /
 *     tau_syn decides
 * @param jitter new schema: {@code jitter}, std of the noise on the output times
 * @param tauMem {@code tau_mem}, > 0 (2021: default tau_syn)
 * @param tauSyn {@code tau_syn}, > 0
 * @param threshold {@code threshold}
 * @param thresholdNoiseB2bStd new schema: batch-to-batch threshold noise std
 * @param thresholdNoiseFpMean new schema: fixed-pattern threshold offset mean
 * @param thresholdNoiseFpStd new schema: fixed-pattern threshold offset std
 * @param thresholdNoiseS2sStd new schema: sample-to-sample threshold noise std
 * @param clipWeightsMax new schema: this layer's {@code clip_weights_max} (see {@link
 *     WeightClipping})
 */
public record NeuronKeys(
    Double gLeak,
    Double leak,
    @JsonDeserialize(using = Scalars.LimitOrOff.class)
        @JsonSerialize(using = Scalars.LimitOrOff.Writer.class) Double maxDwNorm,
    Double modelTauRatio,
    Double jitter,
    Double tauMem,
    Double tauSyn,
    Double threshold,
    Double thresholdNoiseB2bStd,
    Double thresholdNoiseFpMean,
    Double thresholdNoiseFpStd,
    Double thresholdNoiseS2sStd,
    WeightClipping.Setting clipWeightsMax) {

  /** The keys of the 2021 schema (the others belong to the new schema's neuron parameters). */
  private static final java.util.Set<String> KEYS_2021 =
      java.util.Set.of("g_leak", "leak", "tau_mem", "tau_syn", "threshold");

  public NeuronKeys {
    if (gLeak != null) {
      Checks.positive("g_leak", gLeak);
    }
    if (tauSyn != null) {
      Checks.positive("tau_syn", tauSyn);
    }
    if (tauMem != null) {
      Checks.positive("tau_mem", tauMem);
    }
    if (maxDwNorm != null && !(maxDwNorm > 0)) {
      throw ConfigException.at("max_dw_norm", "must be a number > 0, or null for no clipping,"
          + " got " + maxDwNorm);
    }
    if (modelTauRatio != null && modelTauRatio != 1.0 && modelTauRatio != 2.0) {
      throw ConfigException.at("model_tau_ratio", "must be 1 (et: tau_mem = tau_syn) or 2 (dt:"
          + " tau_mem = 2 tau_syn), got " + modelTauRatio);
    }
    for (String key : new String[] {"jitter", "threshold_noise_b2b_std", "threshold_noise_fp_std",
        "threshold_noise_s2s_std"}) {
      Double v = switch (key) {
        case "jitter" -> jitter;
        case "threshold_noise_b2b_std" -> thresholdNoiseB2bStd;
        case "threshold_noise_fp_std" -> thresholdNoiseFpStd;
        default -> thresholdNoiseS2sStd;
      };
      if (v != null) {
        Checks.nonNegative(key, v);
      }
    }
  }

  /** These keys overridden by {@code overrides} key by key (HEAD's dict update). */
  public NeuronKeys overriddenBy(NeuronKeys overrides) {
    if (overrides == null) {
      return this;
    }
    ObjectNode merged = ConfigMapper.toTree(this);
    merged.setAll(ConfigMapper.toTree(overrides));
    return ConfigMapper.bind(merged, NeuronKeys.class, null);
  }

  /**
   * Requires what HEAD reads from {@code default_neuron_params} for every layer: g_leak, leak,
   * threshold, tau_syn, tau_mem and max_dw_norm (null allowed: no clipping).
   */
  void requireDefaults() {
    Checks.required("g_leak", gLeak);
    Checks.required("leak", leak);
    Checks.required("threshold", threshold);
    Checks.required("tau_syn", tauSyn);
    Checks.required("tau_mem", tauMem);
    if (maxDwNorm == null) {
      throw ConfigException.at("max_dw_norm", "is required but missing (HEAD reads it in every"
          + " backward pass): give a bound such as 0.2, or null for no clipping");
    }
  }

  /** HEAD's variant rule: model_tau_ratio, else tau_mem / tau_syn exactly 1 or 2. */
  Variant variant() {
    try {
      return NeuronSettings.variantOf(tauSyn, tauMem, modelTauRatio);
    } catch (IllegalArgumentException e) {
      throw ConfigException.at(modelTauRatio != null ? "model_tau_ratio" : "tau_mem",
          "tau_mem / tau_syn = " + (tauMem / tauSyn) + " (tau_mem " + tauMem + ", tau_syn "
              + tauSyn + "); give model_tau_ratio (1 or 2) or make the ratio exactly 1 or 2");
    }
  }

  /**
   * The core settings of a complete (merged) set: the variant, HEAD's EPS rule, clipping and
   * the hardware-aware noise.
   */
  public NeuronSettings toSettings() {
    requireDefaults();
    NeuronParams params = new NeuronParams(gLeak, leak, threshold, tauSyn, tauMem);
    NeuronSettings.Noise noise = new NeuronSettings.Noise(zero(thresholdNoiseS2sStd),
        zero(thresholdNoiseB2bStd), zero(thresholdNoiseFpMean), zero(thresholdNoiseFpStd),
        zero(jitter));
    double clip = maxDwNorm == Double.POSITIVE_INFINITY ? ReferenceNeuronPass.NO_CLIPPING : maxDwNorm;
    return new NeuronSettings(params, variant(), EpsRule.DELGRAD, clip, noise);
  }

  /** This layer's {@code clip_weights_max}, {@link WeightClipping.Setting#ABSENT} if not set. */
  public WeightClipping.Setting clipping() {
    return clipWeightsMax == null ? WeightClipping.Setting.ABSENT : clipWeightsMax;
  }

  private static double zero(Double v) {
    return v == null ? 0.0 : v;
  }

  /** The 2021 {@code neuron_params}: g_leak, leak, threshold, tau_syn required, tau_mem = tau_syn. */
  NeuronParams to2021() {
    ObjectNode given = ConfigMapper.toTree(this);
    given.fieldNames().forEachRemaining(key -> {
      if (!KEYS_2021.contains(key)) {
        throw ConfigException.at(key, "is a key of the new schema's neuron parameters"
            + " (default_neuron_params); the 2021 neuron_params has g_leak, leak, threshold,"
            + " tau_syn and tau_mem: remove it");
      }
    });
    Checks.required("g_leak", gLeak);
    Checks.finite("leak", Checks.required("leak", leak));
    Checks.finite("threshold", Checks.required("threshold", threshold));
    Checks.required("tau_syn", tauSyn);
    return new NeuronParams(gLeak, leak, threshold, tauSyn, tauMem == null ? tauSyn : tauMem);
  }

  /** Reads a 2021 {@code neuron_params} section into the core record. */
  static final class Read2021 extends StdConverter<NeuronKeys, NeuronParams> {
    @Override
    public NeuronParams convert(NeuronKeys keys) {
      return keys.to2021();
    }
  }

  /** Writes the core record as a 2021 section ({@code tau_mem} only when it differs). */
  static final class Write2021 extends StdConverter<NeuronParams, NeuronKeys> {
    @Override
    public NeuronKeys convert(NeuronParams p) {
      return new NeuronKeys(p.gLeak(), p.leak(), null, null, null,
          p.tauMem() == p.tauSyn() ? null : p.tauMem(), p.tauSyn(), p.threshold(), null, null,
          null, null, null);
    }
  }
}
