package io.firstspike.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;

/**
 * Compares computed values with golden values from the original program, with the tolerance of
 * the issue: relative error at most {@value #REL_TOL}, or an absolute error at most
 * {@value #ABS_FLOOR} (only for values at or near zero, where a relative error means nothing).
 * Infinity must appear exactly where the golden value has it (same sign), and a NaN on either
 * side fails: a NaN is a bug, never a result.
 *
 * <p>One instance collects a section (for example all output times of a fixture): it counts the
 * compared values and remembers the largest relative error among those beyond the absolute
 * floor, so a test can report both and assert that nothing escaped the comparison.
 */
public final class GoldenAssert {
  /** Sums in another order and another Lambert W implementation: ~1e-13 relative at worst. */
  public static final double REL_TOL = 1e-9;

  /** Values this close agree whatever their relative error (rounding near zero). */
  public static final double ABS_FLOOR = 1e-15;

  private final String section;
  private long compared;
  private double maxRelative;
  private double maxAbsolute;
  private String worst = "none";

  public GoldenAssert(String section) {
    this.section = section;
  }

  /** Compares one value; fails naming the section, {@code what} and both values. */
  public void check(String what, double actual, double expected) {
    compared++;
    if (Double.isNaN(actual) || Double.isNaN(expected)) {
      fail(section + " " + what + ": NaN (actual " + actual + ", expected " + expected + ")");
    }
    if (Double.isInfinite(actual) || Double.isInfinite(expected)) {
      if (actual != expected) {
        fail(section + " " + what + ": " + actual + ", expected " + expected);
      }
      return;
    }
    double diff = Math.abs(actual - expected);
    maxAbsolute = Math.max(maxAbsolute, diff);
    if (diff <= ABS_FLOOR) {
      return;
    }
    double rel = diff / Math.abs(expected);
    if (rel > maxRelative) {
      maxRelative = rel;
      worst = what;
    }
    if (!(rel <= REL_TOL)) {
      fail(String.format(Locale.ROOT, "%s %s: %.17g, expected %.17g (relative error %.3g > %.0g,"
          + " absolute %.3g > %.0g)", section, what, actual, expected, rel, REL_TOL, diff,
          ABS_FLOOR));
    }
  }

  /** Compares arrays of the same length, element by element. */
  public void check(String what, double[] actual, double[] expected) {
    if (actual.length != expected.length) {
      fail(section + " " + what + ": length " + actual.length + ", expected " + expected.length);
    }
    for (int i = 0; i < expected.length; i++) {
      check(what + "[" + i + "]", actual[i], expected[i]);
    }
  }

  /** Compares matrices of the same shape. */
  public void check(String what, double[][] actual, double[][] expected) {
    if (actual.length != expected.length) {
      fail(section + " " + what + ": " + actual.length + " rows, expected " + expected.length);
    }
    for (int r = 0; r < expected.length; r++) {
      check(what + "[" + r + "]", actual[r], expected[r]);
    }
  }

  /** Compares 3-D arrays of the same shape. */
  public void check(String what, double[][][] actual, double[][][] expected) {
    if (actual.length != expected.length) {
      fail(section + " " + what + ": " + actual.length + " rows, expected " + expected.length);
    }
    for (int r = 0; r < expected.length; r++) {
      check(what + "[" + r + "]", actual[r], expected[r]);
    }
  }

  /** Values compared so far (infinities and values within the floor included). */
  public long compared() {
    return compared;
  }

  /** The largest relative error of a value beyond the absolute floor (0 if none). */
  public double maxRelative() {
    return maxRelative;
  }

  /** The largest absolute error of a finite value. */
  public double maxAbsolute() {
    return maxAbsolute;
  }

  /**
   * "section: n values, largest relative error e (at what), largest absolute error a"; "none"
   * when every value was within the absolute floor.
   */
  public String summary() {
    return String.format(Locale.ROOT, "%s: %d values, largest relative error %.3g (%s), largest "
        + "absolute error %.3g", section, compared, maxRelative, worst, maxAbsolute);
  }
}
