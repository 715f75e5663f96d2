package io.firstspike.core.layer;

import io.firstspike.core.optim.RangeRunner;

/**
 * Cuts a batch into chunks of {@value #SIZE} consecutive samples, the unit of parallel work.
 * The boundaries depend on the batch size only, so sums reduced per chunk in sample order and
 * then over chunks in chunk order have the same bits for any number of threads.
 */
final class SampleChunks {
  private SampleChunks() {}

  static final int SIZE = 8;

  /** The work on samples [from, to) of chunk {@code chunk}. */
  @FunctionalInterface
  interface Body {
    void run(int chunk, int from, int to);
  }

  static int count(int batch) {
    return (batch + SIZE - 1) / SIZE;
  }

  /** Runs every chunk of the batch on {@code threads}; returns when all are done. */
  static void run(int batch, RangeRunner threads, Body body) {
    threads.run(count(batch), c -> body.run(c, c * SIZE, Math.min(batch, (c + 1) * SIZE)));
  }

  /** The chunks' sums added in chunk order, element by element (0 + g_0 + g_1 + ...). */
  static double[] sum(double[][] chunkSums, int size) {
    double[] sum = new double[size];
    for (double[] g : chunkSums) {
      for (int k = 0; k < size; k++) {
        sum[k] += g[k];
      }
    }
    return sum;
  }

  /** Sets sample b's part of a {@code [B][rows][width]} tensor to +0. */
  static void clearSample(BatchTensor t, int b) {
    int per = t.rows() * t.width();
    java.util.Arrays.fill(t.values(), b * per, (b + 1) * per, 0.0);
  }
}
