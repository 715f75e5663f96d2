package io.firstspike.data;

import java.util.List;

/**
 * The XOR problem as the original encodes it: four patterns (a, b) in {0, 1}^2, presented as the
 * inputs (a, b, 0, 1) (the constant pair keeps every sample's input count and mean equal), encoded
 * as t = 0.15 + v * 1.85; label a XOR b. The same four samples form train, validation and test.
 */
public final class Xor {
  /** Data set name used in configs. */
  public static final String NAME = "xor";
  /** Display names by label index. */
  public static final List<String> CLASS_NAMES = List.of("0", "1");

  private Xor() {}

  /** The four samples in the order (0,0), (0,1), (1,0), (1,1). */
  public static Dataset samples() {
    double[][] times = new double[4][];
    int[] labels = new int[4];
    for (int p = 0; p < 4; p++) {
      int a = p >> 1;
      int b = p & 1;
      double[] v = {a, b, 0, 1};
      times[p] = new double[4];
      for (int k = 0; k < 4; k++) {
        times[p][k] = YinYang.T_EARLY + v[k] * (YinYang.T_LATE - YinYang.T_EARLY);
      }
      labels[p] = a ^ b;
    }
    return new Dataset(NAME, times, labels, CLASS_NAMES);
  }

  /** Train, validation and test: the same four samples. */
  public static DataSplits splits() {
    Dataset d = samples();
    return new DataSplits(d, d, d);
  }
}
