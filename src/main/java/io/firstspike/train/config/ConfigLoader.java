package io.firstspike.train.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * Reads configs of both schemas and validates them completely (DELGRAD-MODEL.md section 0): the
 * 2021 schema of the original's release ({@link ExperimentConfig}, TTFS-MODEL.md) and the new
 * schema of its DelGrad version ({@link DelgradExperiment}), told apart by their keys.
 *
 * <p>The original's {@code config.yaml} files of both versions load unchanged. Which keys are
 * required and what the others default to is declared on the records, one component per key
 * ({@code @JsonProperty(required = true)}, {@code @JsonProperty(defaultValue = ...)}); the
 * records check their values, the config records check across sections.
 *
 * <p>Every problem is a {@link ConfigException} naming the file, the key path, the bad value and
 * what would be valid. Unknown keys are errors (a typo must not silently become a default).
 * Before the keys are read, {@link YamlTree} refuses text no config can be: over
 * {@link #MAX_CONFIG_BYTES}, not UTF-8, control characters, a second document, aliases, nesting
 * beyond {@link #MAX_NESTING_DEPTH}, {@code .nan} and {@code .inf}; but a config that asks for
 * the BrainScaleS-2 chip is refused before all of these except the size and the characters
 * ({@link Schemas#refuseChip}). Then a config mixing the schemas is refused, and the keys are
 * bound ({@link ConfigMapper}). Whether a valid config fits in this JVM's memory is
 * decided per machine by the training package, before a run starts.
 */
public final class ConfigLoader {
  /**
   * Largest config accepted, in bytes, checked before a file is read or text is parsed (the
   * shipped configs, every key commented, are about 4 KB).
   */
  public static final int MAX_CONFIG_BYTES = 1 << 20;

  /** Deepest nesting of lists and mappings accepted; the schemas need 5. */
  public static final int MAX_NESTING_DEPTH = 16;

  /**
   * Why a valid new-schema config is refused by the entry points that read 2021 configs only
   * (inference and evaluation of our run folders); training takes both schemas.
   */
  public static final String DELGRAD_NOT_TRAINABLE = "this config is of the new (DelGrad) schema"
      + " (dataset_params, default_neuron_params, network_layout.layers): it trains (train,"
      + " continue, the workbench, sweep run), but this command reads 2021-schema configs"
      + " (dataset, neuron_params, network_layout.layer_sizes) only";

  private ConfigLoader() {}

  /**
   * Loads and validates a 2021-schema {@code file}; the file's path becomes the config's
   * {@code source}. A valid new-schema file is refused with {@link #DELGRAD_NOT_TRAINABLE}.
   */
  public static ExperimentConfig load(Path file) {
    return parse(readText(file), file.toString());
  }

  /** Loads and validates {@code file} in either schema. */
  public static AnyConfig loadAny(Path file) {
    return parseAny(readText(file), file.toString());
  }

  /**
   * The text of a config file, for callers that keep it (the CLI copies it into the run folder):
   * at most {@link #MAX_CONFIG_BYTES}, checked before reading, and UTF-8.
   *
   * @throws ConfigException naming the file: missing, too large, not UTF-8 (with the first bad
   *     byte and its offset), unreadable
   */
  public static String readText(Path file) {
    return YamlTree.readText(file);
  }

  /**
   * Parses and validates 2021-schema YAML text; {@code sourceName} names it in messages and in
   * the record. A valid new-schema text is refused with {@link #DELGRAD_NOT_TRAINABLE}.
   */
  public static ExperimentConfig parse(String yaml, String sourceName) {
    return only2021(parseAny(yaml, sourceName));
  }

  /** Parses and validates YAML text of either schema. */
  public static AnyConfig parseAny(String yaml, String sourceName) {
    refuseChip(YamlTree.tokens(yaml, sourceName), sourceName);
    return bind(YamlTree.read(yaml, sourceName), sourceName);
  }

  /**
   * Validates a 2021-schema config given as a tree, e.g. a JSON body from the dashboard (same
   * schema as the YAML, see {@link ConfigWriter#toTree}).
   */
  public static ExperimentConfig fromTree(JsonNode root, String sourceName) {
    return only2021(anyFromTree(root, sourceName));
  }

  /** Validates a config of either schema given as a tree. */
  public static AnyConfig anyFromTree(JsonNode root, String sourceName) {
    if (root != null) {
      refuseChip(root.traverse(), sourceName);
    }
    return bind(root, sourceName);
  }

  private static void refuseChip(JsonParser tokens, String sourceName) {
    try {
      Schemas.refuseChip(tokens);
    } catch (ConfigException e) {
      throw e.inFile(sourceName);
    }
  }

  /** A tree whose chip keys were looked at, bound onto its schema's record. */
  private static AnyConfig bind(JsonNode root, String sourceName) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException(sourceName, "", "the file is empty; expected the sections"
          + " dataset, neuron_params, network_layout and training_params (2021 schema) or"
          + " dataset_params, default_neuron_params, network_layout and training_params");
    }
    if (!root.isObject()) {
      throw new ConfigException(sourceName, "", "expected a mapping of keys to values, got "
          + Scalars.describe(root));
    }
    ObjectNode tree = root.deepCopy();
    try {
      if (tree.has("source")) {
        throw ConfigException.at("source", "unknown key 'source': a config's source is the file"
            + " it was read from");
      }
      if (Schemas.detect(tree) == Schemas.Schema.DELGRAD) {
        Schemas.fillDelgrad(tree);
        return ConfigMapper.bind(tree, DelgradExperiment.class, sourceName).withSource(sourceName);
      }
      Schemas.expand2021(tree);
      return ConfigMapper.bind(tree, ExperimentConfig.class, sourceName).withSource(sourceName);
    } catch (ConfigException e) {
      throw e.inFile(sourceName);
    }
  }

  /**
   * Binds one section of a config (or a part of one, e.g. the {@code network_layout} of a
   * golden file's config) onto its record with the loader's checks; messages name {@code
   * sourceName} and key paths relative to the section.
   */
  public static <T> T section(JsonNode node, Class<T> type, String sourceName) {
    return ConfigMapper.bind(node, type, sourceName);
  }

  private static ExperimentConfig only2021(AnyConfig config) {
    if (config instanceof ExperimentConfig c) {
      return c;
    }
    throw new ConfigException(config.source(), "", DELGRAD_NOT_TRAINABLE);
  }
}
