package io.firstspike.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * YAML trees of sweeps: reading sweep files and configs, writing {@code config.yaml} with its
 * keys sorted (the original writes it with {@code yaml.safe_dump}, which sorts), and the Python
 * {@code str()} of a value, from which the original builds run folder names.
 */
public final class SweepYaml {
  private static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build());

  private SweepYaml() {}

  /**
   * The tree of a YAML text.
   *
   * @throws SweepException naming {@code source} and the YAML problem's first line
   */
  public static JsonNode read(String text, String source) {
    try {
      JsonNode n = MAPPER.readTree(text);
      return n == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : n;
    } catch (JsonProcessingException e) {
      String msg = String.valueOf(e.getOriginalMessage());
      int nl = msg.indexOf('\n');
      String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new SweepException(source + ": not valid YAML" + line + ": "
          + (nl < 0 ? msg : msg.substring(0, nl)));
    }
  }

  /** YAML text of a tree, every mapping's keys sorted, block style. */
  public static String write(JsonNode tree) {
    try {
      return MAPPER.writeValueAsString(sorted(tree));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML: " + e.getOriginalMessage(), e);
    }
  }

  /** A deep copy of {@code n} whose mappings have their keys in sorted order. */
  static JsonNode sorted(JsonNode n) {
    if (n.isObject()) {
      List<String> keys = new ArrayList<>();
      n.fieldNames().forEachRemaining(keys::add);
      keys.sort(null); // Python sorts str keys by code point; equal to UTF-16 order in the BMP
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      for (String k : keys) {
        o.set(k, sorted(n.get(k)));
      }
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      n.forEach(e -> a.add(sorted(e)));
      return a;
    }
    return n.deepCopy();
  }

  /**
   * Python's {@code str(value)} of a YAML value: the text of a string as it is, {@code True},
   * {@code None}, floats as Python's shortest repr ({@code 0.0025}, {@code 1e-05}), lists and
   * mappings as {@code [1, 'a']} and {@code {'k': 1}}.
   */
  public static String pythonStr(JsonNode v) {
    return v.isTextual() ? v.textValue() : pythonRepr(v);
  }

  private static String pythonRepr(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "None";
    }
    if (v.isTextual()) {
      return "'" + v.textValue().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? "True" : "False";
    }
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue().toString();
    }
    if (v.isNumber()) {
      return pythonFloat(v.doubleValue());
    }
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(e -> parts.add(pythonRepr(e)));
      return "[" + String.join(", ", parts) + "]";
    }
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      parts.add("'" + e.getKey() + "': " + pythonRepr(e.getValue()));
    }
    return "{" + String.join(", ", parts) + "}";
  }

  /**
   * Python's {@code repr(float)}: the shortest digits that read back as the same double, in
   * positional notation for decimal exponents -4..15 ({@code 0.0001}, {@code 1e+16} beyond),
   * with at least one digit after the point ({@code 3.0}).
   */
  static String pythonFloat(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal shortest = shortestDecimal(d);
    String digits = shortest.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - shortest.scale(); // d = m.mmm x 10^exp
    String sign = d < 0 ? "-" : "";
    if (exp < -4 || exp >= 16) {
      String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mant + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }
    String plain = shortest.abs().toPlainString();
    return sign + (plain.contains(".") ? plain : plain + ".0");
  }

  /** The fewest significant digits that round-trip {@code d}, trailing zeros stripped. */
  private static BigDecimal shortestDecimal(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) {
        return r.stripTrailingZeros();
      }
    }
    return exact.stripTrailingZeros();
  }
}
