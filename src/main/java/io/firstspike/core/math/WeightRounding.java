package io.firstspike.core.math;

/**
 * Hardware-aware weight rounding ({@code training_params.rounding_precision}; TTFS-MODEL.md
 * section 6, DELGRAD-MODEL.md section 7.3): the forward pass uses
 *
 * <pre>
 *   w_r = p * roundHalfEven(w / p)
 * </pre>
 *
 * while the backward pass and the optimizer keep the unrounded w. {@link Math#rint} is IEEE
 * round-half-even, as torch's {@code round}; the product is commutative in IEEE arithmetic, so
 * {@code rint(w / p) * p} gives the same bits. This is the one implementation: the 2021 engine and
 * the DelGrad neuron layers both call it.
 */
public final class WeightRounding {
  private WeightRounding() {}

  /**
   * w rounded to the nearest multiple of p (ties to the even multiple). Infinity and NaN stay as
   * they are.
   *
   * @param precision p, a finite number > 0 (callers treat "off" before calling)
   */
  public static double round(double w, double precision) {
    return precision * Math.rint(w / precision);
  }

  /**
   * A rounded copy of {@code w}; {@code w} is not changed.
   *
   * @throws IllegalArgumentException if p is not a finite number > 0
   */
  public static double[] roundedCopy(double[] w, double precision) {
    requirePrecision(precision);
    double[] out = new double[w.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = round(w[i], precision);
    }
    return out;
  }

  /** Throws unless p is a finite number > 0; returns p. */
  public static double requirePrecision(double precision) {
    if (!(precision > 0) || Double.isInfinite(precision)) {
      throw new IllegalArgumentException(
          "training_params.rounding_precision must be a finite number > 0 (or false for no"
              + " rounding), got " + precision);
    }
    return precision;
  }
}
