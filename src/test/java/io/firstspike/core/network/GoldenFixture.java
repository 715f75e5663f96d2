package io.firstspike.core.network;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.firstspike.core.neuron.NeuronParams;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code golden/ttfs-golden.json} (a copy of ../shared/reference/golden/ttfs-golden.json,
 * computed by the original PyTorch implementation) from the test resources.
 */
public final class GoldenFixture {
  private GoldenFixture() {}

  static final String RESOURCE = "/golden/ttfs-golden.json";

  /** One {@code layer_cases} entry, weights flattened row-major [n_in][n_out]. */
  public record LayerCase(String name, NeuronParams params, Double maxDwNorm, double[][] inputTimes,
      double[] weights, int nIn, int nOut, double[][] outputTimes, double[][] upstreamError,
      double[] weightGradient, double[][] inputTimeGradient) {}

  /** The whole fixture. */
  public static JsonNode root() {
    JsonMapper mapper = JsonMapper.builder()
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    try (InputStream in = GoldenFixture.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + RESOURCE + " is missing; copy it from "
            + "../shared/reference/golden/ttfs-golden.json");
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  public static List<LayerCase> layerCases() {
    List<LayerCase> out = new ArrayList<>();
    for (JsonNode c : root().get("layer_cases")) {
      out.add(layerCase(c));
    }
    return out;
  }

  /** Neuron parameters of a fixture's {@code neuron_params}; tau_mem defaults to tau_syn. */
  public static NeuronParams params(JsonNode p) {
    double tauSyn = p.get("tau_syn").asDouble();
    double tauMem = p.has("tau_mem") ? p.get("tau_mem").asDouble() : tauSyn;
    return new NeuronParams(p.get("g_leak").asDouble(), p.get("leak").asDouble(),
        p.get("threshold").asDouble(), tauSyn, tauMem);
  }

  private static LayerCase layerCase(JsonNode c) {
    JsonNode p = c.get("neuron_params");
    JsonNode clip = p.get("max_dw_norm");
    double[][] w = matrix(c.get("weights"));
    return new LayerCase(c.get("name").asText(), params(p),
        clip == null || clip.isNull() ? null : clip.asDouble(), matrix(c.get("input_times")),
        flatten(w), w.length, w[0].length, matrix(c.get("output_times")),
        matrix(c.get("upstream_error")), flatten(matrix(c.get("weight_gradient"))),
        matrix(c.get("input_time_gradient")));
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

  public static double[] flatten(double[][] m) {
    int cols = m[0].length;
    double[] f = new double[m.length * cols];
    for (int r = 0; r < m.length; r++) {
      System.arraycopy(m[r], 0, f, r * cols, cols);
    }
    return f;
  }
}
