package io.firstspike.core.optim;

import java.util.List;

/**
 * Weight clipping of new-schema configs (DELGRAD-MODEL.md section 7.3): after every batch, bumped
 * or not (section 7.1 step 5), and never at initialisation, each NeuronLayer's weights are clamped
 * to [-c, c] with that layer's bound c.
 *
 * <p>Which bound a layer gets:
 *
 * <ul>
 *   <li>clipping is on when {@code training_params.clip_weights_max} is truthy (true, or a
 *       number other than 0) or any NeuronLayer's {@code neuron_params} has {@code
 *       clip_weights_max}; in the latter case a falsy global value becomes {@code true};
 *   <li>per NeuronLayer the bound is its own {@code clip_weights_max}, else the global value;
 *   <li>a boolean bound (true or false) means "do not clip this layer"; a number is the bound,
 *       also 0 (a layer's own 0 clamps its weights to 0, as the original does).
 * </ul>
 *
 * Delays are never clipped here (they are rectified by their Delay layer).
 */
public final class WeightClipping {
  private WeightClipping() {}

  /** A {@code clip_weights_max} entry as the config gives it. */
  public sealed interface Setting {
    /** The key is absent (or null). */
    record Absent() implements Setting {}

    /** {@code true} or {@code false}. */
    record Flag(boolean value) implements Setting {}

    /**
     * A number.
     *
     * @param value >= 0 (+Infinity allowed: no effect)
     */
    record Bound(double value) implements Setting {
      public Bound {
        if (!(value >= 0)) {
          throw new IllegalArgumentException(
              "clip_weights_max must be a number >= 0 or a boolean, got " + value);
        }
      }
    }

    Setting ABSENT = new Absent();
  }

  /**
   * The resolved clipping of a network.
   *
   * @param enabled whether clipping is on at all
   * @param bounds per NeuronLayer in layer order, the bound c, or +Infinity for "do not clip"
   */
  public record Plan(boolean enabled, double[] bounds) {
    public Plan {
      bounds = bounds.clone();
    }

    @Override
    public double[] bounds() {
      return bounds.clone();
    }

    /** Clamps the weights of NeuronLayer {@code neuronLayer} (its position among them) in place. */
    public void apply(int neuronLayer, double[] weights) {
      if (enabled && bounds[neuronLayer] != Double.POSITIVE_INFINITY) {
        clamp(weights, bounds[neuronLayer]);
      }
    }
  }

  /**
   * Resolves the bounds.
   *
   * @param global {@code training_params.clip_weights_max}
   * @param perNeuronLayer each NeuronLayer's {@code neuron_params.clip_weights_max}, in layer order
   */
  public static Plan resolve(Setting global, List<Setting> perNeuronLayer) {
    boolean anyOwn = perNeuronLayer.stream().anyMatch(s -> !(s instanceof Setting.Absent));
    Setting effectiveGlobal = global;
    if (!truthy(global) && anyOwn) {
      effectiveGlobal = new Setting.Flag(true);
    }
    boolean enabled = truthy(effectiveGlobal);
    double[] bounds = new double[perNeuronLayer.size()];
    for (int l = 0; l < bounds.length; l++) {
      Setting s = perNeuronLayer.get(l);
      Setting used = s instanceof Setting.Absent ? effectiveGlobal : s;
      bounds[l] = used instanceof Setting.Bound b ? b.value() : Double.POSITIVE_INFINITY;
    }
    return new Plan(enabled, bounds);
  }

  /** Python's truth value of a config entry: absent, false and 0 are false. */
  static boolean truthy(Setting s) {
    if (s instanceof Setting.Flag f) {
      return f.value();
    }
    if (s instanceof Setting.Bound b) {
      return b.value() != 0;
    }
    return false;
  }

  /**
   * w := min(max(w, -c), c) element-wise, in place (torch's clamp; NaN stays NaN).
   *
   * @param bound c >= 0
   */
  public static void clamp(double[] w, double bound) {
    if (!(bound >= 0)) {
      throw new IllegalArgumentException("weight clipping: the bound must be >= 0, got " + bound);
    }
    for (int i = 0; i < w.length; i++) {
      double x = w[i];
      if (x > bound) {
        w[i] = bound;
      } else if (x < -bound) {
        w[i] = -bound;
      }
    }
  }
}
