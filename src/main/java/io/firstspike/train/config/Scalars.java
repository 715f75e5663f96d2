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
            return ConfigName.class.isAssignableFrom(type) ? new Names(type, null) : null;
          }
        });
      }
    };
    m.addDeserializer(int.class, new Ints(true, null));
    m.addDeserializer(Integer.class, new Ints(false, null));
    m.addDeserializer(long.class, new Longs(true, null));
    m.addDeserializer(Long.class, new Longs(false, null));
    m.addDeserializer(double.class, new Doubles(true, null));
    m.addDeserializer(Double.class, new Doubles(false, null));
    m.addDeserializer(boolean.class, new Booleans(true, null));
    m.addDeserializer(Boolean.class, new Booleans(false, null));
    m.addDeserializer(String.class, new Strings(null));
    m.addDeserializer(Path.class, new Paths(null));
    m.addDeserializer(WeightClipping.Setting.class, new ClipSettings(null));
    m.addSerializer(Path.class, new ToStringWriter<>(Path.class));
    m.addSerializer(ConfigName.class, new NameWriter());
    m.addSerializer(WeightClipping.Setting.class, new ClipSettingWriter());
    return m;
  }

  /**
   * The reader of one scalar type at one key. Subclasses say how a token becomes a value, how the
   * declared default is parsed and what they expect; this class handles absence and null.
   */
  abstract static class Strict<T> extends JsonDeserializer<T> implements ContextualDeserializer {
    final boolean primitive;
    final BeanProperty property;

    Strict(boolean primitive, BeanProperty property) {
      this.primitive = primitive;
      this.property = property;
    }

    /** The same reader at {@code property}. */
    abstract Strict<T> at(BeanProperty property);

    /** The value of the current token, or a {@link Refusal}. */
    abstract T read(JsonParser p, DeserializationContext ctxt) throws IOException;

    /** {@code @JsonProperty(defaultValue)} as a value. */
    abstract T parse(String text);

    /** What a valid value looks like, for messages: "an integer". */
    abstract String expected();

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty p) {
      return at(p);
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return read(p, ctxt);
    }

    /** True when this reads the entries of a list (the property is the list). */
    boolean inList() {
      return property != null && property.getType().isContainerType();
    }

    @Override
    public Object getAbsentValue(DeserializationContext ctxt) throws JsonMappingException {
      String text = inList() ? null : property == null ? null : property.getMetadata().getDefaultValue();
      if (text != null && !text.isEmpty()) {
        return parse(text);
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
        throw new Refusal("expected " + expected() + ", got null");
      }
      if (property != null && property.isRequired()) {
        throw new Refusal("is required but missing (null)");
      }
      @SuppressWarnings("unchecked")
      T absent = (T) getAbsentValue(ctxt);
      return absent;
    }

    Refusal wrongType(JsonParser p, DeserializationContext ctxt) throws IOException {
      return new Refusal("expected " + expected() + ", got " + describe(p, ctxt));
    }
  }

  static final class Ints extends Strict<Integer> {
    Ints(boolean primitive, BeanProperty property) {
      super(primitive, property);
    }

    @Override
    Ints at(BeanProperty p) {
      return new Ints(primitive, p);
    }

    @Override
    Integer read(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        if (p.getNumberType() == JsonParser.NumberType.INT) {
          return p.getIntValue();
        }
        throw new Refusal(p.getText() + " is out of range: expected an integer from "
            + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
      }
      throw wrongType(p, ctxt);
    }

    @Override
    Integer parse(String text) {
      return Integer.valueOf(text);
    }

    @Override
    String expected() {
      return "an integer";
    }
  }

  /** Longs: only the seeds are longs, hence the wording. */
  static final class Longs extends Strict<Long> {
    Longs(boolean primitive, BeanProperty property) {
      super(primitive, property);
    }

    @Override
    Longs at(BeanProperty p) {
      return new Longs(primitive, p);
    }

    @Override
    Long read(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        JsonParser.NumberType t = p.getNumberType();
        if (t == JsonParser.NumberType.INT || t == JsonParser.NumberType.LONG) {
          return p.getLongValue();
        }
        throw new Refusal(p.getText() + " is out of range: expected an integer seed from "
            + Long.MIN_VALUE + " to " + Long.MAX_VALUE);
      }
      throw wrongType(p, ctxt);
    }

    @Override
    Long parse(String text) {
      return Long.valueOf(text);
    }

    @Override
    String expected() {
      return "an integer seed";
    }
  }

  static class Doubles extends Strict<Double> {
    Doubles(boolean primitive, BeanProperty property) {
      super(primitive, property);
    }

    @Override
    Doubles at(BeanProperty p) {
      return new Doubles(primitive, p);
    }

    /**
     * A finite double. YAML's .nan and .inf never get here ({@link YamlTree} refuses them with
     * their key); a literal beyond the double range, which Java reads as infinity, is refused here.
     */
    @Override
    Double read(JsonParser p, DeserializationContext ctxt) throws IOException {
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
        throw wrongType(p, ctxt);
      }
      if (Double.isInfinite(d)) {
        throw new Refusal(beyondDoubleRange(text));
      }
      return d;
    }

    @Override
    Double parse(String text) {
      return Double.valueOf(text);
    }

    @Override
    String expected() {
      return "a number";
    }
  }

  static final class Booleans extends Strict<Boolean> {
    Booleans(boolean primitive, BeanProperty property) {
      super(primitive, property);
    }

    @Override
    Booleans at(BeanProperty p) {
      return new Booleans(primitive, p);
    }

    @Override
    Boolean read(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_TRUE || p.currentToken() == JsonToken.VALUE_FALSE) {
        return p.getBooleanValue();
      }
      throw wrongType(p, ctxt);
    }

    @Override
    Boolean parse(String text) {
      return Boolean.valueOf(text);
    }

    @Override
    String expected() {
      return "true or false";
    }
  }

  static final class Strings extends Strict<String> {
    Strings(BeanProperty property) {
      super(false, property);
    }

    @Override
    Strings at(BeanProperty p) {
      return new Strings(p);
    }

    @Override
    String read(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        return p.getText();
      }
      throw wrongType(p, ctxt);
    }

    @Override
    String parse(String text) {
      return text;
    }

    @Override
    String expected() {
      return "a string";
    }
  }

  static final class Paths extends Strict<Path> {
    Paths(BeanProperty property) {
      super(false, property);
    }

    @Override
    Paths at(BeanProperty p) {
      return new Paths(p);
    }

    @Override
    Path read(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw wrongType(p, ctxt);
      }
      String text = p.getText();
      try {
        return Path.of(text);
      } catch (InvalidPathException e) {
        throw new Refusal("'" + Checks.shown(text) + "' is not a valid path on this system: "
            + e.getReason());
      }
    }

    @Override
    Path parse(String text) {
      return Path.of(text);
    }

    @Override
    String expected() {
      return "a path (string)";
    }
  }

  /** The {@link ConfigName} enums, by their spelling. */
  static final class Names extends Strict<Object> {
    private final Class<?> type;

    Names(Class<?> type, BeanProperty property) {
      super(false, property);
      this.type = type;
    }

    @Override
    Names at(BeanProperty p) {
      return new Names(type, p);
    }

    @Override
    Object read(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw wrongType(p, ctxt);
      }
      String text = p.getText();
      Object found = find(text);
      if (found == null) {
        throw new Refusal("unknown " + noun(type) + " '" + Checks.shown(text) + "'"
            + Suggest.didYouMean(text, spellings()) + "; valid are " + String.join(", ", spellings()));
      }
      return found;
    }

    private Object find(String text) {
      for (Object c : type.getEnumConstants()) {
        if (((ConfigName) c).yamlName().equals(text)) {
          return c;
        }
      }
      return null;
    }

    private List<String> spellings() {
      return Arrays.stream(type.getEnumConstants()).map(c -> ((ConfigName) c).yamlName()).toList();
    }

    @Override
    Object parse(String text) {
      return find(text);
    }

    @Override
    String expected() {
      return "one of " + String.join(", ", spellings());
    }
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
  static final class NumberOrFalse extends Doubles {
    NumberOrFalse() {
      this(false, null);
    }

    NumberOrFalse(boolean primitive, BeanProperty property) {
      super(primitive, property);
    }

    @Override
    NumberOrFalse at(BeanProperty p) {
      return new NumberOrFalse(p != null && p.getType().isPrimitive(), p);
    }

    @Override
    Double read(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_FALSE) {
        return (Double) getAbsentValue(ctxt);
      }
      return super.read(p, ctxt);
    }

    @Override
    String expected() {
      return "a number, or false for none";
    }
  }

  /**
   * A bound, or {@code false} / {@code null} for "no bound", held as +Infinity (so that an absent
   * key, which takes the default, and an explicit "off" stay apart); written back as {@code null}.
   */
  static final class LimitOrOff extends Doubles {
    LimitOrOff() {
      this(false, null);
    }

    LimitOrOff(boolean primitive, BeanProperty property) {
      super(primitive, property);
    }

    @Override
    LimitOrOff at(BeanProperty p) {
      return new LimitOrOff(p != null && p.getType().isPrimitive(), p);
    }

    @Override
    Double read(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_FALSE) {
        return Double.POSITIVE_INFINITY;
      }
      return super.read(p, ctxt);
    }

    @Override
    public Double getNullValue(DeserializationContext ctxt) {
      return Double.POSITIVE_INFINITY;
    }

    @Override
    String expected() {
      return "a number, or null (or false) for no limit";
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

  /**
   * {@code clip_weights_max}: a bound >= 0, or true / false (DELGRAD-MODEL.md section 7.3);
   * absent or null: no setting (Java null).
   */
  static final class ClipSettings extends Strict<WeightClipping.Setting> {
    ClipSettings(BeanProperty property) {
      super(false, property);
    }

    @Override
    ClipSettings at(BeanProperty p) {
      return new ClipSettings(p);
    }

    @Override
    WeightClipping.Setting read(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
        return new WeightClipping.Setting.Flag(p.getBooleanValue());
      }
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
        double v = p.getDoubleValue();
        if (!(v >= 0) || Double.isInfinite(v)) {
          throw new Refusal("must be a finite number >= 0 (the weight bound), or false, got "
              + p.getText());
        }
        return new WeightClipping.Setting.Bound(v);
      }
      throw wrongType(p, ctxt);
    }

    @Override
    WeightClipping.Setting parse(String text) {
      throw new IllegalStateException("clip_weights_max has no default");
    }

    @Override
    String expected() {
      return "a weight bound (a number >= 0) or false";
    }
  }

  static final class ClipSettingWriter extends JsonSerializer<WeightClipping.Setting> {
    @Override
    public void serialize(WeightClipping.Setting v, JsonGenerator g, SerializerProvider s)
        throws IOException {
      if (v instanceof WeightClipping.Setting.Flag f) {
        g.writeBoolean(f.value());
      } else if (v instanceof WeightClipping.Setting.Bound b) {
        g.writeNumber(b.value());
      } else {
        g.writeNull();
      }
    }

    @Override
    public Class<WeightClipping.Setting> handledType() {
      return WeightClipping.Setting.class;
    }
  }

  /** Writes {@code false} where the value is null ({@code training_noise: false}). */
  static final class FalseWriter extends JsonSerializer<Object> {
    @Override
    public void serialize(Object v, JsonGenerator g, SerializerProvider s) throws IOException {
      g.writeBoolean(false);
    }
  }

  static final class NameWriter extends JsonSerializer<ConfigName> {
    @Override
    public void serialize(ConfigName v, JsonGenerator g, SerializerProvider s) throws IOException {
      g.writeString(v.yamlName());
    }

    @Override
    public Class<ConfigName> handledType() {
      return ConfigName.class;
    }
  }

  static final class ToStringWriter<T> extends JsonSerializer<T> {
    private final Class<T> type;

    ToStringWriter(Class<T> type) {
      this.type = type;
    }

    @Override
    public void serialize(T v, JsonGenerator g, SerializerProvider s) throws IOException {
      g.writeString(v.toString());
    }

    @Override
    public Class<T> handledType() {
      return type;
    }
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
