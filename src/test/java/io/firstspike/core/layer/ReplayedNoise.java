package io.firstspike.core.layer;

import java.util.HashMap;
import java.util.Map;

/**
 * A {@link NoiseSource} that hands out draws a fixture recorded (already multiplied by their
 * std), each (kind, layer) once per forward pass; any other draw fails the test.
 */
final class ReplayedNoise implements NoiseSource {
  private final Map<String, double[]> draws = new HashMap<>();

  ReplayedNoise put(Kind kind, int layer, double[] values) {
    draws.put(kind + "@" + layer, values.clone());
    return this;
  }

  @Override
  public void fill(Kind kind, int layer, double std, double[] out) {
    double[] v = draws.get(kind + "@" + layer);
    if (v == null) {
      throw new AssertionError("unexpected draw " + kind + " for layer " + layer);
    }
    if (v.length != out.length) {
      throw new AssertionError(kind + " of layer " + layer + ": " + out.length
          + " draws asked, " + v.length + " recorded");
    }
    System.arraycopy(v, 0, out, 0, out.length);
  }
}
