package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.neuron.EqualTime;
import io.firstspike.core.neuron.NeuronParams;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exact backward pass after the Euler forward pass ({@code use_forward_integrator},
 * TTFS-MODEL.md section 6): a simulated spike whose causal set has no closed-form crossing (the
 * step overshot a peak just below threshold, so Lambert W's argument is below -1/e) gets no
 * gradient and passes no error down, and is counted; every other spike gets its finite gradient.
 * The causal sets and their crossing are recomputed here from the inputs, independently of the
 * kernel's sorted order and cache.
 */
class EulerBackwardTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double SIM_TIME = 4.0;
  private static final double STEP = 0.01;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"column walk, 20, 40, 60, 0.1, 0.25, 7", "row walk, 300, 120, 6, 0.012, 0.06, 35"})
  @DisplayName("Euler spikes without a closed-form crossing are skipped, all others kept")
  void skipsExactlyTheSpikesWithoutCrossing(String name, int nIn, int nOut, int batch,
      double mean, double sd, long seed, TestReporter reporter) {
    NeuronParams p = RandomLayer.ET;
    RandomLayer layer = RandomLayer.of(p, nIn, nOut, batch, mean, sd, 2.0, 0.1, seed);
    double[] w = layer.weights();
    OneLayer kernel = new OneLayer(p);
    assertThat(OneLayer.rowMajor(nIn, nOut)).isEqualTo(name.startsWith("row"));
    LayerCache cache = new LayerCache(batch, nIn, nOut, p.variant());
    int skipped = 0;
    int kept = 0;
    int borderline = 0;
    for (int s = 0; s < batch; s++) {
      double[] in = layer.inputs()[s];
      double[] out = new double[nOut];
      kernel.forwardEuler(in, w, out, cache, s, 0, SIM_TIME, STEP);
      for (int j = 0; j < nOut; j++) {
        if (out[j] == INF) {
          continue;
        }
        double z = lambertArgument(in, w, nOut, j, out[j], p.c());
        if (Math.abs(z + 1 / Math.E) < 1e-9) {
          borderline++; // rounding of the sums' order could decide either way
          continue;
        }
        boolean crossing = z > -1 / Math.E;
        double[] delta = new double[nOut];
        delta[j] = 0.5;
        double[] grad = new double[w.length];
        double[] deltaIn = new double[nIn];
        long before = kernel.integratorSkips();
        kernel.backward(in, w, out, delta, cache, s, 0, INF, grad, deltaIn);
        long counted = kernel.integratorSkips() - before;
        String what = "sample " + s + ", neuron " + j + ", T " + out[j] + ", z " + z;
        int nonZero = 0;
        for (double g : grad) {
          assertThat(Double.isFinite(g)).as(what).isTrue();
          nonZero += g != 0 ? 1 : 0;
        }
        for (double d : deltaIn) {
          assertThat(Double.isFinite(d)).as(what).isTrue();
          nonZero += d != 0 ? 1 : 0;
        }
        if (crossing) {
          kept++;
          assertThat(counted).as("kept: " + what).isZero();
          assertThat(nonZero).as("gradient of " + what).isPositive();
        } else {
          skipped++;
          assertThat(counted).as("skipped: " + what).isEqualTo(1);
          assertThat(nonZero).as("no gradient, no error for " + what).isZero();
        }
      }
    }
    reporter.publishEntry(name, "kept " + kept + ", skipped " + skipped + ", borderline "
        + borderline);
    assertThat(skipped).as("spikes without a crossing occur (kept " + kept + ")").isPositive();
    assertThat(kept).as("spikes with a crossing occur").isGreaterThan(skipped);
  }

  /** z of neuron j's causal set (inputs up to T), summed in input order; tau_s = 1 here. */
  private static double lambertArgument(double[] in, double[] w, int nOut, int j, double t,
      double c) {
    double a = 0;
    double b = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i] <= t) {
        double e = Math.exp(in[i]);
        a += w[i * nOut + j] * e;
        b += w[i * nOut + j] * in[i] * e;
      }
    }
    return EqualTime.lambertArgument(a, b, c);
  }
}
