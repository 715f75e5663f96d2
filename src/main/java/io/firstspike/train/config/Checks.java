package io.firstspike.train.config;

import java.util.List;

/** Range and consistency checks shared by the config records; each failure names key and value. */
final class Checks {
  /**
   * Most entries a Java array may have (some JVMs reserve a few header words below
   * Integer.MAX_VALUE): weights of one layer, and a batch buffer, are each one array.
   */
  static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** Values longer than this are shortened in messages, which stay one readable line. */
  static final int MAX_SHOWN_CHARS = 80;

  private Checks() {}

  static int positive(String path, int value) {
    if (value <= 0) {
      throw ConfigException.at(path, "must be a positive integer (>= 1), got " + value);
    }
    return value;
  }

  static int nonNegative(String path, int value) {
    if (value < 0) {
      throw ConfigException.at(path, "must be a non-negative integer (>= 0), got " + value);
    }
    return value;
  }

  static double finite(String path, double value) {
    if (!Double.isFinite(value)) {
      throw ConfigException.at(path, "must be a finite number, got " + value);
    }
    return value;
  }

  static double positive(String path, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw ConfigException.at(path, "must be a finite number > 0, got " + value);
    }
    return value;
  }

  static double nonNegative(String path, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw ConfigException.at(path, "must be a finite number >= 0, got " + value);
    }
    return value;
  }

  /** Closed interval [lo, hi]. */
  static double within(String path, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw ConfigException.at(path, "must lie in [" + lo + ", " + hi + "], got " + value);
    }
    return value;
  }

  static <T> T required(String path, T value) {
    if (value == null) {
      throw ConfigException.at(path, "is required but missing (null)");
    }
    return value;
  }

  /** Requires one entry per layer. */
  static void perLayer(String path, List<?> values, int nLayers) {
    required(path, values);
    if (values.size() != nLayers) {
      throw ConfigException.at(path, "needs one entry per layer, i.e. n_layers = " + nLayers
          + " entries, got " + values.size() + " " + shown(values));
    }
  }

  /** {@code values} as [a, b, ...], shortened to its start and the count when long. */
  static String shown(List<?> values) {
    String s = values.toString();
    if (s.length() <= MAX_SHOWN_CHARS) {
      return s;
    }
    int cut = s.lastIndexOf(", ", MAX_SHOWN_CHARS - 20);
    return s.substring(0, cut > 0 ? cut : MAX_SHOWN_CHARS - 20) + ", ... (" + values.size()
        + " entries)]";
  }

  /** {@code text} itself, shortened to its start and its length when long. */
  static String shown(String text) {
    return text.length() <= MAX_SHOWN_CHARS ? text
        : text.substring(0, MAX_SHOWN_CHARS - 20) + "... (" + text.length() + " characters)";
  }
}
