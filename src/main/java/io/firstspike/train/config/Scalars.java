package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.firstspike.core.optim.WeightClipping;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How the mapper reads and writes single values: strictly, with our messages.
 *
 * <p>Every scalar type of the config records (int, long, double, boolean, String, Path, the
 * {@link ConfigName} enums) is read by a deserializer here, never by Jackson's lenient coercions:
 * an integer must be written without a fraction and fit its type; a number may be written as a
 * YAML 1.1 exponent string ({@code 1e-3}); a boolean is {@code true} or {@code false}. Whether a
 * key is required, and its default, are declared once on the record component:
 * {@code @JsonProperty(required = true)} or {@code @JsonProperty(defaultValue = "0.2")}. An absent
 * key takes its default (or null); an explicit {@code null} counts as absent, except for required
 * keys and list entries, which refuse it. Three property forms need their own reader, chosen with
 * {@code @JsonDeserialize(using = ...)}:
 *
 * <ul>
 *   <li>{@link NumberOrFalse}: a number, or {@code false}/{@code null} for "not set" (the
 *       original reads these keys as {@code training_params.get(key, False)});
 *   <li>{@link LimitOrOff}: a bound, or {@code false}/{@code null} for "no bound", held as
 *       +Infinity (written back as {@code null}), so that absent (the default) and off differ;
 *   <li>{@link FalseOrMapping}: a section that may be {@code false} for "none"
 *       ({@code training_noise: false}).
 * </ul>
 *
 * A refused value throws a {@link Refusal}; Jackson adds the key path on its way out and {@link
 * ConfigMapper} turns it into a {@link ConfigException}.
 */
final class Scalars {
  /** A plain decimal or exponent number, e.g. 1e-3, -2.5E+4, .5 */
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

  private Scalars() {}

  /** A value the config cannot have; the message is the detail after the key path. */
  static final class Refusal extends JsonMappingException {
    private static final long serialVersionUID = 1L;

    Refusal(String detail) {
      super((Closeable) null, detail);
    }
  }

