package io.firstspike.sweep;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The original writes every number of {@code sweep_results_df.csv} through NumPy's float16: a
 * whole-valued float is written as an integer, any other as {@code str(numpy.float16(x))}. This
 * class rounds to the nearest half-precision value (ties to even) and prints it as NumPy does:
 * the fewest digits that read back as the same float16, positional for 1e-4 <= |x| < 1e3
 * ({@code 0.3333}, {@code 999.5}), scientific otherwise ({@code 1.0005e+03}, {@code 1e-05}).
 */
public final class Float16 {
  /** Largest finite float16. */
  static final double MAX = 65504;

  private Float16() {}

  /** The float16 nearest to {@code x} (ties to even), as a double; +-Infinity beyond range. */
  public static double round(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) {
      return x;
    }
    double a = Math.abs(x);
    if (a >= 65520) { // halfway between MAX and 2^16 rounds up (to even): overflow
      return Math.copySign(Double.POSITIVE_INFINITY, x);
    }
    int e = Math.max(Math.getExponent(a), -14); // below 2^-14: subnormal, quantum 2^-24
    double quantum = Math.scalb(1.0, e - 10);
    return Math.copySign(Math.rint(a / quantum) * quantum, x);
  }

  /**
   * The CSV text of a number as the original writes it: an integer for a whole value, else the
   * float16 text; empty for NaN (pandas writes missing values as empty fields).
   */
  public static String csv(double x) {
    if (Double.isNaN(x)) {
      return "";
    }
    if (Double.isFinite(x) && x == Math.rint(x) && Math.abs(x) < 1e18) {
      return Long.toString((long) x);
    }
    return text(round(x));
  }

  /** NumPy's {@code str()} of the float16 {@code h} (which must be a float16 value). */
  static String text(double h) {
    if (Double.isNaN(h)) {
      return "nan";
    }
    if (Double.isInfinite(h)) {
      return h > 0 ? "inf" : "-inf";
    }
    if (h == 0) {
      return 1 / h < 0 ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(h);
    BigDecimal d = exact;
    for (int p = 1; p <= 6; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (round(r.doubleValue()) == h) {
        d = r.stripTrailingZeros();
        break;
      }
    }
    String sign = h < 0 ? "-" : "";
    double a = Math.abs(h);
    if (a >= 1e-4 && a < 1e3) {
      String plain = d.abs().toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String digits = d.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - d.scale();
    String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign + mant + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
  }
}
