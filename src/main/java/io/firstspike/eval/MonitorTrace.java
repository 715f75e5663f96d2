package io.firstspike.eval;

import java.util.Objects;

/**
 * The records of one layer with {@code monitor: true} (DELGRAD-MODEL.md section 7.4), which
 * {@code <dataset>_monitor<k>_plot.png} draws: per validation (record 0 before training, record e
 * after epoch e) every parameter of the layer, the tiled effective delays of a Delay layer or
 * the weights of a NeuronLayer, row-major {@code rows x cols}. NaN marks a record that is not
 * known (the epochs of a run continued from the original's, which kept none).
 *
 * @param monitor k, the layer's place among the monitored layers (the file's number)
 * @param layerIndex its index in {@code network_layout.layers}
 * @param layerName its {@code name} in the config ({@code DelaySynaptic}, {@code NeuronLayer}, ...)
 * @param delays true for a Delay layer (effective delays), false for a NeuronLayer (weights)
 * @param rows first dimension of a record
 * @param cols second dimension of a record
 * @param records [validation][rows x cols]
 */
public record MonitorTrace(int monitor, int layerIndex, String layerName, boolean delays,
    int rows, int cols, double[][] records) {

  public MonitorTrace {
    Objects.requireNonNull(layerName, "layerName");
    if (rows < 1 || cols < 1 || records.length == 0) {
      throw new IllegalArgumentException("monitored layer " + monitor + ": need a shape >= 1 x 1"
          + " and at least one record, got " + rows + " x " + cols + " and " + records.length);
    }
    double[][] copy = new double[records.length][];
    for (int e = 0; e < records.length; e++) {
      if (records[e].length != rows * cols) {
        throw new IllegalArgumentException("monitored layer " + monitor + ": record " + e
            + " has " + records[e].length + " values, expected " + rows + " x " + cols);
      }
      copy[e] = records[e].clone();
    }
    records = copy;
  }

  /** Number of records (validations: epochs + 1). */
  public int validations() {
    return records.length;
  }

  /** Parameters per record. */
  public int parameters() {
    return rows * cols;
  }

  /** The epoch of each record: 0 (before training), 1, ..., E. */
  public double[] epochs() {
    double[] x = new double[records.length];
    for (int e = 0; e < x.length; e++) {
      x[e] = e;
    }
    return x;
  }

  /** Parameter p (row p / cols, column p % cols) over the records: the plotted series. */
  public double[] trace(int p) {
    if (p < 0 || p >= parameters()) {
      throw new IndexOutOfBoundsException("parameter " + p + " of " + parameters());
    }
    double[] y = new double[records.length];
    for (int e = 0; e < y.length; e++) {
      y[e] = records[e][p];
    }
    return y;
  }

  /** What a record holds, for titles: "effective delays" or "weights". */
  public String quantity() {
    return delays ? "effective delays" : "weights";
  }

  @Override
  public double[][] records() {
    double[][] copy = new double[records.length][];
    for (int e = 0; e < records.length; e++) {
      copy[e] = records[e].clone();
    }
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MonitorTrace t && monitor == t.monitor && layerIndex == t.layerIndex
        && layerName.equals(t.layerName) && delays == t.delays && rows == t.rows
        && cols == t.cols && java.util.Arrays.deepEquals(records, t.records);
  }

  @Override
  public int hashCode() {
    return Objects.hash(monitor, layerIndex, layerName, rows, cols);
  }

  @Override
  public String toString() {
    return "MonitorTrace[" + monitor + ": layer " + layerIndex + " " + layerName + ", " + rows
        + " x " + cols + ", " + records.length + " records]";
  }
}
