package io.firstspike.data;

/**
 * The natural logarithm rounded correctly to the nearest double.
 *
 * <p>Why: NumPy's polar Box-Muller method calls the C library's {@code log}, and one ulp in the
 * log changes the normal draw. {@link Math#log} may be 1 ulp off and depends on the JVM and CPU;
 * {@link StrictMath#log} (fdlibm) disagrees with glibc in about 2% of our draws. glibc's log is
 * within about 0.52 ulp, so a correctly rounded log agrees with it except in rare cases (19
 * of 100000 draw pairs of a NumPy normal stream, where glibc misrounds). We therefore compute
 * the log in double-double arithmetic (about 106 bits) and round once: the closest we can get to
 * NumPy, and the same result on every platform.
 *
 * <p>Method: x = m * 2^k with m in [sqrt(1/2), sqrt(2)); c = j/128 is the table point nearest to
 * m and s = (m - c) / (m + c), so
 *
 * <pre>  ln x = k ln 2 + ln c + 2 (s + s^3/3 + s^5/5 + ...),   |s| &lt;= 0.0028</pre>
 *
 * <p>and 7 terms suffice. The 93 values ln c are computed once, by the same series around 1
 * (24 terms, |s| &lt;= 0.1716). c = 1 is a table point, so results near x = 1 lose nothing to
 * cancellation. Products are exact through Dekker's splitting (no reliance on a hardware fused
 * multiply-add).
 */
final class RoundedLog {
  /** Series terms for the table, where |s| &lt;= 0.1716: 0.0295^24 / 49 &lt; 2^-125. */
  private static final int TERMS = 24;
  /** Series terms at run time, where |s| &lt;= 0.0028: (8e-6)^7 / 15 &lt; 2^-121. */
  private static final int FAST_TERMS = 7;
  /** Table points c = j / 128 covering [sqrt(1/2), sqrt(2)]: j = 90 .. 182 (c = 1 at 128). */
  private static final int TABLE_STEPS = 128;
  private static final int TABLE_FIRST = 90;
  private static final int TABLE_LAST = 182;
  private static final double[] LN_C_HI = new double[TABLE_LAST - TABLE_FIRST + 1];
  private static final double[] LN_C_LO = new double[TABLE_LAST - TABLE_FIRST + 1];
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
    for (int j = TABLE_FIRST; j <= TABLE_LAST; j++) {
      double[] ln = atanhSeries(j / (double) TABLE_STEPS, 1.0, TERMS);
      LN_C_HI[j - TABLE_FIRST] = ln[0];
      LN_C_LO[j - TABLE_FIRST] = ln[1];
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
    // ln m = ln c + 2 atanh((m - c) / (m + c)) with c = j/128 nearest to m, |s| <= 0.0028.
    // Same arithmetic as atanhSeries, written out on scalars: this runs once per normal draw.
    int j = (int) Math.rint(m * TABLE_STEPS);
    double c = j / (double) TABLE_STEPS;
    double num = m - c; // exact (Sterbenz)
    double dh = m + c;
    double bb = dh - m;
    double dl = (m - (dh - bb)) + (c - bb); // m + c = dh + dl exactly
    double q1 = num / dh;
    double ph = q1 * dh;
    double r = ((num - ph) - prodErr(q1, dh, ph)) - q1 * dl;
    double q2 = r / dh;
    double sHi = q1 + q2;
    double sLo = q2 - (sHi - q1); // s = num / (dh + dl) as sHi + sLo
    double tHi = sHi * sHi;
    double tLo = prodErr(sHi, sHi, tHi) + 2 * sHi * sLo;
    double pHi = INV_HI[FAST_TERMS - 1];
    double pLo = INV_LO[FAST_TERMS - 1];
    for (int n = FAST_TERMS - 2; n >= 0; n--) {
      double xh = pHi * tHi; // p * t, tiny next to 1/(2n+1)
      double xl = prodErr(pHi, tHi, xh) + (pHi * tLo + pLo * tHi);
      double sh = INV_HI[n] + xh;
      double sb = sh - INV_HI[n];
      double se = ((INV_HI[n] - (sh - sb)) + (xh - sb)) + (INV_LO[n] + xl);
      pHi = sh + se;
      pLo = se - (pHi - sh);
    }
    double yHi = 2 * sHi * pHi; // series = 2 s P
    double yLo = prodErr(2 * sHi, pHi, yHi) + 2 * (sHi * pLo + sLo * pHi);
    int ti = j - TABLE_FIRST;
    double kh = k * LN2_HI;
    double kl = prodErr(k, LN2_HI, kh) + k * LN2_LO;
    // (kh + kl) + (LN_C) + (yHi + yLo), each sum exact in its high part
    double[] a = add(kh, kl, LN_C_HI[ti], LN_C_LO[ti]);
    double[] b = add(a[0], a[1], yHi, yLo);
    return b[0] + b[1];
  }

  /** The rounding error of p = a * b (exact: a * b = p + error), by Dekker's splitting. */
  private static double prodErr(double a, double b, double p) {
    double ca = SPLITTER * a;
    double ah = ca - (ca - a);
    double al = a - ah;
    double cb = SPLITTER * b;
    double bh = cb - (cb - b);
    double bl = b - bh;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  }

  /**
   * 2 atanh(s) = ln(m / c) with s = (m - c) / (m + c), in double-double, summing {@code terms}
   * terms of 2 (s + s^3/3 + s^5/5 + ...). m - c is exact (Sterbenz: c/2 &lt;= m &lt;= 2c).
   */
  private static double[] atanhSeries(double m, double c, int terms) {
    double num = m - c;
    if (num == 0) {
      return new double[] {0.0, 0.0};
    }
    double[] den = twoSum(m, c);
    double[] s = divide(num, den[0], den[1]);
    double[] t = mul(s[0], s[1], s[0], s[1]);
    double pHi = INV_HI[terms - 1];
    double pLo = INV_LO[terms - 1];
    for (int n = terms - 2; n >= 0; n--) {
      double[] q = mul(pHi, pLo, t[0], t[1]);
      double[] r = add(q[0], q[1], INV_HI[n], INV_LO[n]);
      pHi = r[0];
      pLo = r[1];
    }
    return mul(pHi, pLo, 2 * s[0], 2 * s[1]);
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
