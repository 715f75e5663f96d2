package io.firstspike.data;

import java.util.List;

/**
 * The bars toy problem: 3 x 3 images (row-major, 9 inputs) showing a horizontal bar (one full
 * row), a vertical bar (one full column) or a diagonal bar (main or anti diagonal). A pixel on the
 * bar spikes early, at {@link #T_BAR} = 0.5, every other pixel at {@link #T_OFF} = 0.05.
 *
 * <p>Ten samples per class, cycling through the class's patterns (horizontal rows 0, 1, 2, 0, ...;
 * vertical columns likewise; diagonal main, anti, main, ...), classes in blocks: samples 0-9
 * horizontal (label 0), 10-19 vertical (1), 20-29 diagonal (2). No noise, so train = validation =
 * test.
 */
public final class Bars {
  /** Data set name used in configs. */
  public static final String NAME = "bars";
  /** Display names by label index. */
  public static final List<String> CLASS_NAMES = List.of("horizontal", "vertical", "diagonal");
  /** Spike time of a pixel on the bar. */
  public static final double T_BAR = 0.5;
  /** Spike time of a pixel off the bar. */
  public static final double T_OFF = 0.05;
  /** Samples per class. */
  public static final int PER_CLASS = 10;

  private Bars() {}

  /** The 30 samples. */
  public static Dataset samples() {
    double[][] times = new double[3 * PER_CLASS][];
    int[] labels = new int[3 * PER_CLASS];
    for (int c = 0; c < 3; c++) {
      for (int k = 0; k < PER_CLASS; k++) {
        double[] img = new double[9];
        java.util.Arrays.fill(img, T_OFF);
        for (int j = 0; j < 3; j++) {
          int pixel = switch (c) {
            case 0 -> 3 * (k % 3) + j; // row k%3
            case 1 -> 3 * j + k % 3; // column k%3
            default -> k % 2 == 0 ? 4 * j : 3 * j + (2 - j); // main / anti diagonal
          };
          img[pixel] = T_BAR;
        }
        times[c * PER_CLASS + k] = img;
        labels[c * PER_CLASS + k] = c;
      }
    }
    return new Dataset(NAME, times, labels, CLASS_NAMES);
  }

  /** Train, validation and test: the same 30 samples. */
  public static DataSplits splits() {
    Dataset d = samples();
    return new DataSplits(d, d, d);
  }
}
