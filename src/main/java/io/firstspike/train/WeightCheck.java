package io.firstspike.train;

import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.optim.RangeRunner;

/**
 * The check after every optimizer step and every weight bump that no weight became NaN, infinite
 * or runaway large: one scan for |w| <= bound, which NaN fails.
 *
 * <p>The bound is {@value #MAX_WEIGHT_SCALE} weight units, a unit being g_leak |threshold - leak|
 * (1 for the original's configs): the steady input current that holds the membrane at threshold.
 * The networks in {@code pretrained/} reach |w| <= 5.9, a 20-epoch
 * {@code configs/yin_yang_small.yaml} run 4.5; the same run with {@code learning_rate: 1e6}
 * (Adam moves every weight by about the learning rate per step) ended its 20 epochs at chance
 * with |w| up to 1.9e7 and no NaN, and issue 23 reports weights of 1e298 once weight bumping
 * doubles on top. A million units is five orders of magnitude beyond trained networks: such a
 * weight carries a neuron from rest to threshold within about a millionth of tau_syn of its
 * input's spike, so the network no longer learns, it has run away.
 */
final class WeightCheck {
  /** Weights beyond this many units of g_leak |threshold - leak| stop the run. */
  static final double MAX_WEIGHT_SCALE = 1e6;

  /** Entries from which {@link #firstOutside} scans in parallel parts. */
  static final int PARALLEL_FROM = 16_000;

  private static final int PARTS = 8;

  private WeightCheck() {}

  /** The bound on |w| for a network of these neurons: {@value #MAX_WEIGHT_SCALE} units. */
  static double bound(NeuronParams p) {
    double unit = p.gLeak() * Math.abs(p.threshold() - p.leak());
    return MAX_WEIGHT_SCALE * (unit > 0 ? unit : 1.0);
  }

  /**
   * "a weight of layer 1 became NaN", "a weight of layer 0 reached -3.1e+07, beyond the bound
   * |w| <= 1e+06 (...)", or null when every weight of {@code net} is within {@link #bound}.
   */
  static String problem(Network net, RangeRunner ranges) {
    double[][] w = new double[net.nLayers()][];
    for (int l = 0; l < w.length; l++) {
      w[l] = net.weights(l);
    }
    return problem(w, l -> "a weight of layer " + l, bound(net.params()), ranges);
  }

  /**
   * "{@code what(k)} became NaN", "{@code what(k)} reached -3.1e+07, beyond the bound |w| <= 1e+06
   * (...)" for the first array k (and the first entry in it) outside {@code bound}, or null.
   */
  static String problem(double[][] w, java.util.function.IntFunction<String> what, double bound,
      RangeRunner ranges) {
    int[] first = firstOutside(w, bound, ranges);
    if (first == null) {
      return null;
    }
    double value = w[first[0]][first[1]];
    if (!Double.isFinite(value)) {
      return what.apply(first[0]) + " became " + value;
    }
    // as many digits as it takes to tell the value from the bound (1000001.5 is not 1e+06)
    int digits = 3;
    while (digits < 17 && shown(Math.abs(value), digits).equals(shown(bound, digits))) {
      digits++;
    }
    return what.apply(first[0]) + " reached " + shown(value, digits) + ", beyond the"
        + " bound |w| <= " + shown(bound, 3) + " (" + shown(MAX_WEIGHT_SCALE, 3) + " x g_leak"
        + " |threshold - leak|; trained networks stay below 10)";
  }

  /** {@code digits} significant digits without trailing zeros: "1e+06", "-3.14e+07". */
  static String shown(double v, int digits) {
    String f = String.format(java.util.Locale.ROOT, "%." + digits + "g", v);
    int e = f.indexOf('e');
    String mantissa = e < 0 ? f : f.substring(0, e);
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return mantissa + (e < 0 ? "" : f.substring(e));
  }

  /**
   * The first entry (layer, index) that is NaN or has |w| > bound, or null; scanned in parallel
   * parts from {@value #PARALLEL_FROM} entries (full MNIST: 278,000 weights after every step).
   */
  static int[] firstOutside(double[][] layers, double bound, RangeRunner ranges) {
    long total = 0;
    for (double[] w : layers) {
      total += w.length;
    }
    int parts = total >= PARALLEL_FROM ? PARTS : 1;
    int[][] bad = new int[parts][]; // per part, its first entry outside
    ranges.run(parts, part -> {
      for (int l = 0; l < layers.length && bad[part] == null; l++) {
        double[] w = layers[l];
        int to = RangeRunner.from(w.length, part + 1, parts);
        for (int i = RangeRunner.from(w.length, part, parts); i < to; i++) {
          if (!(Math.abs(w[i]) <= bound)) {
            bad[part] = new int[] {l, i};
            break;
          }
        }
      }
    });
    int[] first = null;
    for (int[] b : bad) {
      if (b != null && (first == null || b[0] < first[0]
          || (b[0] == first[0] && b[1] < first[1]))) {
        first = b;
      }
    }
    return first;
  }
}
