package io.firstspike.bench;

import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.NetworkPass;
import io.firstspike.core.layer.NeuronPassKind;
import io.firstspike.core.layer.NoiseSource;
import io.firstspike.core.layer.Parameter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The DelGrad benchmark's check, so that a fast wrong answer cannot pass: the trained network's
 * outputs of every layer for some samples must equal, bit for bit, those of the same parameters
 * computed by the reference pass ({@link NeuronPassKind#REFERENCE}), and some label neurons must
 * spike.
 */
final class DelgradCheck {
  private DelgradCheck() {}

  /**
   * @throws IllegalStateException if a bit differs or no label neuron spikes
   */
  static String verify(LayerNetwork trained, double[][] inputs, int samples) {
    Map<String, double[]> params = new HashMap<>();
    for (Parameter p : trained.parameters()) {
      params.put(p.name(), p.values().clone());
    }
    LayerNetwork reference = LayerNetwork.withParameters(trained.nInputs(),
        DelgradH30Ws.layers(), trained.roundingPrecision(), params, NeuronPassKind.REFERENCE);
    double[][] x = Arrays.copyOf(inputs, samples);
    NetworkPass fast = trained.forward(x, NoiseSource.ZERO);
    NetworkPass slow = reference.forward(x, NoiseSource.ZERO);
    long values = 0;
    for (int l = 0; l < trained.layers().size(); l++) {
      double[] a = fast.output(l).values();
      double[] b = slow.output(l).values();
      for (int k = 0; k < b.length; k++) {
        if (Double.doubleToLongBits(a[k]) != Double.doubleToLongBits(b[k])) {
          throw new IllegalStateException("check failed: layer " + l + " output " + k + " is "
              + a[k] + ", the reference pass gives " + b[k]);
        }
      }
      values += b.length;
    }
    long spikes = Arrays.stream(slow.labelTimes()).flatMapToDouble(Arrays::stream)
        .filter(Double::isFinite).count();
    if (spikes == 0) {
      throw new IllegalStateException("check failed: no label neuron spikes for " + samples
          + " samples");
    }
    return samples + " samples: all " + values + " layer outputs bit-identical to the reference"
        + " pass (" + spikes + " label spikes)";
  }
}
