package io.firstspike.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed access to a parsed JSON file whose errors name the file, the key and what was expected,
 * e.g. {@code out/network.json: 'n_inputs' must be an integer, got "four"}.
 */
final class JsonReader {
  private final Path file;
  private final String where;

  JsonReader(Path file) {
    this(file, "");
  }

  private JsonReader(Path file, String where) {
    this.file = file;
    this.where = where;
  }

  /**
   * A reader whose messages start with this reader's place and {@code where}, e.g.
   * {@code layers[2]: weights: }.
   */
  JsonReader at(String where) {
    return new JsonReader(file, this.where + where + ": ");
  }

  FileFormatException bad(String what) {
    return new FileFormatException(file, where + what);
  }

  private JsonNode require(JsonNode node, String key) throws FileFormatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw bad("missing key '" + key + "'");
    }
    return v;
  }

  String text(JsonNode node, String key) throws FileFormatException {
    JsonNode v = require(node, key);
    if (!v.isTextual()) {
      throw bad("'" + key + "' must be a string, got " + v);
    }
    return v.asText();
  }

  int integer(JsonNode node, String key) throws FileFormatException {
    return asInt(require(node, key), "'" + key + "'");
  }

  private int asInt(JsonNode v, String what) throws FileFormatException {
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw bad(what + " must be an integer, got " + v);
    }
    return v.intValue();
  }

  double number(JsonNode node, String key) throws FileFormatException {
    JsonNode v = require(node, key);
    if (!v.isNumber()) {
      throw bad("'" + key + "' must be a number, got " + v);
    }
    return v.doubleValue();
  }

  boolean bool(JsonNode node, String key) throws FileFormatException {
    JsonNode v = require(node, key);
    if (!v.isBoolean()) {
      throw bad("'" + key + "' must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  /** A number, or null when the key is absent or null. */
  Double optionalNumber(JsonNode node, String key) throws FileFormatException {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : number(node, key);
  }

  JsonNode object(JsonNode node, String key) throws FileFormatException {
    JsonNode v = require(node, key);
    if (!v.isObject()) {
      throw bad("'" + key + "' must be an object, got " + v);
    }
    return v;
  }

  JsonNode array(JsonNode node, String key) throws FileFormatException {
    JsonNode v = require(node, key);
    if (!v.isArray()) {
      throw bad("'" + key + "' must be an array, got " + v);
    }
    return v;
  }

  int[] ints(JsonNode node, String key) throws FileFormatException {
    JsonNode a = array(node, key);
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = asInt(a.get(i), "'" + key + "'[" + i + "]");
    }
    return out;
  }

  /** An array of numbers given directly (not under a key). */
  double[] doubles(JsonNode a, String what) throws FileFormatException {
    if (a == null || !a.isArray()) {
      throw bad(what + " must be an array of numbers, got " + a);
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      if (!a.get(i).isNumber()) {
        throw bad(what + "[" + i + "] must be a number, got " + a.get(i));
      }
      out[i] = a.get(i).doubleValue();
    }
    return out;
  }

  /** Refuses keys outside {@code allowed}, listing what is allowed. */
  void onlyKeys(JsonNode node, Set<String> allowed, String where) throws FileFormatException {
    if (!node.isObject()) {
      throw bad(where + " must be an object, got " + node);
    }
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw bad("unknown key(s) " + unknown + " in " + where + "; allowed are " + new TreeSet<>(allowed));
    }
  }
}
