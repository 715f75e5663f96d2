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

  // ---- Fast path (Ziv's strategy): a table-driven log accurate to about 2^-70 relative, whose
  // result is returned only when its error bound proves the rounding; otherwise the slow
  // double-double series above decides. NumPy's normal draws call this ~10^6 times per epoch.

  /** Table buckets: m in [sqrt(1/2), sqrt(2)) is rounded to 1 + i/128, i in MIN_I..MAX_I. */
  private static final int MIN_I = -38;

  private static final int MAX_I = 54;
  /** c_i ~ 1 / (1 + i/128) with at most 10 significant bits; c_0 = 1 exactly. */
  private static final double[] C = new double[MAX_I - MIN_I + 1];
  /** -ln(c_i) as double-double (hi, lo), from the slow path's double-double result. */
  private static final double[] T_HI = new double[C.length];

  private static final double[] T_LO = new double[C.length];
  /** ln 2 = LN2_D + LN2_R to about 2^-107. */
  private static final double LN2_D = 0x1.62e42fefa39efp-1;

  private static final double LN2_R = 0x1.abc9e3b39803fp-56;
  private static final double SQRT_TWO = 1.4142135623730951;
  private static final long MANTISSA = 0x000fffffffffffffL;
  private static final long ONE_BITS = 0x3ff0000000000000L;

  static {
    for (int i = MIN_I; i <= MAX_I; i++) {
      double c = Math.rint(0x1p9 / (1.0 + i / 128.0)) * 0x1p-9;
      C[i - MIN_I] = c;
      double[] l = logDoubleDouble(c);
      T_HI[i - MIN_I] = -l[0];
      T_LO[i - MIN_I] = -l[1];
    }
  }

  /** ln(x), correctly rounded for finite x > 0; NaN, -Infinity, +Infinity as {@link Math#log}. */
  static double log(double x) {
    if (!(x >= Double.MIN_NORMAL) || x == Double.POSITIVE_INFINITY) {
      return slowLog(x);
    }
    long bits = Double.doubleToRawLongBits(x);
    int k = (int) (bits >>> 52) - 1023;
    double m = Double.longBitsToDouble((bits & MANTISSA) | ONE_BITS); // [1, 2)
    if (m > SQRT_TWO) {
      m *= 0.5;
      k++;
    }
    int i = (int) Math.rint((m - 1.0) * 128.0);
    double c = C[i - MIN_I];
    // r = m c - 1 = rh + e exactly (rh exact by Sterbenz, e the product's rounding error)
    double p = m * c;
    double e = Math.fma(m, c, -p);
    double rh = p - 1.0;
    // log1p(r) = r - r^2/2 + r^3 P(r); r^2 = q + ql exactly; |r| < 0.007, so 12 terms suffice
    double q = rh * rh;
    double ql = Math.fma(rh, rh, -q);
    double tail = rh * q * (1.0 / 3 + rh * (-1.0 / 4 + rh * (1.0 / 5 + rh * (-1.0 / 6
        + rh * (1.0 / 7 + rh * (-1.0 / 8 + rh * (1.0 / 9 + rh * (-1.0 / 10 + rh * (1.0 / 11
        + rh * (-1.0 / 12))))))))));
    // k ln 2 as double-double
    double kh = k * LN2_D;
    double kl = Math.fma(k, LN2_D, -kh) + k * LN2_R;
    double s1 = kh + T_HI[i - MIN_I];
    double s1l = twoSumLow(kh, T_HI[i - MIN_I], s1);
    double s2 = s1 + rh;
    double s2l = twoSumLow(s1, rh, s2);
    double s3 = s2 - 0.5 * q;
    double s3l = twoSumLow(s2, -0.5 * q, s3);
    // log1p(rh + e) = log1p(rh) + e / (1 + rh) + O(e^2), and 1 + rh = p exactly
    double low = s1l + s2l + s3l + kl + T_LO[i - MIN_I] + e / p - 0.5 * ql + tail;
    double h = s3 + low;
    double residual = twoSumLow(s3, low, h); // s3 + low = h + residual exactly
    // bound on |(true ln x) - (s3 + low)|: rounding of tail and of the low sum, table error
    double err = Math.abs(tail) * 0x1p-49 + Math.abs(low) * 0x1p-49 + Math.abs(s3) * 0x1p-98
        + Math.abs(e) * 0x1p-50
        + 0x1p-1060;
    if (residual - err > 0.5 * (Math.nextDown(h) - h)
        && residual + err < 0.5 * (Math.nextUp(h) - h)) {
      return h; // the true value is within half an ulp of h on either side: h is its rounding
    }
    return slowLog(x);
  }

  /** a + b - s exactly, for s = fl(a + b) (Knuth's two-sum). */
  private static double twoSumLow(double a, double b, double s) {
    double bb = s - a;
    return (a - (s - bb)) + (b - bb);
  }

  /** The slow, always correctly rounded path: the double-double series, rounded once. */
  static double slowLog(double x) {
    if (!(x > 0) || Double.isInfinite(x)) {
      return Math.log(x);
    }
    double[] sum = logDoubleDouble(x);
    return sum[0] + sum[1];
  }

  /** ln(x) for finite x > 0 as a double-double (hi, lo), about 106 bits. */
  private static double[] logDoubleDouble(double x) {
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
    return add(kln2[0], kln2[1], series[0], series[1]);
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
