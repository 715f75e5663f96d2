package io.firstspike.train.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Typed access to one YAML mapping with error messages that name the key path.
 *
 * <p>Every key read is remembered; {@link #finish()} then rejects any key that was not read, with
 * the closest known key as a suggestion. Numbers: integers must be written without a fraction;
 * decimals accept integers ({@code momentum: 0}) and the exponent forms YAML 1.1 leaves as
 * strings ({@code 1e-3}).
 */
final class YamlSection {
  /** A plain decimal or exponent number, e.g. 1e-3, -2.5E+4, .5 */
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

  private final JsonNode node;
  private final String path;
  private final Set<String> known = new LinkedHashSet<>();

  private YamlSection(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** The mapping at {@code path}; the root has path "". */
  static YamlSection of(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw ConfigException.at(path.isEmpty() ? "" : path,
          "expected a mapping of keys to values, got " + describe(node));
    }
    return new YamlSection(node, path);
  }

  String path() {
    return path;
  }

  String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** True if the key is present (its value may be null). Marks it as known. */
  boolean has(String key) {
    known.add(key);
    return node.has(key);
  }

  /** The raw node, or null if absent. Marks the key as known. */
  JsonNode raw(String key) {
    known.add(key);
    return node.get(key);
  }

  JsonNode require(String key) {
    JsonNode v = raw(key);
    if (v == null) {
      throw ConfigException.at(keyPath(key), "is required but missing"
          + (path.isEmpty() ? "" : " in " + path) + misspelt(key));
    }
    return v;
  }

  /** " (found 'learning_rat': misspelt?)" when the mapping has an unread key close to {@code key}. */
  private String misspelt(String key) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String other = e.getKey();
      if (!known.contains(other) && Suggest.distance(other.toLowerCase(), key.toLowerCase())
          <= Math.max(2, key.length() / 3)) {
        return " (found '" + other + "': misspelt?)";
      }
    }
    return "";
  }

  YamlSection section(String key) {
    return of(require(key), keyPath(key));
  }

  int requireInt(String key) {
    return toInt(keyPath(key), require(key));
  }

  int optInt(String key, int fallback) {
    JsonNode v = raw(key);
    return v == null ? fallback : toInt(keyPath(key), v);
  }

  Integer nullableInt(String key) {
    JsonNode v = raw(key);
    return v == null || v.isNull() ? null : toInt(keyPath(key), v);
  }

  long optLong(String key, long fallback) {
    JsonNode v = raw(key);
    if (v == null) {
      return fallback;
    }
    if (v.isIntegralNumber() && !v.canConvertToLong()) {
      throw ConfigException.at(keyPath(key), v.asText() + " is out of range: expected an integer"
          + " seed from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE);
    }
    if (!v.isIntegralNumber()) {
      throw wrongType(keyPath(key), "an integer seed", v);
    }
    return v.longValue();
  }

  double requireDouble(String key) {
    return toDouble(keyPath(key), require(key));
  }

  double optDouble(String key, double fallback) {
    JsonNode v = raw(key);
    return v == null ? fallback : toDouble(keyPath(key), v);
  }

  /** Absent -> null; explicit null -> null. */
  Double nullableDouble(String key) {
    JsonNode v = raw(key);
    return v == null || v.isNull() ? null : toDouble(keyPath(key), v);
  }

  boolean optBool(String key, boolean fallback) {
    JsonNode v = raw(key);
    if (v == null) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw wrongType(keyPath(key), "true or false", v);
    }
    return v.booleanValue();
  }

  String requireText(String key) {
    JsonNode v = require(key);
    if (!v.isTextual()) {
      throw wrongType(keyPath(key), "a string", v);
    }
    return v.textValue();
  }

  /** A list of integers; absent -> null. */
  List<Integer> intList(String key) {
    JsonNode v = raw(key);
    if (v == null) {
      return null;
    }
    String p = keyPath(key);
    requireList(p, v);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      out.add(toInt(p + "[" + i + "]", v.get(i)));
    }
    return out;
  }

  List<Integer> requireIntList(String key) {
    require(key);
    return intList(key);
  }

  List<Double> requireDoubleList(String key) {
    JsonNode v = require(key);
    return doubleList(keyPath(key), v);
  }

  /** Rejects every key of this mapping that no reader asked for. */
  void finish() {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!known.contains(e.getKey())) {
        throw ConfigException.at(keyPath(e.getKey()), "unknown key '" + e.getKey() + "'"
            + Suggest.didYouMean(e.getKey(), known) + "; known keys"
            + (path.isEmpty() ? "" : " in " + path) + " are " + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  static List<Double> doubleList(String p, JsonNode v) {
    requireList(p, v);
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      out.add(toDouble(p + "[" + i + "]", v.get(i)));
    }
    return out;
  }

  static void requireList(String p, JsonNode v) {
    if (!v.isArray()) {
      throw wrongType(p, "a list, e.g. [1, 2]", v);
    }
  }

  static int toInt(String p, JsonNode v) {
    if (v.isIntegralNumber() && !v.canConvertToInt()) {
      throw ConfigException.at(p, v.asText() + " is out of range: expected an integer from "
          + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
    }
    if (!v.isIntegralNumber()) {
      throw wrongType(p, "an integer", v);
    }
    return v.intValue();
  }

  /**
   * A finite double. YAML's .nan and .inf never get here ({@link YamlTree} refuses them with
   * their key); a literal beyond the double range, which Java reads as infinity, is refused here.
   */
  static double toDouble(String p, JsonNode v) {
    double d;
    String text;
    if (v.isNumber()) {
      d = v.doubleValue();
      text = v.asText();
    } else if (v.isTextual() && NUMBER.matcher(v.textValue().trim()).matches()) {
      text = v.textValue().trim();
      d = Double.parseDouble(text);
    } else {
      throw wrongType(p, "a number", v);
    }
    if (Double.isInfinite(d)) {
      throw ConfigException.at(p, beyondDoubleRange(text));
    }
    return d;
  }

  /** The message for a number literal too large for a double. */
  static String beyondDoubleRange(String literal) {
    return Checks.shown(literal) + " is beyond the range of a double (about +-1.8e308);"
        + " expected a finite number";
  }

  static ConfigException wrongType(String p, String expected, JsonNode v) {
    return ConfigException.at(p, "expected " + expected + ", got " + describe(v));
  }

  /** "string 'abc'", "list [1, 2]", "null", ... for messages. */
  static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "string '" + Checks.shown(v.textValue()) + "'";
    }
    if (v.isBoolean()) {
      return "boolean " + v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return "integer " + v.asText();
    }
    if (v.isNumber()) {
      return "number " + v.asText();
    }
    if (v.isArray()) {
      return "list " + shortened(v.toString(), v.size());
    }
    return "mapping " + shortened(v.toString(), v.size());
  }

  /** JSON text of a list or mapping, shortened to its start and its entry count when long. */
  private static String shortened(String json, int entries) {
    return json.length() <= Checks.MAX_SHOWN_CHARS ? json
        : json.substring(0, Checks.MAX_SHOWN_CHARS - 20) + "... (" + entries + " entries)";
  }
}
