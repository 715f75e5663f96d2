package io.firstspike.data;

/**
 * The natural logarithm rounded correctly to the nearest double.
 *
 * <p>Why: NumPy's polar Box-Muller method calls the C library's {@code log}, and glibc's is
 * (almost always) correctly rounded, whereas {@link Math#log} is allowed 1 ulp of error and
 * {@link StrictMath#log} (fdlibm) differs from glibc in about 2% of cases. One ulp in the log
 * changes the normal draw, so to reproduce NumPy bit for bit we compute the log in double-double
 * arithmetic (about 106 bits) and round once at the end.
 *
 * <p>Method: x = m * 2^k with m in [sqrt(1/2), sqrt(2)); with s = (m - 1) / (m + 1),
 *
 * <pre>  ln x = k ln 2 + 2 (s + s^3/3 + s^5/5 + ...),   |s| &lt;= 0.1716, s^2 &lt;= 0.0295</pre>
 *
 * <p>so 24 terms of the series are ample. Products are exact through Dekker's splitting (no
 * reliance on a hardware fused multiply-add).
 */
final class RoundedLog {
  private static final int TERMS = 24;
  private static final double LN2_HI = 0x1.62e42fefa39efp-1;
  private static final double LN2_LO = 0x1.abc9e3b39803fp-56;
  private static final double SPLITTER = 134217729.0; // 2^27 + 1
  private static final double SQRT_HALF = 0.7071067811865476;
  /** 1 / (2n + 1) for n = 0 .. TERMS-1, as double-double (hi, lo) pairs. */
  private static final double[] INV_HI = new double[TERMS];
  private static final double[] INV_LO = new double[TERMS];

  static {
    for (int n = 0; n < TERMS; n++) {
      double d = 2 * n + 1;
      double hi = 1.0 / d;
      // remainder 1 - hi * d computed exactly, then one correction step
      double[] p = twoProd(hi, d);
      double rem = (1.0 - p[0]) - p[1];
      INV_HI[n] = hi;
      INV_LO[n] = rem / d;
    }
  }

  private RoundedLog() {}

  /** ln(x), correctly rounded for finite x > 0; NaN, -Infinity, +Infinity as {@link Math#log}. */
  static double log(double x) {
    if (!(x > 0) || Double.isInfinite(x)) {
      return Math.log(x);
    }
    int k = Math.getExponent(x);
    double m;
    if (k < Double.MIN_EXPONENT) { // subnormal: scale up first
      x *= 0x1p54;
      k = Math.getExponent(x) - 54;
      m = x / Math.scalb(1.0, Math.getExponent(x));
    } else {
      m = Math.scalb(x, -k);
    }
    if (m > 2 * SQRT_HALF) {
      m *= 0.5;
      k++;
    }
    // s = (m - 1) / (m + 1); m - 1 is exact (Sterbenz), m + 1 as an exact sum (hi, lo)
    double num = m - 1.0;
    double[] den = twoSum(m, 1.0);
    double[] s = divide(num, den[0], den[1]);
    double[] t = mul(s[0], s[1], s[0], s[1]);
    // Horner: P = sum_n t^n / (2n+1)
    double pHi = INV_HI[TERMS - 1];
    double pLo = INV_LO[TERMS - 1];
    for (int n = TERMS - 2; n >= 0; n--) {
      double[] q = mul(pHi, pLo, t[0], t[1]);
      double[] r = add(q[0], q[1], INV_HI[n], INV_LO[n]);
      pHi = r[0];
      pLo = r[1];
    }
    double[] series = mul(pHi, pLo, 2 * s[0], 2 * s[1]);
    double[] kln2 = mul(k, 0.0, LN2_HI, LN2_LO);
    double[] sum = add(kln2[0], kln2[1], series[0], series[1]);
    return sum[0] + sum[1];
  }

  private static double[] twoProd(double a, double b) {
    double p = a * b;
    double[] as = split(a);
    double[] bs = split(b);
    double err = ((as[0] * bs[0] - p) + as[0] * bs[1] + as[1] * bs[0]) + as[1] * bs[1];
    return new double[] {p, err};
  }

  private static double[] split(double a) {
    double c = SPLITTER * a;
    double hi = c - (c - a);
    return new double[] {hi, a - hi};
  }

  private static double[] twoSum(double a, double b) {
    double s = a + b;
    double bb = s - a;
    double err = (a - (s - bb)) + (b - bb);
    return new double[] {s, err};
  }

  private static double[] add(double aHi, double aLo, double bHi, double bLo) {
    double[] s = twoSum(aHi, bHi);
    double[] t = twoSum(aLo, bLo);
    double lo = s[1] + t[0];
    double hi = s[0] + lo;
    lo = lo - (hi - s[0]);
    lo += t[1];
    double h2 = hi + lo;
    return new double[] {h2, lo - (h2 - hi)};
  }

  private static double[] mul(double aHi, double aLo, double bHi, double bLo) {
    double[] p = twoProd(aHi, bHi);
    double lo = p[1] + (aHi * bLo + aLo * bHi);
    double hi = p[0] + lo;
    return new double[] {hi, lo - (hi - p[0])};
  }

  /** a / (bHi + bLo) as double-double: three quotient digits, each from the exact remainder. */
  private static double[] divide(double a, double bHi, double bLo) {
    double q1 = a / bHi;
    double[] p1 = mul(q1, 0.0, bHi, bLo);
    double[] r1 = add(a, 0.0, -p1[0], -p1[1]);
    double q2 = r1[0] / bHi;
    double[] p2 = mul(q2, 0.0, bHi, bLo);
    double[] r2 = add(r1[0], r1[1], -p2[0], -p2[1]);
    double q3 = r2[0] / bHi;
    double[] q = twoSum(q1, q2);
    return add(q[0], q[1], q3, 0.0);
  }
}
