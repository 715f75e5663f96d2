package io.firstspike.server;

import io.firstspike.sweep.SweepDefinition;
import io.firstspike.sweep.SweepException;
import io.firstspike.sweep.SweepYaml;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Parsing and validation of {@code POST /api/sweeps} bodies that does not need the file system. */
final class SweepRequests {
  private SweepRequests() {}

  /** Most runs one sweep sent over the network may have (each is a run folder and a queue entry). */
  static final int MAX_RUNS = 1000;

  /**
   * A request to create a sweep.
   *
   * @param run the config part, as for {@code POST /api/runs}: a library name or the YAML text
   * @param sweepText the sweep file's text (an object body is written as YAML)
   * @param name the sweep's name (its folder and its runs are named after it)
   * @param seeds the seed axis, or null
   */
  record Create(RunRequests.Create run, String sweepText, String name, List<Long> seeds) {
    /** The config's name in messages: {@code yin_yang.yaml}, or {@code <name>.yaml} for text. */
    String configFileName() {
      return run.fileName();
    }
  }

  /**
   * Reads {@code {config | yaml, sweep, name?, seeds?}}: {@code sweep} is the sweep file's YAML
   * text or the same as a JSON object ({@code {"parameters": [{path, value}]}}); {@code seeds}
   * is a range {@code "1..5"}, a list {@code "1,4,9"} or an array of whole numbers.
   *
   * @throws IllegalArgumentException naming the bad field or value
   */
  static Create create(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    Object name = b.getValue("name", "sweep");
    if (!(name instanceof String n) || n.isBlank()) {
      throw new IllegalArgumentException("name must be a non-empty string, got " + name);
    }
    JsonObject runPart = new JsonObject().put("name", n);
    if (b.containsKey("config")) {
      runPart.put("config", b.getValue("config"));
    }
    if (b.containsKey("yaml")) {
      runPart.put("yaml", b.getValue("yaml"));
    }
    RunRequests.Create run = RunRequests.create(runPart);
    Object sweep = b.getValue("sweep");
    String sweepText;
    if (sweep instanceof String s) {
      sweepText = s;
    } else if (sweep instanceof JsonObject o) {
      sweepText = SweepYaml.write(SweepYaml.read(o.encode(), "sweep"));
    } else {
      throw new IllegalArgumentException("body needs \"sweep\": the sweep file's YAML text or an object"
          + " {\"parameters\": [{\"path\": \"training_params/learning_rate\", \"value\": [0.001, 0.01]}]}"
          + (sweep == null ? "" : ", got " + sweep.getClass().getSimpleName()));
    }
    return new Create(run, sweepText, n, seeds(b.getValue("seeds")));
  }

  /** null, a text {@code 1..5} or {@code 1,4,9}, or an array of whole numbers. */
  static List<Long> seeds(Object v) {
    if (v == null) {
      return null;
    }
    try {
      if (v instanceof String s) {
        return s.isBlank() ? null : SweepDefinition.parseSeeds(s);
      }
      if (v instanceof JsonArray a) {
        List<String> parts = new ArrayList<>();
        for (Object x : a) {
          if (!(x instanceof Number num) || num.doubleValue() != num.longValue()) {
            throw new IllegalArgumentException("seeds must be whole numbers, got " + x);
          }
          parts.add(Long.toString(num.longValue()));
        }
        return parts.isEmpty() ? null : SweepDefinition.parseSeeds(String.join(",", parts));
      }
    } catch (SweepException e) {
      throw new IllegalArgumentException(e.getMessage().replaceFirst("^--seeds", "seeds"));
    }
    throw new IllegalArgumentException("seeds must be a range \"1..5\", a list \"1,4,9\" or an array"
        + " of whole numbers, got " + v);
  }
}
