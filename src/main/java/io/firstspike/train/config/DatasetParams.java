package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.firstspike.data.DatasetFactory;
import java.util.List;
import java.util.stream.Stream;

/**
 * The new schema's {@code dataset_params} section (DELGRAD-MODEL.md sections 8 and 11). Which
 * values FirstSpike's data sets honour is decided where the data is built; here every key HEAD
 * reads is typed and checked.
 *
 * @param classes {@code pattern} only: the classes of HEAD's pattern generator
 * @param early Yin-Yang encoding t = early + v (late - early) (0.15); ignored for 16x16_mnist
 * @param inputMean {@code single_in_single_out} only: mean of the one input
 * @param inputStdDev {@code single_in_single_out} only: its standard deviation
 * @param late see early (2.0)
 * @param multiplyInputLayer Yin-Yang tiling factor; HEAD overwrites it with 1 for substrate sim,
 *     so the configured value has no effect (1)
 * @param name the data set
 * @param numSamples {@code single_in_single_out} only: samples per split
 * @param rBig Yin-Yang outer radius (0.5)
 * @param rSmall Yin-Yang dot radius (0.1)
 * @param seed HEAD overrides it per split (42 / 41 / 40): no effect
 * @param size HEAD overrides it per split (5000 / 1000 / 1000): no effect
 * @param which HEAD overrides it per split: no effect
 */
public record DatasetParams(
    List<PatternClass> classes,
    @JsonProperty(defaultValue = "0.15") double early,
    Double inputMean,
    Double inputStdDev,
    @JsonProperty(defaultValue = "2.0") double late,
    @JsonProperty(defaultValue = "1") int multiplyInputLayer,
    @JsonProperty(required = true) String name,
    Integer numSamples,
    @JsonProperty(defaultValue = "0.5") double rBig,
    @JsonProperty(defaultValue = "0.1") double rSmall,
    Long seed,
    Integer size,
    String which) {

  /** Data sets of HEAD that FirstSpike does not build. */
  public static final List<String> HEAD_ONLY = List.of("single_in_single_out", "pattern");

  /** Every name HEAD or FirstSpike knows. */
  static final List<String> NAMES =
      Stream.concat(DatasetFactory.BUILT_IN.stream(), HEAD_ONLY.stream()).toList();

  public DatasetParams {
    if (!NAMES.contains(name)) {
      throw ConfigException.at("name", "unknown data set '" + Checks.shown(name) + "'"
          + Suggest.didYouMean(name, NAMES) + "; valid are "
          + String.join(", ", DatasetFactory.BUILT_IN));
    }
    if (!(early < late)) {
      throw ConfigException.at("late", "must be later than early (" + early + "), got " + late);
    }
    Checks.positive("multiply_input_layer", multiplyInputLayer);
    if (!(rSmall > 0 && rSmall < rBig)) {
      throw ConfigException.at("r_small", "must lie in (0, r_big = " + rBig + "), got " + rSmall);
    }
    if (classes != null) {
      classes = List.copyOf(classes);
    }
  }

  /** A class of HEAD's {@code pattern} data set, chosen by {@code name}. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY,
      property = "name", visible = true)
  @JsonSubTypes({
      @JsonSubTypes.Type(value = PatternClass.Pattern.class, name = "pattern"),
      @JsonSubTypes.Type(value = PatternClass.Noise.class, name = "noise")})
  @JsonClassDescription("pattern class")
  public sealed interface PatternClass {

    /**
     * Samples of one fixed pattern of input times plus noise.
     *
     * @param pattern one value per input (after relu)
     */
    record Pattern(String name, @JsonProperty(required = true) int nSamples,
        @JsonProperty(required = true) List<Double> pattern, Double stdDev)
        implements PatternClass {}

    /**
     * Samples of pure noise: uniform in [low_bound, high_bound] or normal(mean, std).
     *
     * @param type {@code uniform} or {@code normal}
     */
    record Noise(String name, Double highBound, Double lowBound, Double mean,
        @JsonProperty(required = true) int nSamples, Double std,
        @JsonProperty(required = true) String type) implements PatternClass {}
  }
}
