package io.firstspike.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Compares computed values with golden values from the original program ({@code ttfs-golden.json},
 * {@code delgrad-golden.json}), with the tolerance of the issues: relative error at most
 * {@value #REL_TOL}, or an absolute error at most {@value #ABS_FLOOR} (only for values at or near
 * zero, where a relative error means nothing). Infinity must appear exactly where the golden
 * value has it (same sign). A NaN fails: a NaN is a bug, never a result; the one exception is a
 * fixture entry that is itself NaN where the caller allows it ({@code
 * loss_cases[].grad_label_times_raw}), which then must be NaN here too.
 *
 * <p>One instance collects a section (for example all output times of a fixture): it counts the
 * compared values and the bit-identical ones, and remembers the largest relative error among
 * those beyond the absolute floor (and where it was) and over all finite values, so a test can
 * assert that nothing escaped the comparison and report how close it came ({@link #summary},
 * {@link #report}).
 */
public final class GoldenAssert {
  /** Sums in another order and another Lambert W implementation: ~1e-13 relative at worst. */
  public static final double REL_TOL = 1e-9;

  /** Values this close agree whatever their relative error (rounding near zero). */
  public static final double ABS_FLOOR = 1e-15;

  /** System property naming a file that {@link #report} appends its summary to. */
  public static final String REPORT_PROPERTY = "firstspike.goldenReport";

  private final String section;
  private long compared;
  private long identical;
  private double maxRelative;
  private double maxRelativeAll;
  private double maxAbsolute;
  private String worst = "none";

  public GoldenAssert(String section) {
    this.section = section;
  }

  /** Compares one value; fails naming the section, {@code what} and both values. */
  public void check(String what, double actual, double expected) {
    check(what, actual, expected, false);
  }

  /**
   * Compares one value.
   *
   * @param nanAllowed the fixture may hold NaN here; then the value must be NaN too
   */
  public void check(String what, double actual, double expected, boolean nanAllowed) {
    compared++;
    if (Double.doubleToLongBits(actual) == Double.doubleToLongBits(expected)) {
      identical++;
    }
    if (Double.isNaN(expected)) {
      if (!nanAllowed) {
        fail(section + " " + what + ": the fixture has NaN where no NaN is allowed (actual "
            + actual + ")");
      }
      if (!Double.isNaN(actual)) {
        fail(section + " " + what + ": expected NaN, got " + actual);
      }
      return;
    }
    if (Double.isNaN(actual)) {
      fail(section + " " + what + ": got NaN, expected " + expected);
    }
    if (Double.isInfinite(actual) || Double.isInfinite(expected)) {
      if (actual != expected) {
        fail(section + " " + what + ": " + actual + ", expected " + expected);
      }
      return;
    }
    double diff = Math.abs(actual - expected);
    maxAbsolute = Math.max(maxAbsolute, diff);
    if (expected != 0) {
      maxRelativeAll = Math.max(maxRelativeAll, diff / Math.abs(expected));
    }
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
    check(what, actual, expected, false);
  }

  public void check(String what, double[] actual, double[] expected, boolean nanAllowed) {
    if (actual.length != expected.length) {
      fail(section + " " + what + ": length " + actual.length + ", expected " + expected.length);
    }
    for (int i = 0; i < expected.length; i++) {
      check(what + "[" + i + "]", actual[i], expected[i], nanAllowed);
    }
  }

  /** Compares matrices of the same shape. */
  public void check(String what, double[][] actual, double[][] expected) {
    check(what, actual, expected, false);
  }

  public void check(String what, double[][] actual, double[][] expected, boolean nanAllowed) {
    if (actual.length != expected.length) {
      fail(section + " " + what + ": " + actual.length + " rows, expected " + expected.length);
    }
    for (int r = 0; r < expected.length; r++) {
      check(what + "[" + r + "]", actual[r], expected[r], nanAllowed);
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

  /** Values that had exactly the golden bits. */
  public long identical() {
    return identical;
  }

  /** The largest relative error of a value beyond the absolute floor (0 if none). */
  public double maxRelative() {
    return maxRelative;
  }

  /** The largest relative error of any finite value with a nonzero golden value. */
  public double maxRelativeAll() {
    return maxRelativeAll;
  }

  /** The largest absolute error of a finite value. */
  public double maxAbsolute() {
    return maxAbsolute;
  }

  /**
   * "section: n values (k bit-identical), largest relative error e (at what), over all values
   * e', largest absolute error a"; "none" when every value was within the absolute floor.
   */
  public String summary() {
    return String.format(Locale.ROOT, "%s: %d values (%d bit-identical), largest relative error"
        + " %.3g (%s), over all values %.3g, largest absolute error %.3g", section, compared,
        identical, maxRelative, worst, maxRelativeAll, maxAbsolute);
  }

  /**
   * Appends {@link #summary} to the file named by the system property {@value #REPORT_PROPERTY},
   * if set (for measuring the parity figures; tests never print).
   */
  public void report() {
    String file = System.getProperty(REPORT_PROPERTY);
    if (file == null || file.isBlank()) {
      return;
    }
    try {
      Files.writeString(Path.of(file), summary() + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append the golden report to " + file, e);
    }
  }
}
