package io.firstspike.testsupport;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Reads the golden JSON files of {@code ../shared/reference/golden/} (computed by the original
 * program; "Infinity" = no spike) and turns their nested lists into Java arrays.
 */
public final class GoldenJson {
  private GoldenJson() {}

  private static JsonNode delgrad;

  /**
   * {@code ../shared/reference/golden/delgrad-golden.json} (DelGrad's HEAD), read once per test JVM;
   * the test is skipped (failed in strict mode) when ../shared is missing.
   */
  public static synchronized JsonNode delgrad() {
    if (delgrad == null) {
      delgrad = read(Shared.file("reference/golden/delgrad-golden.json"));
    }
    return delgrad;
  }

  /**
   * A top-level section of {@link #delgrad()}, e.g. {@code loss_cases}.
   *
   * @throws IllegalStateException if the file has no such section
   */
  public static JsonNode delgradSection(String name) {
    JsonNode n = delgrad().get(name);
    if (n == null) {
      throw new IllegalStateException("delgrad-golden.json has no section '" + name + "'");
    }
    return n;
  }

  /** {@code ../shared/reference/golden/ttfs-golden.json} (the 2021 release). */
  public static JsonNode ttfs() {
    return read(Shared.file("reference/golden/ttfs-golden.json"));
  }

  public static JsonNode read(Path file) {
    JsonMapper mapper = JsonMapper.builder()
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    try {
      return mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read golden file " + file, e);
    }
  }

  public static double[] vector(JsonNode n) {
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = n.get(i).asDouble();
    }
    return v;
  }

  public static double[][] matrix(JsonNode n) {
    double[][] m = new double[n.size()][];
    for (int r = 0; r < m.length; r++) {
      m[r] = vector(n.get(r));
    }
    return m;
  }

  public static double[][][] tensor3(JsonNode n) {
    double[][][] t = new double[n.size()][][];
    for (int r = 0; r < t.length; r++) {
      t[r] = matrix(n.get(r));
    }
    return t;
  }

  /** A matrix flattened row-major. */
  public static double[] flat(JsonNode n) {
    double[][] m = matrix(n);
    int cols = m.length == 0 ? 0 : m[0].length;
    double[] f = new double[m.length * cols];
    for (int r = 0; r < m.length; r++) {
      System.arraycopy(m[r], 0, f, r * cols, cols);
    }
    return f;
  }

  public static int[] ints(JsonNode n) {
    int[] v = new int[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = n.get(i).asInt();
    }
    return v;
  }
}
