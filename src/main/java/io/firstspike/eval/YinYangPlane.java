package io.firstspike.eval;

/**
 * Positions of Yin-Yang samples in the input plane, recovered from their spike times.
 *
 * <p>The encoding is t = 0.15 + v * (2.0 - 0.15) on the features (x, y, 1-x, 1-y), so
 * x = (t0 - 0.15) / 1.85 and y = (t1 - 0.15) / 1.85.
 *
 * @param x [sample] horizontal position in 0..1
 * @param y [sample] vertical position in 0..1
 */
public record YinYangPlane(double[] x, double[] y) {
  /** Earliest input spike time of the encoding. */
  public static final double T_EARLY = 0.15;
  /** Span of the encoding, 2.0 - 0.15. */
  public static final double T_SPAN = 1.85;

  public YinYangPlane {
    if (x.length != y.length) {
      throw new IllegalArgumentException("yin-yang plane: " + x.length + " x vs " + y.length + " y");
    }
    x = x.clone();
    y = y.clone();
  }

  /** Decodes inputs 0 and 1 of every sample; needs at least two inputs. */
  public static YinYangPlane of(SplitEvaluation e) {
    if (e.nSamples() > 0 && e.nInputs() < 2) {
      throw new IllegalArgumentException(
          "yin-yang plane: split '" + e.split() + "' has " + e.nInputs()
              + " inputs, expected at least 2 (x, y, 1-x, 1-y)");
    }
    double[] x = new double[e.nSamples()];
    double[] y = new double[e.nSamples()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (e.inputTime(i, 0) - T_EARLY) / T_SPAN;
      y[i] = (e.inputTime(i, 1) - T_EARLY) / T_SPAN;
    }
    return new YinYangPlane(x, y);
  }

  public int size() {
    return x.length;
  }

  public double xAt(int i) {
    return x[i];
  }

  public double yAt(int i) {
    return y[i];
  }

  @Override
  public double[] x() {
    return x.clone();
  }

  @Override
  public double[] y() {
    return y.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof YinYangPlane p
        && java.util.Arrays.equals(x, p.x) && java.util.Arrays.equals(y, p.y);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(x) * 31 + java.util.Arrays.hashCode(y);
  }

  @Override
  public String toString() {
    return "YinYangPlane[" + x.length + " points]";
  }
}
