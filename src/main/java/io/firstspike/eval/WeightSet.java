package io.firstspike.eval;

import io.firstspike.core.network.Network;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of every layer of a network at one moment (untrained or trained), for the weight
 * histograms and weight-matrix heat maps.
 *
 * @param weights one row-major array per layer, element (i, j) at {@code i * cols + j}
 * @param shapes one {@code {rows, cols}} per layer: rows = inputs + biases, cols = neurons
 */
public record WeightSet(List<double[]> weights, List<int[]> shapes) {

  public WeightSet {
    if (weights.size() != shapes.size()) {
      throw new IllegalArgumentException(
          "weight set: " + weights.size() + " weight arrays but " + shapes.size() + " shapes");
    }
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
      b.append(l == 0 ? "" : ", ").append(rows(l)).append('x').append(cols(l));
    }
    return b.append(']').toString();
  }
}
