package io.firstspike.server;

import io.firstspike.runs.Overrides;
import io.firstspike.train.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** Parsing and validation of run requests that does not need the file system. */
final class RunRequests {
  private RunRequests() {}

  private static final Set<String> OVERRIDE_KEYS = Set.of("epochs", "seed");

  /**
   * A request to create a run: exactly one of a config name (from the server's config folder) or
   * the config text itself, a folder name for the text's runs, and overrides.
   */
  record Create(String configName, String yaml, String folderName, Overrides overrides) {
    /** "name.yaml", as the CLI passes a file name, so that error messages read the same. */
    String fileName() {
      return (configName != null ? configName : folderName) + ".yaml";
    }

    /** The config text: the given one, or the named config read from the library. */
    String text(ConfigLibrary configs) {
      if (configName == null) {
        return yaml;
      }
      return configs.read(configName).orElseThrow(() -> new IllegalArgumentException(
          "unknown config '" + configName + "'; available: " + configs.names()));
    }
  }

  /**
   * Reads {@code {"config": name} or {"yaml": text}}, with optional {@code "name"} (default
   * "custom") and {@code "overrides"}.
   *
   * @throws IllegalArgumentException naming the bad field or value
   */
  static Create create(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    Create c;
    try {
      c = new Create(b.getString("config"), b.getString("yaml"), b.getString("name", "custom"),
          overrides(b.getJsonObject("overrides")));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException(
          "config, yaml and name must be strings and overrides an object: " + e.getMessage());
    }
    if ((c.configName() == null) == (c.yaml() == null)) {
      throw new IllegalArgumentException("body needs exactly one of \"config\" (a name from GET "
          + "/api/configs) or \"yaml\" (config text)");
    }
    return c;
  }

  /**
   * {@code {"epochs": n, "seed": s}}, both optional; null gives none. Only these two keys: a data
   * folder cannot be chosen over the network.
   *
   * @throws IllegalArgumentException naming the bad key or value
   */
  static Overrides overrides(JsonObject o) {
    if (o == null) {
      return Overrides.none();
    }
    for (String k : o.fieldNames()) {
      if (!OVERRIDE_KEYS.contains(k)) {
        throw new IllegalArgumentException(
            "unknown override '" + k + "': valid overrides are " + OVERRIDE_KEYS.stream().sorted().toList());
      }
    }
    Integer epochs = null;
    Long seed = null;
    if (o.getValue("epochs") != null) {
      if (!(o.getValue("epochs") instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 1) {
        throw new IllegalArgumentException("overrides.epochs must be a whole number >= 1, got " + o.getValue("epochs"));
      }
      epochs = n.intValue();
    }
    if (o.getValue("seed") != null) {
      if (!(o.getValue("seed") instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
        throw new IllegalArgumentException("overrides.seed must be a whole number >= 0, got " + o.getValue("seed"));
      }
      seed = n.longValue();
    }
    return new Overrides(epochs, seed, null);
  }

  /**
   * True for the exceptions a preparer throws for a config that does not validate: the config
   * module's {@link ConfigException} (its message names file, key path and valid values, exactly
   * as the CLI prints it) and IllegalArgumentException (unknown config names, test doubles).
   */
  static boolean isInvalidConfig(Throwable e) {
    return e instanceof ConfigException || e instanceof IllegalArgumentException;
  }
}
