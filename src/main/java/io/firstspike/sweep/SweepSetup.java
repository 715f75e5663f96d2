package io.firstspike.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.train.MemoryEstimate;
import io.firstspike.train.config.ConfigException;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.AnyConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep read and expanded, before anything is written: the initial config and the sweep file
 * (the original's format, unchanged), the runs, and the schema of the config.
 *
 * @param initialName the initial config's path as given, for messages
 * @param initialText the initial config, copied to {@code initial_config.yaml}
 * @param sweepText what {@code sweep_config.yaml} gets: the sweep file, or with --seeds the sweep
 *     with its seed entry first
 * @param definition the sweep's entries
 * @param plan the runs
 * @param dataset the data set name for the folder name {@code sweep_<dataset>_<timestamp>}
 * @param newSchema true for a DelGrad (new-schema) config
 */
public record SweepSetup(String initialName, String initialText, String sweepText,
    SweepDefinition definition, SweepPlan plan, String dataset, boolean newSchema) {

  /**
   * Reads and expands a sweep.
   *
   * @param seeds the --seeds axis, or null
   * @throws SweepException or {@link ConfigException} naming the file, the entry and the path
   */
  public static SweepSetup read(Path configFile, Path sweepFile, List<Long> seeds) {
    String initialText = ConfigLoader.readText(configFile); // size and UTF-8 checked
    String sweepText = ConfigLoader.readText(sweepFile);
    return parse(initialText, configFile.toString(), sweepText, sweepFile.toString(), seeds);
  }

  /**
   * Reads and expands a sweep given as texts (the server's {@code POST /api/sweeps}; the CLI's
   * {@link #read} after reading the files).
   *
   * @param initialName the initial config's name, for messages
   * @param sweepName the sweep file's name, for messages
   * @param seeds the seed axis, or null
   * @throws SweepException naming the source, the entry and the path
   */
  public static SweepSetup parse(String initialText, String initialName, String sweepText,
      String sweepName, List<Long> seeds) {
    JsonNode initial = SweepYaml.read(initialText, initialName);
    if (!initial.isObject()) {
      throw new SweepException(initialName + ": expected an experiment config (a mapping of"
          + " sections), got " + SweepDefinition.kind(initial));
    }
    SweepDefinition def = SweepDefinition.parse(sweepText, sweepName);
    if (seeds != null) {
      def = def.withSeeds(seeds);
      sweepText = SweepYaml.write(def.toTree());
    }
    SweepPlan plan = SweepPlan.expand((ObjectNode) initial, initialName, def);
    return new SweepSetup(initialName, initialText, sweepText, def, plan,
        datasetName(initial), isNewSchema(initial));
  }

  /**
   * A config of the original's newest version (DELGRAD-MODEL.md section 0): it has
   * {@code dataset_params}, {@code default_neuron_params} or a {@code network_layout.layers} list.
   */
  public static boolean isNewSchema(JsonNode config) {
    return config.has("dataset_params") || config.has("default_neuron_params")
        || config.path("network_layout").path("layers").isArray();
  }

  /**
   * {@code dataset} (its name, also as {@code {name: ...}}, or its file type), or {@code
   * dataset_params.name}.
   */
  static String datasetName(JsonNode config) {
    JsonNode d = config.path("dataset");
    String name = d.isTextual() ? d.textValue()
        : d.isObject() ? d.path(d.has("name") ? "name" : "type").asText("data")
        : config.path("dataset_params").path("name").asText("data");
    String safe = name.replaceAll("[^A-Za-z0-9._+-]", "");
    return safe.isEmpty() ? "data" : safe;
  }

  /**
   * Checks that every run can be trained here and returns its typed config, before anything is
   * written: each run's config (2021 or new schema) must validate and fit this JVM's memory with
   * {@code threadsPerRun} threads.
   *
   * @return each run's config by run name, in plan order
   * @throws SweepException naming the run and the problem
   */
  public Map<String, AnyConfig> requireTrainable(int threadsPerRun) {
    return load(threadsPerRun);
  }

  /**
   * Loads every run's config as its {@code config.yaml} will be written and read back, without
   * the memory check: what {@code sweep run --dry-run} checks.
   *
   * @return each run's config by run name, in plan order
   * @throws SweepException naming the run and the problem
   */
  public Map<String, AnyConfig> requireValid() {
    return load(0);
  }

  /** Each run's config; {@code threadsPerRun} > 0 also checks that it fits this JVM. */
  private Map<String, AnyConfig> load(int threadsPerRun) {
    Map<String, AnyConfig> out = new LinkedHashMap<>();
    for (SweepPlan.Run r : plan.runs()) {
      String source = r.name() + "/config.yaml";
      AnyConfig cfg;
      try {
        // exactly the text config.yaml gets, as the training will read it back
        cfg = ConfigLoader.parseAny(SweepYaml.write(r.config()), source);
        if (threadsPerRun > 0) {
          MemoryEstimate.requireFitsThisJvm(cfg, threadsPerRun);
        }
      } catch (ConfigException e) {
        throw new SweepException("sweep run " + r.index() + " (" + r.name() + "): "
            + e.getMessage().replace("\n", "; "));
      }
      out.put(r.name(), cfg);
    }
    return out;
  }
}
