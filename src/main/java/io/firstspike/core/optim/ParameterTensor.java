package io.firstspike.core.optim;

/**
 * A named tensor of trainable values, flattened row-major, that an optimizer updates in place.
 * The array is the live one (not copied): the layer that owns it sees every update.
 *
 * @param name unique within an optimizer; the original's state-dict key, e.g. {@code
 *     layers.1.weights} or {@code layers.0._delay_parameters}
 * @param values the live values
 */
public record ParameterTensor(String name, double[] values) {
  public ParameterTensor {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("parameter tensor: the name is missing");
    }
    if (values == null) {
      throw new IllegalArgumentException("parameter tensor " + name + ": the values are missing");
    }
  }

  public int size() {
    return values.length;
  }
}
