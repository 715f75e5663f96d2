package io.firstspike.core.layer;

import java.util.Arrays;

/**
 * A float64 tensor {@code [B][N][W]} of spike times or of their gradients: one value per sample
 * b, input i and neuron j, stored flat at {@code (b N + i) W + j}.
 *
 * <p>The width W is either M, the neurons of the next layer (one value per synapse, HEAD's 3-D
 * tensors), or 1 (one value per input shared by all M neurons: the 2021 layer input and HEAD's
 * 2-D tensors {@code [B][N]}). A width-1 tensor broadcasts over the neurons, as numpy would:
 * {@link #get}(b, i, j) ignores j. A layer's output {@code [B][M]} is a width-1 tensor with
 * N = M.
 *
 * <p>A gradient has the shape of the tensor it belongs to: for a width-1 input shared by M
 * neurons, dL/dt_bi = sum_j dL/dt_bij (the derivative of a shared variable), which is the 2021
 * propagated error and HEAD's broadcast backward.
 *
 * <p>The values array is live (not copied); tensors are passed between layers without copies.
 */
public final class BatchTensor {
  private final int batch;
  private final int rows;
  private final int width;
  private final double[] values;

  /**
   * @param values flat {@code [batch][rows][width]}; kept, not copied
   * @throws IllegalArgumentException when the length disagrees with the shape
   */
  public BatchTensor(int batch, int rows, int width, double[] values) {
    if (batch < 0 || rows < 0 || width < 1) {
      throw new IllegalArgumentException("tensor shape [" + batch + "][" + rows + "][" + width
          + "]: batch and rows must be >= 0 and width >= 1");
    }
    if ((long) batch * rows * width != values.length) {
      throw new IllegalArgumentException("tensor shape [" + batch + "][" + rows + "][" + width
          + "] needs " + ((long) batch * rows * width) + " values, got " + values.length);
    }
    this.batch = batch;
    this.rows = rows;
    this.width = width;
    this.values = values;
  }

  /** A tensor of zeros. */
  public static BatchTensor zeros(int batch, int rows, int width) {
    return new BatchTensor(batch, rows, width, new double[batch * rows * width]);
  }

  /** A tensor filled with {@code value}. */
  public static BatchTensor filled(int batch, int rows, int width, double value) {
    double[] v = new double[batch * rows * width];
    Arrays.fill(v, value);
    return new BatchTensor(batch, rows, width, v);
  }

  /** One value per input: {@code t[b][i]} becomes a width-1 tensor (copied). */
  public static BatchTensor perInput(double[][] t) {
    int rows = t.length == 0 ? 0 : t[0].length;
    double[] v = new double[t.length * rows];
    for (int b = 0; b < t.length; b++) {
      if (t[b].length != rows) {
        throw new IllegalArgumentException("row " + b + " has " + t[b].length
            + " values; row 0 has " + rows);
      }
      System.arraycopy(t[b], 0, v, b * rows, rows);
    }
    return new BatchTensor(t.length, rows, 1, v);
  }

  /** One value per synapse: {@code t[b][i][j]} (copied). */
  public static BatchTensor perSynapse(double[][][] t) {
    int rows = t.length == 0 ? 0 : t[0].length;
    int width = rows == 0 ? 1 : t[0][0].length;
    double[] v = new double[t.length * rows * width];
    for (int b = 0; b < t.length; b++) {
      if (t[b].length != rows) {
        throw new IllegalArgumentException("sample " + b + " has " + t[b].length
            + " inputs; sample 0 has " + rows);
      }
      for (int i = 0; i < rows; i++) {
        if (t[b][i].length != width) {
          throw new IllegalArgumentException("sample " + b + " input " + i + " has "
              + t[b][i].length + " synapses; expected " + width);
        }
        System.arraycopy(t[b][i], 0, v, (b * rows + i) * width, width);
      }
    }
    return new BatchTensor(t.length, rows, width, v);
  }

  public int batch() {
    return batch;
  }

  /** N: inputs (or, for a layer's output, neurons). */
  public int rows() {
    return rows;
  }

  /** W: M (one value per synapse) or 1 (shared by all neurons). */
  public int width() {
    return width;
  }

  /** True for width 1: one value per input, broadcast to every neuron. */
  public boolean shared() {
    return width == 1;
  }

  /** The live values, {@code [batch][rows][width]} flat. */
  public double[] values() {
    return values;
  }

  /** Flat index of (b, i, j); j is ignored for a width-1 tensor. */
  public int index(int b, int i, int j) {
    return (b * rows + i) * width + (width == 1 ? 0 : j);
  }

  /** The value of (b, i, j); j is ignored for a width-1 tensor. */
  public double get(int b, int i, int j) {
    return values[index(b, i, j)];
  }

  /** The value of (b, i) of a width-1 tensor. */
  public double get(int b, int i) {
    return values[b * rows * width + i * width];
  }

  /** {@code [B][N]} copy of a width-1 tensor. */
  public double[][] toMatrix() {
    if (width != 1) {
      throw new IllegalStateException("toMatrix needs a width-1 tensor; this one has width "
          + width);
    }
    double[][] m = new double[batch][];
    for (int b = 0; b < batch; b++) {
      m[b] = Arrays.copyOfRange(values, b * rows, (b + 1) * rows);
    }
    return m;
  }

  /** {@code [B][N][m]} copy, a width-1 tensor broadcast to m neurons. */
  public double[][][] toArray(int m) {
    if (width != 1 && width != m) {
      throw new IllegalArgumentException("cannot expand width " + width + " to " + m);
    }
    double[][][] a = new double[batch][rows][m];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < m; j++) {
          a[b][i][j] = get(b, i, j);
        }
      }
    }
    return a;
  }

  @Override
  public String toString() {
    return "BatchTensor[" + batch + "][" + rows + "][" + width + "]";
  }
}
