package io.firstspike.core.network;

import java.util.Arrays;

/**
 * A layer's weights in the forms the fast forward passes read besides the row-major matrix: the
 * column sums (for a final group of equal input times, {@link LayerScratch#addFinalGroup}) and,
 * for layers that are not tiny ({@link PassPolicy#preparesRows}), one array per row with each
 * row's largest positive weight (the vectorised loops and the blocks of
 * {@link ClosedFormForward#BLOCKED}: with separate row arrays every access is at index j, which
 * the JIT vectorises; with offsets into one flat array it cannot rule out aliasing). The engine
 * keeps one per layer and refills it at every forward pass (in parallel parts); a result of the
 * engine never holds it.
 */
public final class PreparedWeights {
  final int nOut;
  /** The weights these were prepared from (row-major). */
  double[] flat;
  /** Sum over all rows of the weights, per output. */
  final double[] columnSums;
  /** rows[i][j] == flat[i * nOut + j], or null (no row copies). */
  final double[][] rows;
  /** max(0, max_j flat[i * nOut + j]) per row i, or null with rows. */
  final double[] rowMaxPos;

  /** Empty buffers for nRows x nOut weights; {@link #load} then the two fills prepare them. */
  PreparedWeights(int nRows, int nOut, boolean rowCopies) {
    this.nOut = nOut;
    this.columnSums = new double[nOut];
    this.rows = rowCopies ? new double[nRows][nOut] : null;
    this.rowMaxPos = rowCopies ? new double[nRows] : null;
  }

  /** Given forms (any may be null: the passes then go without); for tests. */
  PreparedWeights(double[] flat, int nOut, double[] columnSums, double[][] rows,
      double[] rowMaxPos) {
    this.flat = flat;
    this.nOut = nOut;
    this.columnSums = columnSums;
    this.rows = rows;
    this.rowMaxPos = rowMaxPos;
  }

  /** The prepared forms of w (nRows x nOut, row-major), computed on the calling thread. */
  public static PreparedWeights of(double[] w, int nRows, int nOut, boolean rowCopies) {
    if (w.length != (long) nRows * nOut) {
      throw new IllegalArgumentException(w.length + " weights for " + nRows + " inputs x " + nOut
          + " outputs; expected " + ((long) nRows * nOut));
    }
    PreparedWeights p = new PreparedWeights(nRows, nOut, rowCopies);
    p.load(w);
    p.prepareRows(0, 1);
    p.sumColumns(0, 1);
    return p;
  }

  /** Starts a new preparation of these weights (the column sums back to zero). */
  void load(double[] w) {
    flat = w;
    Arrays.fill(columnSums, 0.0);
  }

  /**
   * Fills part {@code part} of {@code parts} of the row copies (a range of rows with their
   * largest positive weight), or, without row copies, of the column sums. Run
   * {@link #sumColumns} after all parts are done.
   */
  void prepareRows(int part, int parts) {
    double[] w = flat;
    if (rows == null) {
      sumColumnsFlat(part, parts);
      return;
    }
    int nRows = rows.length;
    int iFrom = (int) ((long) nRows * part / parts);
    int iTo = (int) ((long) nRows * (part + 1) / parts);
    for (int i = iFrom; i < iTo; i++) {
      double[] row = rows[i];
      System.arraycopy(w, i * nOut, row, 0, nOut);
      rowMaxPos[i] = maxPositive(row, nOut);
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
   * Part {@code part} of {@code parts} of the column sums from the row copies (a range of
   * columns, each summed over the rows in row order, so the same bits however it is cut), whose
   * loop the JIT vectorises (every access at index j); after {@link #prepareRows}. Nothing to do
   * without row copies.
   */
  void sumColumns(int part, int parts) {
    if (rows == null) {
      return;
    }
    double[] cs = columnSums;
    int jFrom = (int) ((long) nOut * part / parts);
    int jTo = (int) ((long) nOut * (part + 1) / parts);
    for (double[] row : rows) {
      for (int j = jFrom; j < jTo; j++) {
        cs[j] += row[j];
      }
    }
  }

  /** Part of the column sums from the flat weights (layers without row copies). */
  private void sumColumnsFlat(int part, int parts) {
    double[] w = flat;
    double[] cs = columnSums;
    int jFrom = (int) ((long) nOut * part / parts);
    int jTo = (int) ((long) nOut * (part + 1) / parts);
    for (int row = 0; row < w.length; row += nOut) {
      for (int j = jFrom; j < jTo; j++) {
        cs[j] += w[row + j];
      }
    }
  }
}
