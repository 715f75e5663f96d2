package io.firstspike.testsupport;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The parity rule of issue 19 for values from {@code delgrad-golden.json}: an entry passes when
 * its relative error is at most {@link #RELATIVE} or its absolute error at most {@link
 * #ABSOLUTE_FLOOR}; an infinity must match exactly (same sign); a NaN fails, except where the
 * fixture itself has NaN and the caller allows it ({@code loss_cases[].grad_label_times_raw}).
 *
 * <p>One instance per fixture section collects the count of compared entries and the largest
 * relative error, so a test can assert that something was compared and report how close it came.
 * (The other helper's {@code GoldenAssert} states the same rule; the lead merges the two.)
 */
public final class DelgradGoldenAssert {
  /** The tolerance: sums run in another order than torch's (DELGRAD-MODEL.md 15.14). */
  public static final double RELATIVE = 1e-9;
  /** Below this absolute error an entry passes whatever its relative error (values near 0). */
  public static final double ABSOLUTE_FLOOR = 1e-15;

  private final String section;
  private long count;
  private long identical;
  private double maxRelative;
  private double maxRelativeAll;

  public DelgradGoldenAssert(String section) {
    this.section = section;
  }

  /** Entries compared so far. */
  public long count() {
    return count;
  }

  /** Largest relative error over the compared finite entries (0 for exact matches). */
  public double maxRelative() {
    return maxRelative;
  }

  public String summary() {
    return section + ": " + count + " values (" + identical + " bit-identical), largest relative"
        + " error " + maxRelativeAll + " (" + maxRelative + " beyond the absolute floor)";
  }

  /**
   * Appends {@link #summary} to the file named by the system property {@code
   * firstspike.goldenReport}, if set (for measuring the parity figures; tests never print).
   */
  public void report() {
    String file = System.getProperty("firstspike.goldenReport");
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

  /** Compares one value; {@code where} names it in a failure. */
  public void check(String where, double actual, double expected, boolean nanAllowed) {
    count++;
    if (Double.doubleToLongBits(actual) == Double.doubleToLongBits(expected)) {
      identical++;
    }
    if (Double.isNaN(expected)) {
      if (!nanAllowed) {
        fail(section + " " + where + ": the fixture has NaN where no NaN is allowed");
      }
      if (!Double.isNaN(actual)) {
        fail(section + " " + where + ": expected NaN, got " + actual);
      }
      return;
    }
    if (Double.isNaN(actual)) {
      fail(section + " " + where + ": got NaN, expected " + expected);
    }
    if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
      if (actual != expected) {
        fail(section + " " + where + ": expected " + expected + ", got " + actual);
      }
      return;
    }
    double abs = Math.abs(actual - expected);
    double rel = expected == 0 ? (abs == 0 ? 0 : Double.POSITIVE_INFINITY) : abs / Math.abs(expected);
    if (expected != 0) {
      maxRelativeAll = Math.max(maxRelativeAll, rel);
    }
    if (abs > ABSOLUTE_FLOOR) {
      maxRelative = Math.max(maxRelative, rel);
      if (rel > RELATIVE) {
        fail(section + " " + where + ": expected " + expected + ", got " + actual
            + " (relative error " + rel + " > " + RELATIVE + ")");
      }
    }
  }

  public void check(String where, double actual, double expected) {
    check(where, actual, expected, false);
  }

  public void check(String where, double[] actual, double[] expected, boolean nanAllowed) {
    if (actual.length != expected.length) {
      fail(section + " " + where + ": " + actual.length + " values, expected " + expected.length);
    }
    for (int i = 0; i < actual.length; i++) {
      check(where + "[" + i + "]", actual[i], expected[i], nanAllowed);
    }
  }

  public void check(String where, double[] actual, double[] expected) {
    check(where, actual, expected, false);
  }

  public void check(String where, double[][] actual, double[][] expected, boolean nanAllowed) {
    if (actual.length != expected.length) {
      fail(section + " " + where + ": " + actual.length + " rows, expected " + expected.length);
    }
    for (int r = 0; r < actual.length; r++) {
      check(where + "[" + r + "]", actual[r], expected[r], nanAllowed);
    }
  }

  public void check(String where, double[][] actual, double[][] expected) {
    check(where, actual, expected, false);
  }
}
