package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code network_layout} section: sizes of the layers, their bias inputs and the initial
 * weight distribution.
 *
 * <p>Layer l has {@code n_in(l) + n_biases[l]} inputs, where n_in(0) = n_inputs and n_in(l) =
 * layer_sizes[l-1]; the bias inputs come last and always spike at {@code bias_times[l]}
 * (TTFS-MODEL.md section 2). Initial weights of layer l, bias rows included, are
 * Normal(weight_means[l], weight_stdevs[l]).
 *
 * @param nInputs {@code n_inputs}: number of input neurons (features), >= 1
 * @param nLayers {@code n_layers}: number of weight layers (hidden layers + label layer), >= 1
 * @param layerSizes {@code layer_sizes}: neurons per layer, the last one is the label layer
 * @param nBiases {@code n_biases}: bias inputs per layer, >= 0 each
 * @param biasTimes {@code bias_times}, one list per layer with n_biases[l] entries (the file may
 *     give [] or nothing for no biases, one list for all layers, or one list per layer: {@link
 *     Schemas} expands the shared list before binding and folds it again when writing)
 * @param weightMeans {@code weight_means}: mean of the initial weights per layer
 * @param weightStdevs {@code weight_stdevs}: standard deviation of the initial weights per layer
 * @param widthPixel {@code width_pixel} (optional, null when absent): image width for the 16x16
 *     MNIST variant
 */
public record NetworkLayout(
    @JsonProperty(required = true) int nInputs,
    @JsonProperty(required = true) int nLayers,
    @JsonProperty(required = true) List<Integer> layerSizes,
    @JsonProperty(required = true) List<Integer> nBiases,
    List<List<Double>> biasTimes,
    @JsonProperty(required = true) List<Double> weightMeans,
    @JsonProperty(required = true) List<Double> weightStdevs,
    Integer widthPixel) {

  public NetworkLayout {
    Checks.positive("n_inputs", nInputs);
    Checks.positive("n_layers", nLayers);
    Checks.perLayer("layer_sizes", layerSizes, nLayers);
    Checks.perLayer("n_biases", nBiases, nLayers);
    biasTimes = biasTimes == null || biasTimes.isEmpty()
        ? noBiases(nBiases, nLayers, biasTimes == null) : biasTimes;
    Checks.perLayer("bias_times", biasTimes, nLayers);
    Checks.perLayer("weight_means", weightMeans, nLayers);
    Checks.perLayer("weight_stdevs", weightStdevs, nLayers);
    for (int l = 0; l < nLayers; l++) {
      Checks.positive("layer_sizes[" + l + "]", layerSizes.get(l));
      Checks.nonNegative("n_biases[" + l + "]", nBiases.get(l));
      Checks.finite("weight_means[" + l + "]", weightMeans.get(l));
      Checks.nonNegative("weight_stdevs[" + l + "]", weightStdevs.get(l));
      List<Double> times = Checks.required("bias_times[" + l + "]", biasTimes.get(l));
      if (times.size() != nBiases.get(l)) {
        throw ConfigException.at("bias_times",
            "layer " + l + " has n_biases[" + l + "] = " + nBiases.get(l) + " but " + times.size()
                + " bias time(s) " + Checks.shown(times) + "; give exactly n_biases[" + l + "]"
                + " times for every layer (one list for all layers, or one list per layer: " + describe(nBiases) + ")");
      }
      for (int k = 0; k < times.size(); k++) {
        Checks.nonNegative("bias_times[" + l + "][" + k + "]", times.get(k));
      }
    }
    for (int l = 0; l < nLayers; l++) {
      long rows = (l == 0 ? nInputs : (long) layerSizes.get(l - 1)) + nBiases.get(l);
      long weights = rows * layerSizes.get(l);
      if (weights > Checks.MAX_ARRAY_LENGTH) {
        throw ConfigException.at("layer_sizes[" + l + "]", "layer " + l + " would have "
            + rows + " x " + layerSizes.get(l) + " = " + weights + " weights; at most "
            + Checks.MAX_ARRAY_LENGTH + " fit in one array");
      }
    }
    if (widthPixel != null) {
      Checks.positive("width_pixel", widthPixel);
    }
    layerSizes = List.copyOf(layerSizes);
    nBiases = List.copyOf(nBiases);
    List<List<Double>> copy = new ArrayList<>();
    for (List<Double> t : biasTimes) {
      copy.add(List.copyOf(t));
    }
    biasTimes = List.copyOf(copy);
    weightMeans = List.copyOf(weightMeans);
    weightStdevs = List.copyOf(weightStdevs);
  }

  /** [] per layer; absent is only allowed when no layer has bias inputs. */
  private static List<List<Double>> noBiases(List<Integer> nBiases, int nLayers, boolean absent) {
    if (absent && !nBiases.stream().allMatch(n -> n == 0)) {
      throw ConfigException.at("bias_times", "is required because n_biases = " + nBiases
          + "; give one list of times for all layers or one list per layer");
    }
    return Collections.nCopies(nLayers, List.of());
  }

  /** Number of inputs of layer l, bias inputs included: the row count of its weight matrix. */
  public int inputsOfLayer(int l) {
    return (l == 0 ? nInputs : layerSizes.get(l - 1)) + nBiases.get(l);
  }

  /** Size of the label (last) layer. */
  public int nOutputs() {
    return layerSizes.get(nLayers - 1);
  }

  private static String describe(List<Integer> nBiases) {
    return "n_biases = " + nBiases;
  }
}
