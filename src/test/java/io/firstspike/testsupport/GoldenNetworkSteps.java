package io.firstspike.testsupport;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code network_steps} entries of {@code golden/ttfs-golden.json} (a copy of
 * {@code ../shared/reference/golden/ttfs-golden.json}, computed by the original PyTorch program):
 * one full training step of the Yin-Yang network, once with the TTFS and once with the MSE loss.
 * Weights are flattened row-major ({@code [n_in][n_out]} -> {@code i * n_out + j}), as in
 * {@code Network}.
 */
public final class GoldenNetworkSteps {
  public static final String RESOURCE = "/golden/ttfs-golden.json";

  /** One golden training step. */
  public record Step(
      String lossType,
      JsonNode lossParams,
      double tauSyn,
      double learningRate,
      int[] labels,
      double[][] labelTimes,
      double[][] hiddenTimes,
      double loss,
      int[] selectedClasses,
      double[][] weightsBefore,
      double[][] weightGradients,
      double[][] weightsAfterAdamStep,
      int[] layerWidths) {}

  private GoldenNetworkSteps() {}

  public static List<Step> load() {
    JsonMapper mapper =
        JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    JsonNode root;
    try (InputStream in = GoldenNetworkSteps.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + RESOURCE + " is missing");
      }
      root = mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read test resource " + RESOURCE, e);
    }
    List<Step> steps = new ArrayList<>();
    for (JsonNode s : root.get("network_steps")) {
      JsonNode w = s.get("weights_before");
      int[] widths = new int[w.size()];
      for (int l = 0; l < widths.length; l++) {
        widths[l] = w.get(l).get(0).size();
      }
      steps.add(
          new Step(
              s.get("loss_type").asText(),
              s.get("loss_params"),
              s.get("neuron_params").get("tau_syn").asDouble(),
              s.get("learning_rate").asDouble(),
              ints(s.get("labels")),
              matrix(s.get("label_times")),
              matrix(s.get("hidden_times")),
              s.get("loss").asDouble(),
              ints(s.get("selected_classes")),
              layers(w),
              layers(s.get("weight_gradients")),
              layers(s.get("weights_after_adam_step")),
              widths));
    }
    return steps;
  }

  private static int[] ints(JsonNode n) {
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asInt();
    }
    return out;
  }

  private static double[][] matrix(JsonNode n) {
    double[][] out = new double[n.size()][];
    for (int i = 0; i < out.length; i++) {
      JsonNode row = n.get(i);
      out[i] = new double[row.size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = row.get(j).asDouble();
      }
    }
    return out;
  }

  /** [layer][n_in][n_out] -> one row-major array per layer. */
  private static double[][] layers(JsonNode n) {
    double[][] out = new double[n.size()][];
    for (int l = 0; l < out.length; l++) {
      double[][] m = matrix(n.get(l));
      int cols = m[0].length;
      out[l] = new double[m.length * cols];
      for (int i = 0; i < m.length; i++) {
        System.arraycopy(m[i], 0, out[l], i * cols, cols);
      }
    }
    return out;
  }
}
