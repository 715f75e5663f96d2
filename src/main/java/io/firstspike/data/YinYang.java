package io.firstspike.data;

import java.util.List;

/**
 * The Yin-Yang data set (Kriener, Göltz and Petrovici 2021), generated exactly as published.
 *
 * <p>Per sample: draw the goal class with {@code randint(3)}, then repeat: draw (x, y) = {@code
 * rand(2) * 2 r_big}; reject it if it lies outside the big circle, accept it if its class equals
 * the goal. With d_r, d_l the distances to the right and left eye centres (1.5 r_big, r_big) and
 * (0.5 r_big, r_big), the class of (x, y) is
 *
 * <pre>
 *   2 ("dot")  if d_r &lt; r_small or d_l &lt; r_small
 *   1          if d_r &lt;= r_small or r_small &lt; d_l &lt;= r_big/2 or (y &gt; r_big and d_r &gt; r_big/2)
 *   0          otherwise
 * </pre>
 *
 * <p>Features are (x, y, 1 - x, 1 - y) (the mirrored pair keeps the mean input the same for all
 * points), encoded as spike times t = 0.15 + v (2.0 - 0.15). Display names by label index are
 * {@code ['yin', 'yang', 'dot']} as the original lists them, although the rule it calls "yin"
 * gives label 1; both are kept so that labels and plots match the original's.
 *
 * <p>The random numbers come from {@link NumpyRandom}; the splits use seeds 42 (train, 5000),
 * 41 (validation, 1000) and 40 (test, 1000), which reproduces the published files bit for bit.
 */
public final class YinYang {
  /** Data set name used in configs and file prefixes. */
  public static final String NAME = "yin_yang";
  /** Display names by label index, as the original lists them. */
  public static final List<String> CLASS_NAMES = List.of("yin", "yang", "dot");
  /** Radius of the big circle. */
  public static final double R_BIG = 0.5;
  /** Radius of the two dots. */
  public static final double R_SMALL = 0.1;
  /** Earliest input spike time (value 0). */
  public static final double T_EARLY = 0.15;
  /** Latest input spike time (value 1). */
  public static final double T_LATE = 2.0;

  private YinYang() {}

  /** Raw features (samples x 4: x, y, 1-x, 1-y) and labels, before the time encoding. */
  public record Raw(double[][] features, int[] labels) {}

  /** The three standard splits, encoded as spike times. */
  public static DataSplits splits() {
    return new DataSplits(encoded(42, 5000), encoded(41, 1000), encoded(40, 1000));
  }

  /** {@code n} samples drawn from {@code RandomState(seed)}, encoded as spike times. */
  public static Dataset encoded(long seed, int n) {
    Raw raw = generate(seed, n);
    double[][] times = new double[n][];
    for (int i = 0; i < n; i++) {
      times[i] = new double[4];
      for (int k = 0; k < 4; k++) {
        times[i][k] = T_EARLY + raw.features()[i][k] * (T_LATE - T_EARLY);
      }
    }
    return new Dataset(NAME, times, raw.labels(), CLASS_NAMES);
  }

  /** {@code n} raw samples drawn from {@code RandomState(seed)}. */
  public static Raw generate(long seed, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("yin_yang: number of samples must be >= 0, got " + n);
    }
    NumpyRandom rng = new NumpyRandom(seed);
    double[][] features = new double[n][];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int goal = (int) rng.randint(3);
      while (true) {
        double x = rng.rand() * 2.0 * R_BIG;
        double y = rng.rand() * 2.0 * R_BIG;
        if (Math.sqrt(sq(x - R_BIG) + sq(y - R_BIG)) > R_BIG) {
          continue;
        }
        if (classOf(x, y) == goal) {
          features[i] = new double[] {x, y, 1.0 - x, 1.0 - y};
          labels[i] = goal;
          break;
        }
      }
    }
    return new Raw(features, labels);
  }

  /** The class of a point inside the big circle (rule in the class doc). */
  public static int classOf(double x, double y) {
    double dRight = Math.sqrt(sq(x - 1.5 * R_BIG) + sq(y - R_BIG));
    double dLeft = Math.sqrt(sq(x - 0.5 * R_BIG) + sq(y - R_BIG));
    if (dRight < R_SMALL || dLeft < R_SMALL) {
      return 2;
    }
    boolean upperHalf = y > R_BIG && dRight > 0.5 * R_BIG;
    if (dRight <= R_SMALL || (dLeft > R_SMALL && dLeft <= 0.5 * R_BIG) || upperHalf) {
      return 1;
    }
    return 0;
  }

  private static double sq(double v) {
    return v * v;
  }
}
