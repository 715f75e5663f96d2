package io.firstspike.core.layer;

/**
 * How a delay layer keeps its delays positive (DELGRAD-MODEL.md section 2.2): the map from a
 * trainable raw parameter to the effective delay, its derivative, and the rectification that runs
 * once at construction and after every optimizer step (never inside a forward pass).
 *
 * <pre>
 *   SIGMOID  e = shift + scale / (1 + exp(-raw)),  de/draw = scale s (1 - s),  no rectification
 *   CLIP     e = raw,                               de/draw = 1,  rectify: raw := max(raw, 0)
 *   SHIFT    e = raw,                               de/draw = 1,  rectify: raw := raw - min(0, min raw)
 * </pre>
 *
 * (SHIFT moves the whole tensor so that its minimum is 0 when it was negative.)
 *
 * @param shift SIGMOID's lower bound (config {@code positivity.shift}, default 0); 0 otherwise
 * @param scale SIGMOID's range (config {@code positivity.scale}, default 1); 1 otherwise
 */
public record Positivity(Kind kind, double shift, double scale) {

  /** The config's {@code positivity.name}. */
  public enum Kind {
    SIGMOID,
    CLIP,
    SHIFT
  }

  public Positivity {
    if (kind == null) {
      throw new IllegalArgumentException("positivity: name is required (sigmoid, clip or shift)");
    }
    if (!Double.isFinite(shift) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("positivity: shift and scale must be finite, got "
          + shift + " and " + scale);
    }
  }

  public static Positivity sigmoid(double shift, double scale) {
    return new Positivity(Kind.SIGMOID, shift, scale);
  }

  public static Positivity clip() {
    return new Positivity(Kind.CLIP, 0.0, 1.0);
  }

  public static Positivity shiftToPositive() {
    return new Positivity(Kind.SHIFT, 0.0, 1.0);
  }

  /** The effective delay of a raw parameter. */
  public double effective(double raw) {
    return kind == Kind.SIGMOID ? shift + scale * sigmoid(raw) : raw;
  }

  /** d(effective)/d(raw). */
  public double derivative(double raw) {
    if (kind != Kind.SIGMOID) {
      return 1.0;
    }
    double s = sigmoid(raw);
    return scale * s * (1.0 - s);
  }

  /** Rectifies a layer's whole raw tensor in place (nothing for SIGMOID). */
  public void rectify(double[] raw) {
    switch (kind) {
      case SIGMOID -> { }
      case CLIP -> {
        for (int k = 0; k < raw.length; k++) {
          raw[k] = Math.max(raw[k], 0.0);
        }
      }
      case SHIFT -> {
        double min = 0.0;
        for (double r : raw) {
          min = Math.min(min, r);
        }
        for (int k = 0; k < raw.length; k++) {
          raw[k] -= min;
        }
      }
      default -> throw new IllegalStateException("unknown positivity " + kind);
    }
  }

  /** 1 / (1 + exp(-x)). */
  static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }
}
