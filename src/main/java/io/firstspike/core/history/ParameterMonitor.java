package io.firstspike.core.history;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the records of the monitored layers during a run (DELGRAD-MODEL.md section 7.4). Call
 * {@link #record} once before the first epoch and once after each epoch's validation, with the
 * current values of every monitored layer in layer order; {@link #traces} gives the immutable
 * {@code all_parameters}.
 */
public final class ParameterMonitor {
  private final List<MonitoredLayer> layers;
  private final List<List<double[]>> records = new ArrayList<>();

  /** @param layers the layers with {@code monitor: true}, in layer order (may be empty) */
  public ParameterMonitor(List<MonitoredLayer> layers) {
    this.layers = List.copyOf(layers);
    for (int k = 1; k < this.layers.size(); k++) {
      if (this.layers.get(k).layerIndex() <= this.layers.get(k - 1).layerIndex()) {
        throw new IllegalArgumentException("parameter monitor: monitored layers must be in layer"
            + " order, got " + this.layers.get(k - 1).layerIndex() + " before "
            + this.layers.get(k).layerIndex());
      }
    }
    for (int k = 0; k < this.layers.size(); k++) {
      records.add(new ArrayList<>());
    }
  }

  public List<MonitoredLayer> layers() {
    return layers;
  }

  /**
   * Appends one record per monitored layer (copied).
   *
   * @param values one row-major array per monitored layer, in the order of {@link #layers}
   * @throws IllegalArgumentException if the count or a length disagrees with the layers
   */
  public void record(List<double[]> values) {
    if (values.size() != layers.size()) {
      throw new IllegalArgumentException("parameter monitor: got " + values.size()
          + " arrays for " + layers.size() + " monitored layers");
    }
    for (int k = 0; k < layers.size(); k++) {
      MonitoredLayer l = layers.get(k);
      if (values.get(k).length != l.size()) {
        throw new IllegalArgumentException("parameter monitor: layer " + l.layerIndex() + " ("
            + l.kind().originalName() + ") got " + values.get(k).length + " values, expected "
            + l.rows() + " x " + l.cols());
      }
    }
    for (int k = 0; k < layers.size(); k++) {
      records.get(k).add(values.get(k).clone());
    }
  }

  /** Records per layer so far (the same for every layer). */
  public int count() {
    return layers.isEmpty() ? 0 : records.get(0).size();
  }

  /** Keeps the first {@code count} records of every layer (continuing from an earlier epoch). */
  public void truncate(int count) {
    if (count < 0 || count > count()) {
      throw new IllegalArgumentException(
          "parameter monitor: cannot keep " + count + " of " + count() + " records");
    }
    for (List<double[]> r : records) {
      r.subList(count, r.size()).clear();
    }
  }

  /** {@code all_parameters}: one immutable trace per monitored layer. */
  public List<ParameterTrace> traces() {
    List<ParameterTrace> out = new ArrayList<>(layers.size());
    for (int k = 0; k < layers.size(); k++) {
      out.add(new ParameterTrace(layers.get(k), records.get(k)));
    }
    return List.copyOf(out);
  }
}
