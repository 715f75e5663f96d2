package io.firstspike.bench;

import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A deliberately slow, straightforward forward pass used to check what the benchmarks compute
 * (TTFS-MODEL.md section 2): per sample and output neuron it sorts the inputs, evaluates the
 * closed form of <em>every</em> prefix (no early exit, no screening, no cache, one neuron at a
 * time), and takes the minimum over all valid candidates. It has its own
 * Lambert W (Halley's iteration) so that an error in the fast path's W0 cannot hide here.
 *
 * <p>Cost O(N log N + N M iterations) per sample, with a W0 at every prefix: for a handful of
 * samples only.
 */
public final class ReferenceForward {
  private static final double EPS = 1e-6;

  private ReferenceForward() {}

  /** Output spike times of every layer for one sample: [layer][neuron]. */
  public static double[][] sample(Network net, double[] input) {
    double[][] out = new double[net.nLayers()][];
    double[] in = input;
    for (int l = 0; l < net.nLayers(); l++) {
      double[] bias = net.biasTimes(l);
      double[] full = Arrays.copyOf(in, in.length + bias.length);
      System.arraycopy(bias, 0, full, in.length, bias.length);
      out[l] = layer(net.params(), full, net.weights(l), net.layerSize(l));
      in = out[l];
    }
    return out;
  }

  /** One layer: times of its nOut neurons for the inputs (bias inputs included). */
  public static double[] layer(NeuronParams p, double[] in, double[] w, int nOut) {
    Integer[] idx = new Integer[in.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, Comparator.comparingDouble(i -> in[i])); // stable: ties by index
    int nFinite = 0;
    while (nFinite < idx.length && in[idx[nFinite]] < Double.POSITIVE_INFINITY) {
      nFinite++;
    }
    double c = p.c();
    boolean et = p.variant() == Variant.ET;
    double[] out = new double[nOut];
    for (int j = 0; j < nOut; j++) {
      double best = Double.POSITIVE_INFINITY;
      double s1 = 0; // et: a; dt: a1 (without EPS)
      double s2 = 0; // et: b (without EPS); dt: a2
      for (int n = 1; n <= nFinite; n++) {
        double tk = in[idx[n - 1]];
        double wk = w[idx[n - 1] * nOut + j];
        double t;
        if (et) {
          s1 += wk * Math.exp(tk / p.tauSyn());
          s2 += wk * tk * Math.exp(tk / p.tauSyn()) / p.tauSyn();
          t = equalTime(s1, s2 + EPS, c, p.tauSyn());
        } else {
          s1 += wk * Math.exp(tk / p.tauSyn());
          s2 += wk * Math.exp(tk / p.tauMem());
          t = doubleTime(s1 + EPS, s2, c, p.tauSyn());
        }
        double hi = n == nFinite ? Double.POSITIVE_INFINITY : in[idx[n]];
        if (t >= tk && t <= hi && t < best) {
          best = t;
        }
      }
      out[j] = best;
    }
    return out;
  }

  /** T = tau (b/a - W0(-(c/a) exp(b/a))), +Infinity without a real solution. */
  private static double equalTime(double a, double b, double c, double tau) {
    double z = -(c / a) * Math.exp(b / a);
    double t = tau * (b / a - lambertW0(z));
    return Double.isNaN(t) ? Double.POSITIVE_INFINITY : t;
  }

  /** T = 2 tau_s ln(2 a1 / (a2 + sqrt(a2^2 - 4 a1 c))), +Infinity without a real solution. */
  private static double doubleTime(double a1, double a2, double c, double tauSyn) {
    double disc = a2 * a2 - 4 * a1 * c;
    if (!(disc >= 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double t = 2 * tauSyn * Math.log(2 * a1 / (a2 + Math.sqrt(disc)));
    return Double.isNaN(t) ? Double.POSITIVE_INFINITY : t;
  }

  /**
   * W0(z) by Halley's iteration on w e^w - z from a crude start; NaN below -1/e. Independent of
   * the core's {@code LambertW} on purpose.
   */
  static double lambertW0(double z) {
    double branch = -1.0 / Math.E;
    if (Double.isNaN(z) || z < branch) {
      return Double.NaN;
    }
    if (z == Double.POSITIVE_INFINITY) {
      return z;
    }
    double w;
    if (z < -0.25) {
      w = -1.0 + Math.sqrt(2.0 * Math.max(0.0, Math.E * z + 1.0));
    } else if (z < 3.0) {
      w = 0.5 * Math.log1p(z) + 0.25 * z / (1 + z);
    } else {
      w = Math.log(z) - Math.log(Math.log(z));
    }
    for (int i = 0; i < 100; i++) {
      double e = Math.exp(w);
      double f = w * e - z;
      double d = e * (w + 1) - (w + 2) * f / (2 * w + 2);
      if (d == 0 || !Double.isFinite(d)) {
        break;
      }
      double next = w - f / d;
      if (Math.abs(next - w) <= 1e-15 * Math.max(1.0, Math.abs(w))) {
        return next;
      }
      w = next;
    }
    return w;
  }
}
