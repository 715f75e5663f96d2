package io.firstspike.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep file in the original's format (DELGRAD-MODEL.md section 14), read unchanged:
 *
 * <pre>
 * parameters:
 *   - path: [training_params/torch_seed, training_params/numpy_seed]   # tied: same value
 *     value: [1000, 1001]
 *   - path: network_layout/layers/1/size
 *     value: [30, 25, 20]                                              # a scalar = [scalar]
 * </pre>
 *
 * An entry whose value is an empty list is skipped with a warning, as the original does.
 *
 * @param source the file's name, for messages
 * @param axes the non-empty entries in file order
 * @param warnings one line per skipped entry
 */
public record SweepDefinition(String source, List<SweepAxis> axes, List<String> warnings) {
  /** The seed keys of both schemas, in the order the original's sweep files tie them. */
  public static final List<KeyPath> SEED_PATHS = List.of(
      KeyPath.parse("training_params/torch_seed"), KeyPath.parse("training_params/numpy_seed"));

  public SweepDefinition {
    axes = List.copyOf(axes);
    warnings = List.copyOf(warnings);
  }

  /**
   * Reads a sweep file's text.
   *
   * @throws SweepException naming {@code source} and the entry for a file that is not such a
   *     list, an entry without a path, or a path that is not a string or a list of strings
   */
  public static SweepDefinition parse(String text, String source) {
    JsonNode root = SweepYaml.read(text, source);
    JsonNode params = root.path("parameters");
    if (!root.isObject() || !params.isArray()) {
      throw new SweepException(source + ": expected a mapping with a list 'parameters' of"
          + " {path, value} entries (the original's sweep format), got " + kind(root.isObject()
          ? params : root));
    }
    List<SweepAxis> axes = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      JsonNode e = params.get(i);
      String where = source + ": parameters[" + i + "]";
      if (!e.isObject()) {
        throw new SweepException(where + ": expected a mapping {path, value}, got " + kind(e));
      }
      List<String> unknown = new ArrayList<>();
      e.fieldNames().forEachRemaining(k -> {
        if (!k.equals("path") && !k.equals("value")) {
          unknown.add(k);
        }
      });
      if (!unknown.isEmpty()) {
        throw new SweepException(where + ": unknown key(s) " + unknown + "; an entry has only"
            + " 'path' and 'value'");
      }
      List<KeyPath> paths = paths(e.get("path"), where);
      JsonNode v = e.get("value");
      List<JsonNode> values = new ArrayList<>();
      if (v == null) {
        // the original reads a missing value as an empty list
      } else if (v.isArray()) {
        v.forEach(values::add);
      } else {
        values.add(v);
      }
      if (values.isEmpty()) {
        warnings.add(where + " (" + pathsText(paths) + "): no values; entry skipped");
        continue;
      }
      axes.add(new SweepAxis(i, paths, values));
    }
    if (axes.isEmpty()) {
      throw new SweepException(source + ": no entry has a value; nothing to sweep");
    }
    return new SweepDefinition(source, axes, warnings);
  }

  private static List<KeyPath> paths(JsonNode p, String where) {
    List<JsonNode> items = new ArrayList<>();
    if (p == null || p.isNull()) {
      throw new SweepException(where + ": 'path' is missing; give a key path like"
          + " network_layout/layers/1/size, or a list of paths that take the same value");
    }
    if (p.isArray()) {
      p.forEach(items::add);
    } else {
      items.add(p);
    }
    if (items.isEmpty()) {
      throw new SweepException(where + ": 'path' is an empty list");
    }
    List<KeyPath> out = new ArrayList<>();
    for (JsonNode item : items) {
      if (!item.isTextual()) {
        throw new SweepException(where + ": a path must be a string like"
            + " network_layout/layers/1/size, got " + kind(item));
      }
      try {
        out.add(KeyPath.parse(item.textValue()));
      } catch (IllegalArgumentException ex) {
        throw new SweepException(where + ": " + ex.getMessage());
      }
    }
    return out;
  }

  /**
   * This sweep with a seed axis first (the slowest, as in the original's sweep.yaml): the seed
   * keys of {@link #SEED_PATHS} tied, taking {@code seeds}.
   *
   * @throws SweepException if the file sweeps a seed already
   */
  public SweepDefinition withSeeds(List<Long> seeds) {
    for (SweepAxis a : axes) {
      for (KeyPath p : a.paths()) {
        if (p.isSeed()) {
          throw new SweepException(source + ": parameters[" + a.entry() + "] sweeps " + p.text()
              + " already; drop --seeds or that entry");
        }
      }
    }
    List<JsonNode> values = new ArrayList<>();
    for (long s : seeds) {
      values.add(JsonNodeFactory.instance.numberNode(s));
    }
    List<SweepAxis> all = new ArrayList<>();
    all.add(new SweepAxis(-1, SEED_PATHS, values));
    all.addAll(axes);
    return new SweepDefinition(source, all, warnings);
  }

  /** The sweep in the file's format (written as {@code sweep_config.yaml} when --seeds added one). */
  public ObjectNode toTree() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode params = root.putArray("parameters");
    for (SweepAxis a : axes) {
      ObjectNode e = params.addObject();
      if (a.paths().size() == 1) {
        e.put("path", a.paths().get(0).text());
      } else {
        ArrayNode ps = e.putArray("path");
        a.paths().forEach(p -> ps.add(p.text()));
      }
      ArrayNode vs = e.putArray("value");
      a.values().forEach(vs::add);
    }
    return root;
  }

  /** Number of runs: the product of the axes' value counts. */
  public long runCount() {
    long n = 1;
    for (SweepAxis a : axes) {
      n = Math.multiplyExact(n, a.values().size());
    }
    return n;
  }

  static String pathsText(List<KeyPath> paths) {
    List<String> t = new ArrayList<>();
    paths.forEach(p -> t.add(p.text()));
    return paths.size() == 1 ? t.get(0) : t.toString();
  }

  static String kind(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isObject()) {
      return "a mapping";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isNull()) {
      return "null";
    }
    return n.isTextual() ? "the string '" + n.textValue() + "'" : n.getNodeType().toString()
        .toLowerCase(java.util.Locale.ROOT) + " " + n.asText();
  }

  /**
   * Parses {@code --seeds}: {@code a..b} (inclusive) or a comma list {@code 1,4,9}.
   *
   * @throws SweepException for anything else, or more than 10000 seeds
   */
  public static List<Long> parseSeeds(String text) {
    String t = text.trim();
    List<Long> out = new ArrayList<>();
    try {
      int dots = t.indexOf("..");
      if (dots >= 0) {
        long a = Long.parseLong(t.substring(0, dots).trim());
        long b = Long.parseLong(t.substring(dots + 2).trim());
        if (b < a || b - a >= 10_000) {
          throw new SweepException("--seeds " + text + ": expected a..b with a <= b and at most"
              + " 10000 seeds, e.g. 1..5");
        }
        for (long s = a; s <= b; s++) {
          out.add(s);
        }
      } else {
        for (String part : t.split(",")) {
          out.add(Long.parseLong(part.trim()));
        }
      }
    } catch (NumberFormatException e) {
      throw new SweepException("--seeds " + text + ": expected a range a..b like 1..5 or a list"
          + " like 1,4,9 of whole numbers");
    }
    for (long s : out) {
      if (s < 0 || s > 0xFFFFFFFFL) {
        throw new SweepException("--seeds " + text + ": seed " + s + " is outside 0..4294967295"
            + " (NumPy's seed range)");
      }
    }
    if (out.size() != out.stream().distinct().count()) {
      throw new SweepException("--seeds " + text + ": a seed is listed twice");
    }
    return out;
  }
}
