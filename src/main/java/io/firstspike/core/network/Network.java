package io.firstspike.core.network;

import io.firstspike.core.neuron.NeuronParams;
import java.util.Arrays;

/**
 * The parameters of a layered first-spike network: shape, bias spikes and weights.
 *
 * <p>Layer {@code l} receives {@code inputsOf(l)} real inputs (the network inputs for l = 0, the
 * previous layer's neurons otherwise) followed by {@code nBiases[l]} bias inputs that always spike
 * at {@code biasTimes[l][k]}. Its weights are stored row-major in {@code weights[l]} with shape
 * {@code (inputsOf(l) + nBiases[l]) x layerSizes[l]}: element (i, j) is at {@code i * nOut + j},
 * bias rows last. Weights are mutable (optimizers update them in place); the shape is fixed.
 */
public final class Network {
  private final NeuronParams params;
  private final int nInputs;
  private final int[] layerSizes;
  private final int[] nBiases;
  private final double[][] biasTimes;
  private final double[][] weights;

  /**
   * @param weights one row-major array per layer; copied
   * @throws IllegalArgumentException if a shape disagrees
   */
  public Network(
      NeuronParams params,
      int nInputs,
      int[] layerSizes,
      int[] nBiases,
      double[][] biasTimes,
      double[][] weights) {
    int n = layerSizes.length;
    if (n == 0 || nBiases.length != n || biasTimes.length != n || weights.length != n) {
      throw new IllegalArgumentException(
          "network: layer_sizes, n_biases, bias_times and weights need one entry per layer ("
              + n + "), got " + nBiases.length + ", " + biasTimes.length + ", " + weights.length);
    }
    if (nInputs <= 0) {
      throw new IllegalArgumentException("network: n_inputs must be > 0, got " + nInputs);
    }
    this.params = params;
    this.nInputs = nInputs;
    this.layerSizes = layerSizes.clone();
    this.nBiases = nBiases.clone();
    this.biasTimes = new double[n][];
    this.weights = new double[n][];
    for (int l = 0; l < n; l++) {
      if (layerSizes[l] <= 0 || nBiases[l] < 0 || biasTimes[l].length != nBiases[l]) {
        throw new IllegalArgumentException(
            "network: layer " + l + " has size " + layerSizes[l] + ", " + nBiases[l]
                + " biases and " + biasTimes[l].length + " bias times");
      }
      this.biasTimes[l] = biasTimes[l].clone();
      int expected = rowsOf(l) * layerSizes[l];
      if (weights[l].length != expected) {
        throw new IllegalArgumentException(
            "network: weights of layer " + l + " have " + weights[l].length + " entries, expected "
                + rowsOf(l) + " x " + layerSizes[l] + " = " + expected);
      }
      this.weights[l] = weights[l].clone();
    }
  }

  public NeuronParams params() {
    return params;
  }

  public int nInputs() {
    return nInputs;
  }

  public int nLayers() {
    return layerSizes.length;
  }

  /** Number of neurons of layer l. */
  public int layerSize(int l) {
    return layerSizes[l];
  }

  public int[] layerSizes() {
    return layerSizes.clone();
  }

  public int nBiases(int l) {
    return nBiases[l];
  }

  public int[] nBiases() {
    return nBiases.clone();
  }

  public double[] biasTimes(int l) {
    return biasTimes[l].clone();
  }

  /** Real (non-bias) inputs of layer l. */
  public int inputsOf(int l) {
    return l == 0 ? nInputs : layerSizes[l - 1];
  }

  /** Weight rows of layer l: real inputs plus bias inputs. */
  public int rowsOf(int l) {
    return inputsOf(l) + nBiases[l];
  }

  /** The live, row-major weight array of layer l (not a copy: optimizers write into it). */
  public double[] weights(int l) {
    return weights[l];
  }

  /** Number of output (label) neurons. */
  public int nOutputs() {
    return layerSizes[layerSizes.length - 1];
  }

  /** A deep copy. */
  public Network copy() {
    return new Network(params, nInputs, layerSizes, nBiases, biasTimes, weights);
  }

  /** True if shape, parameters, bias times and every weight are identical. */
  public boolean sameAs(Network o) {
    if (!params.equals(o.params) || nInputs != o.nInputs
        || !Arrays.equals(layerSizes, o.layerSizes) || !Arrays.equals(nBiases, o.nBiases)) {
      return false;
    }
    for (int l = 0; l < nLayers(); l++) {
      if (!Arrays.equals(biasTimes[l], o.biasTimes[l]) || !Arrays.equals(weights[l], o.weights[l])) {
        return false;
      }
    }
    return true;
  }
}
