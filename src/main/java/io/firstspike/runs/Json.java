package io.firstspike.runs;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * The JSON mapper of run folders and the server: standard JSON, so NaN and the infinities are
 * written as {@code null} (browsers and jq read it) and read back as NaN; records map by
 * component name.
 */
public final class Json {
  private Json() {}

  /** Shared, thread-safe mapper. */
  public static final ObjectMapper MAPPER = create();

  private static ObjectMapper create() {
    SimpleModule nonFinite = new SimpleModule("non-finite-as-null");
    JsonSerializer<Double> doubles =
        new JsonSerializer<>() {
          @Override
          public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
            if (v == null || !Double.isFinite(v)) {
              g.writeNull();
            } else {
              g.writeNumber(v);
            }
          }
        };
    nonFinite.addSerializer(Double.class, doubles);
    nonFinite.addSerializer(Double.TYPE, doubles);
    nonFinite.addSerializer(
        double[].class,
        new JsonSerializer<>() {
          @Override
          public void serialize(double[] a, JsonGenerator g, SerializerProvider p)
              throws IOException {
            g.writeStartArray(a, a.length);
            for (double v : a) {
              if (Double.isFinite(v)) {
                g.writeNumber(v);
              } else {
                g.writeNull();
              }
            }
            g.writeEndArray();
          }
        });
    JsonDeserializer<Double> doubleReader =
        new JsonDeserializer<>() {
          @Override
          public Double deserialize(JsonParser jp, DeserializationContext c) throws IOException {
            return jp.currentToken() == JsonToken.VALUE_NULL ? Double.NaN : jp.getDoubleValue();
          }

          @Override
          public Double getNullValue(DeserializationContext c) {
            return Double.NaN;
          }
        };
    nonFinite.addDeserializer(Double.class, doubleReader);
    nonFinite.addDeserializer(Double.TYPE, doubleReader);
    nonFinite.addDeserializer(
        double[].class,
        new JsonDeserializer<>() {
          @Override
          public double[] deserialize(JsonParser jp, DeserializationContext c) throws IOException {
            if (jp.currentToken() != JsonToken.START_ARRAY) {
              return (double[]) c.handleUnexpectedToken(double[].class, jp);
            }
            double[] out = new double[16];
            int n = 0;
            for (JsonToken t = jp.nextToken(); t != JsonToken.END_ARRAY; t = jp.nextToken()) {
              if (n == out.length) {
                out = java.util.Arrays.copyOf(out, 2 * n);
              }
              out[n++] = t == JsonToken.VALUE_NULL ? Double.NaN : jp.getDoubleValue();
            }
            return java.util.Arrays.copyOf(out, n);
          }
        });
    return JsonMapper.builder()
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .addModule(nonFinite)
        .build();
  }
}
