package io.firstspike.core.network;

import java.util.Arrays;

/**
 * The outcome of {@link NetworkEngine#forward} for one batch: every layer's output spike times,
 * and (unless made by {@link NetworkEngine#forwardTimes}) what the backward pass reuses.
 */
public final class ForwardResult {
  final int batch;
  final int layers;
  final NetworkEngine engine;
  private final Network net;
  double[][] source;
  double[][] weights;
  /** Set by {@link NetworkEngine#recycle}: the buffers now belong to the engine again. */
  boolean released;
  /** Per layer, sum over all rows of the weights used, per output (see LayerKernel.forward). */
  final double[][] columnSums;
  /**
   * Per layer (unless tiny): the weights as one array per row, and each row's largest positive
   * weight (for LayerKernel's vectorised loops and blocked pass); else null. The engine's
   * buffers: valid while this result's forward pass runs, refilled by the next one.
   */
  final double[][][] rows;

  final double[][] rowMaxPos;
  final double[][] biasTimes;
  /** [layer][sample][inputs incl. biases]. */
  final double[][][] inputs;
  /** [layer][sample][neurons]. */
  final double[][][] outputs;
  /**
   * [layer][sample][inputs incl. biases]: exp(t_i / tau_s) of the inputs of layers 1 and up,
   * written by the layer below as its neurons fire (see {@link LayerKernel#forward}); the bias
   * part once here. Null for layer 0, and altogether when the engine computes the exps itself
   * (dt, the Euler pass).
   */
  final double[][][] inputExps;
  /** Per layer, or null when made without caches. */
  final LayerCache[] caches;

  ForwardResult(NetworkEngine engine, Network net, double[][] source, double[][] weights,
      boolean withCache, double[][][] rowBuffers, double[][] rowMaxBuffers, boolean passExps) {
    this.engine = engine;
    this.net = net;
    this.batch = source.length;
    this.layers = net.nLayers();
    checkInputs(net, source);
    this.source = source;
    this.weights = weights;
    this.columnSums = new double[layers][];
    this.rows = rowBuffers;
    this.rowMaxPos = rowMaxBuffers;
    this.biasTimes = new double[layers][];
    this.inputs = new double[layers][][];
    this.outputs = new double[layers][][];
    this.caches = withCache ? new LayerCache[layers] : null;
    this.inputExps = passExps ? new double[layers][][] : null;
    for (int l = 0; l < layers; l++) {
      biasTimes[l] = net.biasTimes(l);
      int nOut = net.layerSize(l);
      columnSums[l] = new double[nOut];
      inputs[l] = new double[batch][net.rowsOf(l)];
      outputs[l] = new double[batch][net.layerSize(l)];
      if (withCache) {
        caches[l] = new LayerCache(batch, net.rowsOf(l), net.layerSize(l), net.params().variant());
      }
      if (passExps && l > 0) {
        inputExps[l] = new double[batch][net.rowsOf(l)];
        int real = net.inputsOf(l);
        double tau = net.params().tauSyn();
        for (double[] e : inputExps[l]) {
          for (int i = real; i < e.length; i++) {
            e[i] = Math.exp(biasTimes[l][i - real] / tau); // as LayerKernel's preparation does
          }
        }
      }
    }
  }

  private static void checkInputs(Network net, double[][] source) {
    for (int s = 0; s < source.length; s++) {
      if (source[s].length != net.nInputs()) {
        throw new IllegalArgumentException("inputs[" + s + "] has " + source[s].length
            + " spike times; the network has " + net.nInputs() + " inputs");
      }
    }
  }

  /**
   * Makes a recycled result ready for a new pass of the same batch size: new inputs and
   * weights, column sums back to zero. Every other buffer is overwritten by the pass (the
   * kernel resets each sample's outputs and causal-set lengths before it writes them).
   */
  void reuse(double[][] newSource, double[][] newWeights) {
    checkInputs(net, newSource);
    source = newSource;
    weights = newWeights;
    for (double[] cs : columnSums) {
      Arrays.fill(cs, 0.0);
    }
    released = false;
  }