  /** The module that installs every reader and writer of this class. */
  static SimpleModule module() {
    SimpleModule m = new SimpleModule("firstspike-config") {
      private static final long serialVersionUID = 1L;

      @Override
      public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.addDeserializers(new Deserializers.Base() {
          @Override
          public JsonDeserializer<?> findEnumDeserializer(Class<?> type,
              DeserializationConfig config, BeanDescription beanDesc) {
            return ConfigName.class.isAssignableFrom(type) ? names(type) : null;
          }
        });
      }
    };
    both(m, int.class, Integer.class, "an integer", Scalars::readInt, Integer::valueOf);
    both(m, long.class, Long.class, "an integer seed", Scalars::readLong, Long::valueOf);
    both(m, double.class, Double.class, "a number", Scalars::readDouble, Double::valueOf);
    both(m, boolean.class, Boolean.class, "true or false", Scalars::readBoolean, Boolean::valueOf);
    m.addDeserializer(String.class, new Strict<>(false, "a string", Scalars::readString, t -> t, null));
    m.addDeserializer(Path.class, new Strict<>(false, "a path (string)", Scalars::readPath, Path::of, null));
    m.addDeserializer(WeightClipping.Setting.class, new Strict<>(false,
        "a weight bound (a number >= 0) or false", Scalars::readClip, null, null));
    m.addSerializer(Path.class, writer(Path.class, (v, g) -> g.writeString(v.toString())));
    m.addSerializer(ConfigName.class, writer(ConfigName.class, (v, g) -> g.writeString(v.yamlName())));
    m.addSerializer(WeightClipping.Setting.class, writer(WeightClipping.Setting.class, (v, g) -> {
      if (v instanceof WeightClipping.Setting.Flag f) {
        g.writeBoolean(f.value());
      } else if (v instanceof WeightClipping.Setting.Bound b) {
        g.writeNumber(b.value());
      } else {
        g.writeNull();
      }
    }));
    return m;
  }

  private static <T> void both(SimpleModule m, Class<T> primitive, Class<T> boxed,
      String expected, Reader<T> reader, Function<String, T> parse) {
    m.addDeserializer(primitive, new Strict<>(true, expected, reader, parse, null));
    m.addDeserializer(boxed, new Strict<>(false, expected, reader, parse, null));
  }

  /** How a token becomes a value, or a {@link Refusal} ({@code self} describes the key). */
  interface Reader<T> {
    T read(JsonParser p, DeserializationContext ctxt, Strict<T> self) throws IOException;
  }

  /**
   * The reader of one scalar type at one key: the token by {@code reader}; absence and null as
   * the class comment says.
   */
  static class Strict<T> extends JsonDeserializer<T> implements ContextualDeserializer {
    final boolean primitive;
    final String expected;
    final Reader<T> reader;
    final Function<String, T> parse;
    final BeanProperty property;

    /**
     * @param primitive a primitive component must be required or have a default
     * @param expected what a valid value looks like, for messages: "an integer"
     * @param parse {@code @JsonProperty(defaultValue)} as a value
     */
    Strict(boolean primitive, String expected, Reader<T> reader, Function<String, T> parse,
        BeanProperty property) {
      this.primitive = primitive;
      this.expected = expected;
      this.reader = reader;
      this.parse = parse;
      this.property = property;
    }

    /** The same reader at {@code p}. */
    Strict<T> at(BeanProperty p) {
      return new Strict<>(primitive, expected, reader, parse, p);
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty p) {
      return at(p);
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return reader.read(p, ctxt, this);
    }

    /** True when this reads the entries of a list (the property is the list). */
    boolean inList() {
      return property != null && property.getType().isContainerType();
    }

    @Override
    public Object getAbsentValue(DeserializationContext ctxt) throws JsonMappingException {
      String text = inList() || property == null ? null : property.getMetadata().getDefaultValue();
      if (text != null && !text.isEmpty()) {
        return parse.apply(text);
      }
      if (primitive) {
        throw new IllegalStateException("config schema: key '" + (property == null ? "?"
            : property.getName()) + "' is a primitive without a default and not required");
      }
      return null;
    }

    @Override
    public T getNullValue(DeserializationContext ctxt) throws JsonMappingException {
      if (inList()) {
        throw new Refusal("expected " + expected + ", got null");
      }
      if (property != null && property.isRequired()) {
        throw new Refusal("is required but missing (null)");
      }
      @SuppressWarnings("unchecked")
      T absent = (T) getAbsentValue(ctxt);
      return absent;
    }

    Refusal wrongType(JsonParser p, DeserializationContext ctxt) throws IOException {
      return new Refusal("expected " + expected + ", got " + describe(p, ctxt));
    }
  }

  private static boolean primitive(BeanProperty p) {
    return p != null && p.getType().isPrimitive();
  }

  private static Integer readInt(JsonParser p, DeserializationContext ctxt, Strict<Integer> self)
      throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw self.wrongType(p, ctxt);
    }
    if (p.getNumberType() != JsonParser.NumberType.INT) {
      throw new Refusal(p.getText() + " is out of range: expected an integer from "
          + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
    }
    return p.getIntValue();
  }

  /** Longs: only the seeds are longs, hence the wording. */
  private static Long readLong(JsonParser p, DeserializationContext ctxt, Strict<Long> self)
      throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw self.wrongType(p, ctxt);
    }
    JsonParser.NumberType t = p.getNumberType();
    if (t != JsonParser.NumberType.INT && t != JsonParser.NumberType.LONG) {
      throw new Refusal(p.getText() + " is out of range: expected an integer seed from "
          + Long.MIN_VALUE + " to " + Long.MAX_VALUE);
    }
    return p.getLongValue();
  }

  /**
   * A finite double. YAML's .nan and .inf never get here ({@link YamlTree} refuses them with
   * their key); a literal beyond the double range, which Java reads as infinity, is refused here.
   */
  private static Double readDouble(JsonParser p, DeserializationContext ctxt,
      Strict<Double> self) throws IOException {
    JsonToken t = p.currentToken();
    double d;
    String text;
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      d = p.getDoubleValue();
      text = p.getText();
    } else if (t == JsonToken.VALUE_STRING && NUMBER.matcher(p.getText().trim()).matches()) {
      text = p.getText().trim();
      d = Double.parseDouble(text);
    } else {
      throw self.wrongType(p, ctxt);
    }
    if (Double.isInfinite(d)) {
      throw new Refusal(beyondDoubleRange(text));
    }
    return d;
  }

  private static Boolean readBoolean(JsonParser p, DeserializationContext ctxt,
      Strict<Boolean> self) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_TRUE && p.currentToken() != JsonToken.VALUE_FALSE) {
      throw self.wrongType(p, ctxt);
    }
    return p.getBooleanValue();
  }

  private static String readString(JsonParser p, DeserializationContext ctxt, Strict<String> self)
      throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw self.wrongType(p, ctxt);
    }
    return p.getText();
  }

  private static Path readPath(JsonParser p, DeserializationContext ctxt, Strict<Path> self)
      throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw self.wrongType(p, ctxt);
    }
    String text = p.getText();
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new Refusal("'" + Checks.shown(text) + "' is not a valid path on this system: "
          + e.getReason());
    }
  }

  /**
   * {@code clip_weights_max}: a bound >= 0, or true / false (DELGRAD-MODEL.md section 7.3);
   * absent or null: no setting (Java null).
   */
  private static WeightClipping.Setting readClip(JsonParser p, DeserializationContext ctxt,
      Strict<WeightClipping.Setting> self) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return new WeightClipping.Setting.Flag(p.getBooleanValue());
    }
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw self.wrongType(p, ctxt);
    }
    double v = p.getDoubleValue();
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new Refusal("must be a finite number >= 0 (the weight bound), or false, got "
          + p.getText());
    }
    return new WeightClipping.Setting.Bound(v);
  }

  /** The {@link ConfigName} enum {@code type}, by its spellings. */
  private static Strict<Object> names(Class<?> type) {
    List<String> spellings = Arrays.stream(type.getEnumConstants())
        .map(c -> ((ConfigName) c).yamlName()).toList();
    Function<String, Object> find = text -> Arrays.stream(type.getEnumConstants())
        .filter(c -> ((ConfigName) c).yamlName().equals(text)).findFirst().orElse(null);
    return new Strict<>(false, "one of " + String.join(", ", spellings), (p, ctxt, self) -> {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw self.wrongType(p, ctxt);
      }
      Object found = find.apply(p.getText());
      if (found == null) {
        throw new Refusal("unknown " + noun(type) + " '" + Checks.shown(p.getText()) + "'"
            + Suggest.didYouMean(p.getText(), spellings) + "; valid are "
            + String.join(", ", spellings));
      }
      return found;
    }, find, null);
  }

  /** The noun of a config type for messages, from its {@code @JsonClassDescription}. */
  static String noun(Class<?> type) {
    JsonClassDescription d = type.getAnnotation(JsonClassDescription.class);
    return d == null ? "value" : d.value();
  }

  /**
   * A number, or {@code false} / {@code null} for "not set": then the key's default applies as if
   * it were absent (or null when it has none, e.g. {@code rounding_precision}: no rounding).
   */
  static final class NumberOrFalse extends Strict<Double> {
    NumberOrFalse() {
      this(null);
    }

    private NumberOrFalse(BeanProperty p) {
      super(primitive(p), "a number, or false for none", (q, ctxt, self) ->
          q.currentToken() == JsonToken.VALUE_FALSE ? (Double) self.getAbsentValue(ctxt)
              : readDouble(q, ctxt, self), Double::valueOf, p);
    }

    @Override
    NumberOrFalse at(BeanProperty p) {
      return new NumberOrFalse(p);
    }
  }

  /**
   * A bound, or {@code false} / {@code null} for "no bound", held as +Infinity (so that an absent
   * key, which takes the default, and an explicit "off" stay apart); written back as {@code null}.
   */
  static final class LimitOrOff extends Strict<Double> {
    LimitOrOff() {
      this(null);
    }

    private LimitOrOff(BeanProperty p) {
      super(primitive(p), "a number, or null (or false) for no limit", (q, ctxt, self) ->
          q.currentToken() == JsonToken.VALUE_FALSE ? Double.POSITIVE_INFINITY
              : readDouble(q, ctxt, self), Double::valueOf, p);
    }

    @Override
    LimitOrOff at(BeanProperty p) {
      return new LimitOrOff(p);
    }

    @Override
    public Double getNullValue(DeserializationContext ctxt) {
      return Double.POSITIVE_INFINITY;
    }

    /** +Infinity as {@code null}. */
    static final class Writer extends JsonSerializer<Double> {
      @Override
      public void serialize(Double v, JsonGenerator g, SerializerProvider s) throws IOException {
        if (v == null || v == Double.POSITIVE_INFINITY) {
          g.writeNull();
        } else {
          g.writeNumber(v);
        }
      }
    }
  }

  /**
   * A section that may be {@code false} (or {@code null}) for "none", e.g. {@code training_noise:
   * false}; the value null. Anything but a mapping or false is refused, naming the keys.
   */
  static final class FalseOrMapping extends JsonDeserializer<Object>
      implements ContextualDeserializer {
    private final JavaType type;

    FalseOrMapping() {
      this(null);
    }

    private FalseOrMapping(JavaType type) {
      this.type = type;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty p) {
      return new FalseOrMapping(p.getType());
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_FALSE) {
        return null;
      }
      if (p.currentToken() == JsonToken.START_OBJECT) {
        return ctxt.readValue(p, type);
      }
      throw new Refusal("expected false or " + keysOf(type.getRawClass()) + ", got "
          + describe(p, ctxt));
    }
  }

  /** Writes {@code false} where the value is null ({@code training_noise: false}). */
  static final class FalseWriter extends JsonSerializer<Object> {
    @Override
    public void serialize(Object v, JsonGenerator g, SerializerProvider s) throws IOException {
      g.writeBoolean(false);
    }
  }

  /** How one type is written. */
  interface Write<T> {
    void write(T value, JsonGenerator g) throws IOException;
  }

  private static <T> JsonSerializer<T> writer(Class<T> type, Write<T> write) {
    return new JsonSerializer<>() {
      @Override
      public void serialize(T v, JsonGenerator g, SerializerProvider s) throws IOException {
        write.write(v, g);
      }

      @Override
      public Class<T> handledType() {
        return type;
      }
    };
  }

  /** "{mean, std_dev}": the keys of a record type, for messages. */
  static String keysOf(Class<?> record) {
    PropertyNamingStrategies.SnakeCaseStrategy snake = new PropertyNamingStrategies.SnakeCaseStrategy();
    List<String> keys = new ArrayList<>();
    if (record.isRecord()) {
      for (var c : record.getRecordComponents()) {
        keys.add(snake.translate(c.getName()));
      }
    }
    return "{" + String.join(", ", keys) + "}";
  }

  /** "string 'abc'", "list [1, 2]", ... for the value at the parser (which it consumes). */
  static String describe(JsonParser p, DeserializationContext ctxt) throws IOException {
    return describe((JsonNode) ctxt.readTree(p));
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

  /** The message for a number literal too large for a double. */
  static String beyondDoubleRange(String literal) {
    return Checks.shown(literal) + " is beyond the range of a double (about +-1.8e308);"
        + " expected a finite number";
  }
}
