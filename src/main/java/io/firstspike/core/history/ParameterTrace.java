package io.firstspike.core.history;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code all_parameters[k]} of a run (DELGRAD-MODEL.md section 7.4): the k-th monitored layer
 * (k counts monitored layers only) and its records, row-major {@code rows x cols} each: the
 * initial one before epoch 1, then one after each epoch's validation (E + 1 after E epochs).
 * Immutable: the arrays are copied in and out.
 */
public record ParameterTrace(MonitoredLayer layer, List<double[]> records) {

  public ParameterTrace {
    List<double[]> copy = new ArrayList<>(records.size());
    for (double[] r : records) {
      if (r.length != layer.size()) {
        throw new IllegalArgumentException("parameter trace of layer " + layer.layerIndex()
            + ": a record has " + r.length + " values, expected " + layer.rows() + " x "
            + layer.cols());
      }
      copy.add(r.clone());
    }
    records = List.copyOf(copy);
  }

  @Override
  public List<double[]> records() {
    List<double[]> out = new ArrayList<>(records.size());
    for (double[] r : records) {
      out.add(r.clone());
    }
    return out;
  }

  /** Number of records. */
  public int count() {
    return records.size();
  }

  /** A copy of record {@code index}. */
  public double[] record(int index) {
    return records.get(index).clone();
  }
}
