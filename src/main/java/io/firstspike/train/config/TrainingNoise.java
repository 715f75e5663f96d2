package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code training_params.training_noise} section: during training every input time gets
 * Normal(mean, std_dev) added and negative times are mirrored, t -> |t| (TTFS-MODEL.md section 5).
 * In YAML, {@code training_noise: false} means no noise (a null reference here).
 *
 * @param mean {@code mean} of the added noise
 * @param stdDev {@code std_dev} of the added noise, >= 0
 */
public record TrainingNoise(@JsonProperty(required = true) double mean,
    @JsonProperty(required = true) double stdDev) {
  public TrainingNoise {
    Checks.finite("mean", mean);
    Checks.nonNegative("std_dev", stdDev);
  }
}
