package io.firstspike.eval;

import io.firstspike.core.layer.DelayLayer;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.NeuronLayer;
import io.firstspike.core.layer.Parameter;
import io.firstspike.core.network.Network;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of every layer of a network at one moment (untrained or trained), for the weight
 * histograms and weight-matrix heat maps.
 *
 * <p>For a DelGrad network (a list of layers of several kinds) a set holds the weights of its
 * neuron layers, or the effective delays of its delay layers, and {@code layerNumbers} gives each
 * one's index in the layer list, which names it in plot titles and files (the original's
 * {@code weight_matrix_layer_1.png} and {@code _3.png} for H30).
 *
 * @param weights one row-major array per layer, element (i, j) at {@code i * cols + j}
 * @param shapes one {@code {rows, cols}} per layer: rows = inputs + biases, cols = neurons
 * @param layerNumbers the number that names each layer, one per layer
 */
public record WeightSet(List<double[]> weights, List<int[]> shapes, List<Integer> layerNumbers) {

  public WeightSet {
    if (weights.size() != shapes.size() || weights.size() != layerNumbers.size()) {
      throw new IllegalArgumentException(
          "weight set: " + weights.size() + " weight arrays but " + shapes.size() + " shapes and "
              + layerNumbers.size() + " layer numbers");
    }
    layerNumbers = List.copyOf(layerNumbers);
    List<double[]> w = new ArrayList<>();
    List<int[]> s = new ArrayList<>();
    for (int l = 0; l < weights.size(); l++) {
      int[] shape = shapes.get(l);
      if (shape.length != 2 || shape[0] <= 0 || shape[1] <= 0
          || (long) shape[0] * shape[1] != weights.get(l).length) {
        throw new IllegalArgumentException(
            "weight set: layer " + l + " has " + weights.get(l).length + " weights but shape "
                + java.util.Arrays.toString(shape) + "; expected {rows, cols} with rows*cols equal");
      }
      w.add(weights.get(l).clone());
      s.add(shape.clone());
    }
    weights = List.copyOf(w);
    shapes = List.copyOf(s);
  }

  /** Layers numbered 0, 1, ... in order (a 2021 network's layers). */
  public WeightSet(List<double[]> weights, List<int[]> shapes) {
    this(weights, shapes, java.util.stream.IntStream.range(0, weights.size()).boxed().toList());
  }

  /** A snapshot of a network's current weights. */
  public static WeightSet of(Network net) {
    List<double[]> w = new ArrayList<>();
    List<int[]> s = new ArrayList<>();
    for (int l = 0; l < net.nLayers(); l++) {
      w.add(net.weights(l));
      s.add(new int[] {net.rowsOf(l), net.layerSize(l)});
    }
    return new WeightSet(w, s);
  }

  /**
   * The weights of a DelGrad network's neuron layers ({@code [N][M]}, N with multiplexed and bias
   * rows), numbered by their index in the layer list.
   */
  public static WeightSet ofNeuronLayers(LayerNetwork net) {
    List<double[]> w = new ArrayList<>();
    List<int[]> s = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    for (NeuronLayer layer : net.neuronLayers()) {
      Parameter p = net.parameter(Parameter.weightsName(layer.index()));
      w.add(p.values());
      s.add(p.shape());
      numbers.add(layer.index());
    }
    return new WeightSet(w, s, numbers);
  }

  /**
   * The effective delays of a DelGrad network's delay layers, tiled as the original's {@code
   * effective_delays} ({@code [N][1]} axonal, {@code [N][M]} synaptic, {@code [1][M]} dendritic),
   * numbered by their index in the layer list; null when it has no delay layer.
   */
  public static WeightSet ofDelayLayers(LayerNetwork net) {
    List<double[]> w = new ArrayList<>();
    List<int[]> s = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    for (DelayLayer layer : net.delayLayers()) {
      double[][] e = layer.effectiveDelays();
      int cols = e[0].length;
      double[] flat = new double[e.length * cols];
      for (int i = 0; i < e.length; i++) {
        System.arraycopy(e[i], 0, flat, i * cols, cols);
      }
      w.add(flat);
      s.add(new int[] {e.length, cols});
      numbers.add(layer.index());
    }
    return w.isEmpty() ? null : new WeightSet(w, s, numbers);
  }

  /** The number that names layer entry {@code layer} (its index in a DelGrad layer list). */
  public int layerNumber(int layer) {
    return layerNumbers.get(layer);
  }

  public int nLayers() {
    return weights.size();
  }

  public int rows(int layer) {
    return shapes.get(layer)[0];
  }

  public int cols(int layer) {
    return shapes.get(layer)[1];
  }

  /** Weight (i, j) of a layer (no copy). */
  public double weight(int layer, int i, int j) {
    return weights.get(layer)[i * cols(layer) + j];
  }

  /** Number of weights of a layer. */
  public int size(int layer) {
    return weights.get(layer).length;
  }

  /** Weight number {@code index} of a layer in row-major order (no copy). */
  public double weightAt(int layer, int index) {
    return weights.get(layer)[index];
  }

  /** Largest |w| of a layer, 0 for all-zero layers; NaN and infinities are ignored. */
  public double maxAbs(int layer) {
    double m = 0;
    for (double v : weights.get(layer)) {
      if (Double.isFinite(v)) {
        m = Math.max(m, Math.abs(v));
      }
    }
    return m;
  }

  @Override
  public List<double[]> weights() {
    return weights.stream().map(double[]::clone).toList();
  }

  @Override
  public List<int[]> shapes() {
    return shapes.stream().map(int[]::clone).toList();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof WeightSet s) || s.nLayers() != nLayers()) {
      return false;
    }
    for (int l = 0; l < nLayers(); l++) {
      if (!java.util.Arrays.equals(weights.get(l), s.weights.get(l))
          || !layerNumbers.get(l).equals(s.layerNumbers.get(l))
          || !java.util.Arrays.equals(shapes.get(l), s.shapes.get(l))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return nLayers();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("WeightSet[");
    for (int l = 0; l < nLayers(); l++) {
      b.append(l == 0 ? "" : ", ").append(layerNumber(l)).append(": ").append(rows(l))
          .append('x').append(cols(l));
    }
    return b.append(']').toString();
  }
}
