package io.firstspike.train.config;

import java.util.List;

/** Range and consistency checks shared by the config records; each failure names key and value. */
final class Checks {
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
          + " entries, got " + values.size() + " " + values);
    }
  }
}
