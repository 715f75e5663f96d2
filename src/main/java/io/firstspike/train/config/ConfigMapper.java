package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one Jackson mapper of configs: YAML text to a tree ({@link YamlTree} guards it), a tree to
 * the config records (snake_case keys, {@link Scalars}' strict values, unknown keys refused), and
 * the records back to a tree and to YAML text. Jackson's exceptions become {@link
 * ConfigException}s with the key path and our wording; see {@link #translate}.
 */
final class ConfigMapper {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
          .loaderOptions(loaderOptions())
          .stringQuotingChecker(new NumberSafeQuoting())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build())
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .addModule(Scalars.module())
      .build();

  private ConfigMapper() {}

  private static org.yaml.snakeyaml.LoaderOptions loaderOptions() {
    org.yaml.snakeyaml.LoaderOptions o = new org.yaml.snakeyaml.LoaderOptions();
    o.setCodePointLimit(ConfigLoader.MAX_CONFIG_BYTES);
    return o;
  }

  /**
   * Jackson's minimal quoting, plus quotes for every string that a YAML reader might take for a
   * number: Jackson leaves e.g. {@code 1e3} unquoted but reads it back as 1000.0, which would
   * turn a folder named "1e3" into a number. Quoted: values starting with a digit, or with
   * {@code + - .} followed by a digit or an inf/nan letter.
   */
  private static final class NumberSafeQuoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || mayReadAsNumber(value);
    }

    private static boolean mayReadAsNumber(String v) {
      if (v.isEmpty()) {
        return false;
      }
      char c = v.charAt(0);
      if (Character.isDigit(c)) {
        return true;
      }
      if ((c == '+' || c == '-' || c == '.') && v.length() > 1) {
        char d = v.charAt(1);
        return Character.isDigit(d) || d == '.' || "iInN".indexOf(d) >= 0;
      }
      return false;
    }
  }

  /**
   * Binds {@code tree} onto {@code type}.
   *
   * @throws ConfigException naming {@code source}, the key path and what is wrong
   */
  static <T> T bind(JsonNode tree, Class<T> type, String source) {
    try {
      return MAPPER.readerFor(type).readValue(tree);
    } catch (JsonMappingException e) {
      throw translate(e, tree).inFile(source);
    } catch (ConfigException e) {
      throw e.inFile(source);
    } catch (IOException e) {
      throw new ConfigException(source, "", "cannot read the config: " + e.getMessage(), e);
    }
  }

  /**
   * A copy of {@code record} with the key at {@code keyPath} ("training_params.epoch_number")
   * set to {@code value}, built and checked as if read from a config: records need no
   * hand-written copies with one argument per key.
   *
   * @throws ConfigException naming {@code source} when the new value is refused
   */
  @SuppressWarnings("unchecked")
  static <T> T copy(T record, String keyPath, Object value, String source) {
    ObjectNode tree = toTree(record);
    ObjectNode parent = tree;
    String[] keys = keyPath.split("\\.");
    for (int k = 0; k < keys.length - 1; k++) {
      parent = (ObjectNode) parent.get(keys[k]);
    }
    parent.set(keys[keys.length - 1], MAPPER.valueToTree(value));
    return bind(tree, (Class<T>) record.getClass(), source);
  }

  static <T> T copy(T record, String key, Object value) {
    return copy(record, key, value, null);
  }

  /** The record as a tree of the schema's keys (nulls left out), without any reformatting. */
  static ObjectNode toTree(Object record) {
    return MAPPER.valueToTree(record);
  }

  /** YAML text of a tree. */
  static String toYaml(JsonNode tree) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write config as YAML: " + e.getMessage(), e);
    }
  }

  /**
   * The tree as the original writes its configs: the keys of every mapping sorted, every
   * floating-point number written with a decimal point ({@link #num}), lists in their order.
   */
  static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      Map<String, JsonNode> keys = new TreeMap<>();
      node.properties().forEach(e -> keys.put(e.getKey(), sorted(e.getValue())));
      ObjectNode out = F.objectNode();
      keys.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = F.arrayNode();
      node.forEach(v -> out.add(sorted(v)));
      return out;
    }
    return node.isFloatingPointNumber() ? num(node.doubleValue()) : node;
  }

  /**
   * A double as the shortest decimal that parses back to the same value, always with a decimal
   * point (so that YAML readers, PyYAML included, see a float): 0.0005 rather than 5.0E-4.
   */
  static JsonNode num(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("cannot write non-finite number " + value + " to a config");
    }
    BigDecimal d = BigDecimal.valueOf(value).stripTrailingZeros();
    if (d.scale() <= 0) {
      d = d.setScale(1); // 3 -> 3.0, 1e10 -> 10000000000.0
    } else if (d.toString().contains("E")
        && d.unscaledValue().abs().compareTo(BigInteger.TEN) < 0) {
      d = d.setScale(d.scale() + 1); // 1E-7 -> 1.0E-7 (PyYAML needs the point)
    }
    return F.numberNode(d);
  }

  /**
   * The config exception for one of Jackson's: the key path from Jackson's path, and the detail
   * from our own refusal ({@link Scalars.Refusal}, a record's {@link ConfigException}) or, for
   * Jackson's own checks, in our words: unknown keys with the closest known key, missing
   * required keys, unknown type names, a list or mapping where it has to be one.
   */
  static ConfigException translate(JsonMappingException e, JsonNode tree) {
    String path = keyPath(e.getPath());
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConfigException c) {
        return c.under(path);
      }
    }
    if (e instanceof Scalars.Refusal) {
      return ConfigException.at(path, e.getOriginalMessage());
    }
    if (e instanceof UnrecognizedPropertyException u) {
      return unknownKey(u, path, tree);
    }
    if (e instanceof InvalidTypeIdException t) {
      return unknownType(t, path);
    }
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (message.startsWith("Missing required creator property")) {
      return ConfigException.at(path, "is required but missing" + within(parent(path))
          + misspelt(at(tree, e.getPath().subList(0, e.getPath().size() - 1)), lastKey(path)));
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      String expected = Collection.class.isAssignableFrom(m.getTargetType())
          || m.getTargetType().isArray() ? "a list, e.g. [1, 2]" : "a mapping of keys to values";
      return ConfigException.at(path, "expected " + expected + ", got "
          + Scalars.describe(at(tree, e.getPath())));
    }
    return ConfigException.at(path, message.lines().findFirst().orElse(message));
  }

  private static ConfigException unknownKey(UnrecognizedPropertyException u, String path,
      JsonNode tree) {
    String key = u.getPropertyName();
    String parent = parent(path);
    List<String> known = new ArrayList<>();
    u.getKnownPropertyIds().forEach(k -> known.add(k.toString()));
    String closest = closest(key, known);
    if (closest != null && isRequired(u.getReferringClass(), closest)) {
      JsonNode here = at(tree, u.getPath().subList(0, u.getPath().size() - 1));
      if (here != null && !here.has(closest)) {
        return ConfigException.at(join(parent, closest), "is required but missing"
            + within(parent) + " (found '" + key + "': misspelt?)");
      }
    }
    List<String> ignored = ignoredKeys(u.getReferringClass());
    List<String> candidates = new ArrayList<>(known);
    candidates.addAll(ignored);
    return ConfigException.at(path, "unknown key '" + key + "'"
        + Suggest.didYouMean(key, candidates) + "; known keys" + within(parent) + " are "
        + String.join(", ", new TreeSet<>(known))
        + (ignored.isEmpty() ? "" : " (accepted and ignored, as HEAD ignores them: "
            + String.join(", ", new TreeSet<>(ignored)) + ")"));
  }

  /**
   * The keys a record accepts and ignores ({@code @JsonIgnoreProperties} on the record itself,
   * e.g. the delay keys of {@link Layer.Broadcast}), without HEAD's {@code feat_in/feat_out}.
   */
  private static List<String> ignoredKeys(Class<?> type) {
    JsonIgnoreProperties own = type == null ? null
        : type.getDeclaredAnnotation(JsonIgnoreProperties.class);
    if (own == null) {
      return List.of();
    }
    List<String> keys = new ArrayList<>(List.of(own.value()));
    keys.removeAll(List.of("feat_in", "feat_out"));
    return keys;
  }

  /** " (found 'learning_rat': misspelt?)" when the mapping has a key close to {@code key}. */
  private static String misspelt(JsonNode mapping, String key) {
    if (mapping == null || !mapping.isObject()) {
      return "";
    }
    for (String other : (Iterable<String>) mapping::fieldNames) {
      if (Suggest.distance(other.toLowerCase(), key.toLowerCase()) <= Math.max(2, key.length() / 3)) {
        return " (found '" + other + "': misspelt?)";
      }
    }
    return "";
  }

  private static String lastKey(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  private static String closest(String key, List<String> known) {
    String hint = Suggest.didYouMean(key, known);
    return hint.isEmpty() ? null : hint.substring(hint.indexOf('\'') + 1, hint.lastIndexOf('\''));
  }

  private static boolean isRequired(Class<?> type, String key) {
    if (type == null) {
      return false;
    }
    BeanDescription d = MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(type));
    for (BeanPropertyDefinition p : d.findProperties()) {
      if (p.getName().equals(key)) {
        return p.isRequired();
      }
    }
    return false;
  }

  /** An unknown or missing type name ({@code loss.type}, a layer's {@code name}). */
  private static ConfigException unknownType(InvalidTypeIdException t, String path) {
    Class<?> base = t.getBaseType() == null ? Object.class : t.getBaseType().getRawClass();
    JsonTypeInfo info = base.getAnnotation(JsonTypeInfo.class);
    String property = info == null ? "type" : info.property();
    List<String> names = new ArrayList<>();
    JsonSubTypes subtypes = base.getAnnotation(JsonSubTypes.class);
    if (subtypes != null) {
      for (JsonSubTypes.Type s : subtypes.value()) {
        if (!s.name().isEmpty()) {
          names.add(s.name());
        }
        names.addAll(List.of(s.names()));
      }
    }
    String keyPath = join(path, property);
    String valid = "; valid are " + String.join(", ", names);
    if (t.getTypeId() == null) {
      return ConfigException.at(keyPath, "is required but missing" + within(path) + valid);
    }
    String id = t.getTypeId();
    return ConfigException.at(keyPath, "unknown " + Scalars.noun(base) + " '" + Checks.shown(id)
        + "'" + Suggest.didYouMean(id, names) + valid);
  }

  /** " in training_params" (nothing at the root). */
  private static String within(String parent) {
    return parent.isEmpty() ? "" : " in " + parent;
  }

  /** "training_params.loss.xi", "network_layout.layers[1].size": Jackson's path as a key path. */
  static String keyPath(List<JsonMappingException.Reference> refs) {
    StringBuilder p = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        p.append(p.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        p.append('[').append(r.getIndex()).append(']');
      }
    }
    return p.toString();
  }

  /** "a.b" of "a.b.c", "a.b" of "a.b[2]", "" of "a". */
  static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /** {@code key} below {@code path}: "a.b" + "c", "" + "c", "a" + "[2]". */
  static String join(String path, String key) {
    if (path.isEmpty() || key.isEmpty()) {
      return path + key;
    }
    return key.startsWith("[") ? path + key : path + "." + key;
  }

  /** The node of the tree at Jackson's path, null if there is none. */
  private static JsonNode at(JsonNode tree, List<JsonMappingException.Reference> refs) {
    JsonNode n = tree;
    for (JsonMappingException.Reference r : refs) {
      if (n == null) {
        return null;
      }
      n = r.getFieldName() != null ? n.get(r.getFieldName()) : n.get(r.getIndex());
    }
    return n;
  }
}
