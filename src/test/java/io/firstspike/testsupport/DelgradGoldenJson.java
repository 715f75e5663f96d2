package io.firstspike.testsupport;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Reads {@code ../shared/reference/golden/delgrad-golden.json} (computed by the original's newest
 * version, HEAD; structure in ../shared/reference/README.md) through {@link Shared}, and converts
 * its arrays. Infinity and NaN are JSON's non-numeric numbers there.
 */
public final class DelgradGoldenJson {
  public static final String PATH = "reference/golden/delgrad-golden.json";
  private static JsonNode root;

  private DelgradGoldenJson() {}

  /** The whole fixture (read once per test JVM). */
  public static synchronized JsonNode root() {
    if (root == null) {
      Path p = Shared.file(PATH);
      JsonMapper mapper =
          JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
      try {
        root = mapper.readTree(p.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p, e);
      }
    }
    return root;
  }

  /** A top-level section, e.g. {@code loss_cases}. */
  public static JsonNode section(String name) {
    JsonNode n = root().get(name);
    if (n == null) {
      throw new IllegalStateException(PATH + " has no section '" + name + "'");
    }
    return n;
  }

  public static double[][] matrix(JsonNode n) {
    double[][] m = new double[n.size()][];
    for (int r = 0; r < m.length; r++) {
      m[r] = vector(n.get(r));
    }
    return m;
  }

  public static double[] vector(JsonNode n) {
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = n.get(i).asDouble();
    }
    return v;
  }

  public static int[] ints(JsonNode n) {
    int[] v = new int[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = n.get(i).asInt();
    }
    return v;
  }

  /** A matrix [r][c] flattened row-major. */
  public static double[] flat(JsonNode n) {
    double[][] m = matrix(n);
    int cols = m.length == 0 ? 0 : m[0].length;
    double[] f = new double[m.length * cols];
    for (int r = 0; r < m.length; r++) {
      System.arraycopy(m[r], 0, f, r * cols, cols);
    }
    return f;
  }
}
