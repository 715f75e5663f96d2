package io.firstspike.core.layer;

import java.util.Arrays;

/**
 * A named parameter tensor of a {@link LayerNetwork}: a live row-major float64 array (an
 * optimizer updates it in place) with its shape.
 *
 * <p>Names follow HEAD's state dict: {@code layers.<i>.weights} ({@code [N][M]}) of a neuron
 * layer, {@code layers.<i>._delay_parameters} (the raw delays, shape of {@link DelayType}) of a
 * delay layer, and {@code layers.<i>.threshold_noise_fp} ({@code [M]}, never trainable: the fixed
 * pattern threshold offsets, which HEAD keeps in the layer's neuron_params).
 *
 * @param layer index of the owning layer (HEAD's parameter groups are per layer)
 * @param trainable whether the backward pass gives it a gradient
 */
public record Parameter(String name, int layer, int[] shape, double[] values, boolean trainable) {
  public Parameter {
    shape = shape.clone();
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (size != values.length) {
      throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs "
          + size + " values, got " + values.length);
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** {@code layers.<i>.weights}. */
  public static String weightsName(int layer) {
    return "layers." + layer + ".weights";
  }

  /** {@code layers.<i>._delay_parameters}. */
  public static String delaysName(int layer) {
    return "layers." + layer + "._delay_parameters";
  }

  /** {@code layers.<i>.threshold_noise_fp}. */
  public static String thresholdOffsetsName(int layer) {
    return "layers." + layer + ".threshold_noise_fp";
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape) + (trainable ? "" : " (fixed)");
  }
}