  void requireLive() {
    if (released) {
      throw new IllegalStateException("this ForwardResult was handed back with "
          + "NetworkEngine.recycle; its buffers belong to a later pass now");
    }
  }

  /**
   * Fills part {@code part} of {@code parts} of every layer's row copies (a range of rows with
   * their largest positive weight), and, for layers without row copies, of its column sums. Run
   * {@link #sumColumns} after all parts are done.
   */
  void prepareRows(int part, int parts) {
    for (int l = 0; l < layers; l++) {
      double[] w = weights[l];
      int nOut = columnSums[l].length;
      int nRows = w.length / nOut;
      if (rows[l] == null) {
        sumColumnsFlat(l, part, parts);
        continue;
      }
      int iFrom = (int) ((long) nRows * part / parts);
      int iTo = (int) ((long) nRows * (part + 1) / parts);
      for (int i = iFrom; i < iTo; i++) {
        double[] row = rows[l][i];
        System.arraycopy(w, i * nOut, row, 0, nOut);
        rowMaxPos[l][i] = maxPositive(row, nOut);
      }
    }
  }

  /**
   * max(0, max_j row[j]) with Math.max's rules (NaN wins), in four independent chains: one
   * chain waits for each comparison before the next (about 2 ns per weight, 0.5 ms per full-MNIST
   * batch); the maximum does not depend on the order.
   */
  private static double maxPositive(double[] row, int n) {
    double m0 = 0.0;
    double m1 = 0.0;
    double m2 = 0.0;
    double m3 = 0.0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      m0 = Math.max(m0, row[j]);
      m1 = Math.max(m1, row[j + 1]);
      m2 = Math.max(m2, row[j + 2]);
      m3 = Math.max(m3, row[j + 3]);
    }
    for (; j < n; j++) {
      m0 = Math.max(m0, row[j]);
    }
    return Math.max(Math.max(m0, m1), Math.max(m2, m3));
  }

  /**
   * Part {@code part} of {@code parts} of the column sums of the layers with row copies (a range
   * of columns, each summed over the rows in row order, so the same bits however it is cut),
   * from the copies, whose loop the JIT vectorises (every access at index j); after
   * {@link #prepareRows}.
   */
  void sumColumns(int part, int parts) {
    for (int l = 0; l < layers; l++) {
      if (rows[l] == null) {
        continue;
      }
      double[] cs = columnSums[l];
      int nOut = cs.length;
      int jFrom = (int) ((long) nOut * part / parts);
      int jTo = (int) ((long) nOut * (part + 1) / parts);
      for (double[] row : rows[l]) {
        for (int j = jFrom; j < jTo; j++) {
          cs[j] += row[j];
        }
      }
    }
  }

  /** Column sums of layer l from the flat weights (layers without row copies). */
  private void sumColumnsFlat(int l, int part, int parts) {
    double[] w = weights[l];
    double[] cs = columnSums[l];
    int nOut = cs.length;
    int jFrom = (int) ((long) nOut * part / parts);
    int jTo = (int) ((long) nOut * (part + 1) / parts);
    for (int row = 0; row < w.length; row += nOut) {
      for (int j = jFrom; j < jTo; j++) {
        cs[j] += w[row + j];
      }
    }
  }

  /** Number of weights over all layers. */
  long weightCount() {
    long n = 0;
    for (double[] w : weights) {
      n += w.length;
    }
    return n;
  }

  public int batchSize() {
    return batch;
  }

  public int layers() {
    return layers;
  }

  /** Output spike times of layer l, [B][n_l] (a copy; +Infinity = no spike). */
  public double[][] times(int layer) {
    requireLive();
    double[][] t = new double[batch][];
    for (int s = 0; s < batch; s++) {
      t[s] = outputs[layer][s].clone();
    }
    return t;
  }

  /** Output spike times of the label (last) layer, [B][nOutputs]. */
  public double[][] labelTimes() {
    return times(layers - 1);
  }

  /** True if {@link NetworkEngine#backward} can use this result. */
  public boolean hasBackwardCache() {
    return caches != null;
  }
}
