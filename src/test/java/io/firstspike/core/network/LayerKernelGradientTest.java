package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every analytic derivative of a layer against central finite differences of its forward pass. */
class LayerKernelGradientTest {
  /** Step of the central differences (truncation ~h^2 T''', rounding ~1e-16 / h). */
  static final double H = 1e-6;
  /** et agreement required: |fd - analytic| <= tol * max(1, |analytic|) (observed ~1.5e-9). */
  static final double TOL_ET = 1e-8;
  /**
   * dt agreement: the original's backward adds EPS = 1e-6 to a2, its forward does not, so the
   * analytic dt derivatives differ from the forward's true ones by O(EPS / S) (observed 3e-6;
   * 7e-10 when that EPS is removed, which confirms the cause).
   */
  static final double TOL_DT = 2e-5;
  /** Inputs closer than this to an output time may change the causal set under the step. */
  static final double BOUNDARY_GAP = 1e-3;
  /** Skip derivatives of near-threshold neurons (1 + W near 0), where FD cannot be accurate. */
  static final double MAX_DERIVATIVE = 1e3;

  static Stream<Arguments> layers() {
    return Stream.of(
        Arguments.of("et", RandomLayer.of(RandomLayer.ET, 12, 6, 10, 0.5, 0.6, 2.0, 0.1, 11)),
        Arguments.of("et tau 1.7", RandomLayer.of(NeuronParams.equalTime(0.8, -0.2, 0.7, 1.7), 12,
            6, 10, 0.4, 0.5, 3.0, 0.1, 12)),
        Arguments.of("dt", RandomLayer.of(RandomLayer.DT, 12, 6, 10, 0.8, 0.8, 2.0, 0.1, 13)),
        Arguments.of("dt tau 0.6", RandomLayer.of(new NeuronParams(0.5, 0.1, 0.9, 0.6, 1.2), 12, 6,
            10, 1.2, 0.8, 1.5, 0.1, 14)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  @DisplayName("dT/dw and dT/dt agree with central finite differences")
  void finiteDifferences(String name, RandomLayer layer, TestReporter reporter) {
    OneLayer kernel = new OneLayer(layer.params());
    int nIn = layer.nIn();
    int nOut = layer.nOut();
    int batch = layer.inputs().length;
    LayerCache cache = new LayerCache(batch, nIn, nOut, layer.params().variant());
    double tol = layer.params().variant() == Variant.ET ? TOL_ET : TOL_DT;
    double worst = 0;
    int checked = 0;
    for (int s = 0; s < batch; s++) {
      double[] in = layer.inputs()[s];
      double[] out = new double[nOut];
      kernel.forward(in, layer.weights(), out, cache, s, 0);
      for (int j = 0; j < nOut; j++) {
        if (!Double.isFinite(out[j]) || nearBoundary(in, out[j])) {
          continue;
        }
        double[] unit = new double[nOut];
        unit[j] = 1.0;
        double[] grad = new double[nIn * nOut];
        double[] dIn = new double[nIn];
        kernel.backward(in, layer.weights(), out, unit, cache, s, 0, Double.POSITIVE_INFINITY,
            grad, dIn);
        for (int i = 0; i < nIn; i++) {
          double[] w = layer.weights().clone();
          w[i * nOut + j] += H;
          double plus = timeOf(kernel, in, w, nOut, j);
          w[i * nOut + j] -= 2 * H;
          double minus = timeOf(kernel, in, w, nOut, j);
          worst = Math.max(worst, compare("dT" + j + "/dw" + i, grad[i * nOut + j], plus, minus, tol));
          if (Double.isFinite(in[i])) {
            double[] t = in.clone();
            t[i] += H;
            double tp = timeOf(kernel, t, layer.weights(), nOut, j);
            t[i] -= 2 * H;
            double tm = timeOf(kernel, t, layer.weights(), nOut, j);
            worst = Math.max(worst, compare("dT" + j + "/dt" + i, dIn[i], tp, tm, tol));
          } else {
            assertThat(dIn[i]).as("silent input %d gets no error", i).isZero();
          }
          checked++;
        }
      }
    }
    assertThat(checked).as("derivatives checked").isGreaterThan(100);
    reporter.publishEntry(name + ": worst scaled FD deviation", Double.toString(worst));
  }

  private static double compare(String what, double analytic, double plus, double minus,
      double tol) {
    if (Math.abs(analytic) > MAX_DERIVATIVE) {
      return 0;
    }
    assertThat(plus).as(what + " step +h keeps a spike").isFinite();
    assertThat(minus).as(what + " step -h keeps a spike").isFinite();
    double fd = (plus - minus) / (2 * H);
    double dev = Math.abs(fd - analytic) / Math.max(1.0, Math.abs(analytic));
    assertThat(dev).as(what + ": analytic " + analytic + ", fd " + fd).isLessThanOrEqualTo(tol);
    return dev;
  }

  private static boolean nearBoundary(double[] in, double t) {
    for (double ti : in) {
      if (Math.abs(ti - t) < BOUNDARY_GAP) {
        return true;
      }
    }
    return false;
  }

  private static double timeOf(OneLayer kernel, double[] in, double[] w, int nOut, int j) {
    double[] out = new double[nOut];
    kernel.forward(in, w, out, null, 0, 0);
    return out[j];
  }
}
