package io.firstspike.train.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a config as YAML in its own schema with the loader's mapper ({@link ConfigMapper}):
 * every key with its effective value (defaults filled in), keys sorted in every section as the
 * original dumps them, so that a run folder's {@code config.yaml} can be read by both programs
 * and {@code ConfigLoader.parseAny(toYaml(c), c.source())} equals {@code c}.
 *
 * <p>Left out are keys whose value is "none": {@code data_dir}, {@code tau_mem} when equal to
 * tau_syn (2021), {@code width_pixel}, {@code lr_scheduler}, {@code rounding_precision}, {@code
 * clip_weights_max}, the 2021 top-level {@code xi, alpha, beta} when the config did not give them.
 * {@code max_dw_norm: null} (no clipping) and {@code training_noise: false} are written. 2021
 * configs keep the original's short forms ({@link Schemas#fold2021}): {@code bias_times} as one
 * list when all layers share it, no {@code loss} section when the top-level TTFS values say it.
 */
public final class ConfigWriter {
  private ConfigWriter() {}

  /** The config as YAML text. */
  public static String toYaml(AnyConfig config) {
    return ConfigMapper.toYaml(toTree(config));
  }

  /** Writes {@link #toYaml} to {@code file} (UTF-8). */
  public static void write(AnyConfig config, Path file) {
    try {
      Files.writeString(file, toYaml(config));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write config " + file + ": " + e.getMessage(), e);
    }
  }

  /** The config as a tree of JSON nodes (also useful for JSON transport of a config). */
  public static ObjectNode toTree(AnyConfig config) {
    ObjectNode tree = ConfigMapper.toTree(config);
    if (config instanceof ExperimentConfig) {
      Schemas.fold2021(tree);
    }
    return (ObjectNode) ConfigMapper.sorted(tree);
  }

  /** A double as written to a config: shortest, with a decimal point (see {@link ConfigMapper#num}). */
  static JsonNode num(double value) {
    return ConfigMapper.num(value);
  }
}
