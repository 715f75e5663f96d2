package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LayerKernelEdgeCaseTest {
  static final double INF = Double.POSITIVE_INFINITY;
  /** Merged equal-time inputs differ from one input only by summation rounding. */
  static final double MERGE_TOL = 1e-12;

  static NeuronParams params(Variant v) {
    return v == Variant.ET ? RandomLayer.ET : RandomLayer.DT;
  }

  static double[] forward(NeuronParams p, double[] in, double[] w, int nOut) {
    double[] out = new double[nOut];
    new OneLayer(p).forward(in, w, out, null, 0, 0);
    return out;
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  @DisplayName("all inputs silent: no output spikes, and the backward pass gives exact zeros")
  void allSilent(Variant v) {
    NeuronParams p = params(v);
    double[] in = {INF, INF, INF};
    double[] w = {5, 5, 5, 5, 5, 5};
    OneLayer k = new OneLayer(p);
    LayerCache cache = new LayerCache(1, 3, 2, v);
    double[] out = new double[2];
    k.forward(in, w, out, cache, 0, 0);
    assertThat(out).containsOnly(INF);
    double[] grad = new double[6];
    double[] dIn = {7, 7, 7};
    k.backward(in, w, out, new double[] {1, -2}, cache, 0, 0, INF, grad, dIn);
    assertThat(grad).containsOnly(0.0);
    assertThat(dIn).containsOnly(0.0);
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  @DisplayName("negative weights only: the membrane never rises, no neuron fires")
  void negativeWeights(Variant v) {
    double[] in = {0.1, 0.5, 0.9, 1.3};
    double[] w = new double[4 * 3];
    Arrays.fill(w, -2.0);
    assertThat(forward(params(v), in, w, 3)).containsOnly(INF);
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  @DisplayName("a neuron with too little input never fires while its neighbour does")
  void neuronNeverFires(Variant v) {
    double[] in = {0.2, 0.4};
    double[] w = {5.0, 0.01, 5.0, 0.01}; // column 0 strong, column 1 weak
    double[] out = forward(params(v), in, w, 2);
    assertThat(out[0]).isFinite().isGreaterThanOrEqualTo(0.2);
    assertThat(out[1]).isInfinite();
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  @DisplayName("equal input times act as one input with the summed weight, with equal gradients")
  void equalInputTimes(Variant v) {
    NeuronParams p = params(v);
    double[] tied = {0.3, 0.3, 1.0};
    double[] wTied = {0.9, 1.4, 0.7};
    double[] merged = {0.3, 1.0};
    double[] wMerged = {2.3, 0.7};
    double[] a = forward(p, tied, wTied, 1);
    double[] b = forward(p, merged, wMerged, 1);
    assertThat(a[0]).isFinite().isCloseTo(b[0], within(MERGE_TOL));
    OneLayer k = new OneLayer(p);
    LayerCache cache = new LayerCache(1, 3, 1, v);
    double[] out = new double[1];
    k.forward(tied, wTied, out, cache, 0, 0);
    double[] grad = new double[3];
    double[] dIn = new double[3];
    k.backward(tied, wTied, out, new double[] {1}, cache, 0, 0, INF, grad, dIn);
    assertThat(grad[0]).isEqualTo(grad[1]);
    assertThat(dIn[0] / wTied[0]).isCloseTo(dIn[1] / wTied[1], within(MERGE_TOL));
  }

  @Test
  @DisplayName("single et input: fires iff w >= c e, at the crossing of w (t - t0) e^-(t - t0) = c")
  void singleInputEt() {
    NeuronParams p = RandomLayer.ET; // c = 1, tau = 1
    double t0 = 0.4;
    assertThat(forward(p, new double[] {t0}, new double[] {0.99 * Math.E}, 1)[0]).isInfinite();
    double w = 2 * Math.E;
    double t = forward(p, new double[] {t0}, new double[] {w}, 1)[0];
    double u = t - t0;
    assertThat(u).isPositive().isLessThan(1.0); // on the rising flank, before the peak at t0 + tau
    assertThat(w * u * Math.exp(-u)).isCloseTo(1.0, within(1e-5)); // EPS shifts it slightly
  }

  @Test
  @DisplayName("single dt input: fires iff w >= 4 c, where w (y - y^2) = c with y = e^-(t - t0)/2")
  void singleInputDt() {
    NeuronParams p = RandomLayer.DT; // c = 0.5, tau_s = 1, tau_m = 2
    double t0 = 0.7;
    assertThat(forward(p, new double[] {t0}, new double[] {0.99 * 2.0}, 1)[0]).isInfinite();
    double w = 3.0;
    double t = forward(p, new double[] {t0}, new double[] {w}, 1)[0];
    double y = Math.exp(-(t - t0) / 2);
    assertThat(y).isGreaterThan(0.5);
    assertThat(w * (y - y * y)).isCloseTo(0.5, within(1e-5));
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  @DisplayName("backward: NaN error counts as 0; clipping zeroes a column but not the propagated error")
  void nanErrorAndClipping(Variant v) {
    NeuronParams p = params(v);
    double[] in = {0.1, 0.3, 0.5};
    double[] w = {2.0, 2.5, 1.5, 2.0, 1.0, 2.2};
    OneLayer k = new OneLayer(p);
    LayerCache cache = new LayerCache(1, 3, 2, v);
    double[] out = new double[2];
    k.forward(in, w, out, cache, 0, 0);
    assertThat(out).doesNotContain(INF);
    double[] g = new double[6];
    double[] d = new double[3];
    k.backward(in, w, out, new double[] {Double.NaN, 1.0}, cache, 0, 0, INF, g, d);
    double[] g1 = new double[6];
    double[] d1 = new double[3];
    k.backward(in, w, out, new double[] {0.0, 1.0}, cache, 0, 0, INF, g1, d1);
    assertThat(g).containsExactly(g1);
    assertThat(d).containsExactly(d1);
    assertThat(g[0]).isZero();
    double max = Math.max(Math.abs(g[1]), Math.max(Math.abs(g[3]), Math.abs(g[5])));
    double[] gc = new double[6];
    double[] dc = new double[3];
    k.backward(in, w, out, new double[] {0.0, 1.0}, cache, 0, 0, 0.999 * max, gc, dc);
    assertThat(gc).containsOnly(0.0);
    assertThat(dc).containsExactly(d1);
    double[] gk = new double[6];
    k.backward(in, w, out, new double[] {0.0, 1.0}, cache, 0, 0, max, gk, new double[3]);
    assertThat(gk).containsExactly(g1);
  }

  @Test
  @DisplayName("a NaN or -Infinity input time is rejected with layer, sample and input named")
  void rejectsBadInput() {
    OneLayer k = new OneLayer(RandomLayer.ET);
    assertThatThrownBy(() -> k.forward(new double[] {0.1, Double.NaN}, new double[2], new double[1],
        null, 4, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer 2").hasMessageContaining("sample 4").hasMessageContaining("input 1");
    assertThatThrownBy(() -> k.forward(new double[] {Double.NEGATIVE_INFINITY}, new double[1],
        new double[1], null, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a gradient that is not finite throws an ArithmeticException naming the neuron")
  void nonFiniteGradientThrows() {
    NeuronParams p = RandomLayer.ET;
    double[] in = {0.1, 0.3};
    double[] w = {3.0, 3.0};
    OneLayer k = new OneLayer(p);
    LayerCache cache = new LayerCache(1, 2, 1, Variant.ET);
    double[] out = new double[1];
    k.forward(in, w, out, cache, 0, 3);
    assertThat(out[0]).isFinite();
    assertThatThrownBy(() -> k.backward(in, w, out, new double[] {INF}, cache, 0, 3, INF,
        new double[2], new double[2])).isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("layer 3").hasMessageContaining("neuron 0");
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  @DisplayName("the crossing screen never changes a result: bit-identical to evaluating every candidate")
  void screenChangesNothing(Variant v) {
    NeuronParams p = params(v);
    OneLayer screened = new OneLayer(p, true);
    OneLayer full = new OneLayer(p, false);
    int fired = 0;
    for (int trial = 0; trial < 40; trial++) {
      double mean = -0.2 + 0.05 * trial;
      RandomLayer layer = RandomLayer.of(p, 30, 8, 5, mean, 0.8, 2.0, 0.15, 100 + trial);
      for (double[] in : layer.inputs()) {
        double[] a = new double[8];
        double[] b = new double[8];
        screened.forward(in, layer.weights(), a, null, 0, 0);
        full.forward(in, layer.weights(), b, null, 0, 0);
        assertThat(a).containsExactly(b);
        for (double t : a) {
          fired += Double.isFinite(t) ? 1 : 0;
        }
      }
    }
    assertThat(fired).isBetween(100, 40 * 5 * 8 - 100);
  }
}
