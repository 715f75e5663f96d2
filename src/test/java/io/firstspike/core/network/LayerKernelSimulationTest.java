package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.neuron.NeuronParams;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The closed forms against an independent fine-step simulation of the LIF ODE.
 *
 * <p>The simulation integrates C dV/dt = -g_l (V - E_l) + I, dI/dt = -I / tau_s with C =
 * tau_m g_l, each input spike adding w_i to I, by the exact exponential propagator of this linear
 * system over steps of {@value #STEP} (inputs split the step they fall in). Threshold crossings are
 * located between two steps by linear interpolation. Note the normalisation this pins: the
 * closed forms (with c = (theta - E_l) g_l) are the ODE's solution when a spike adds w to I; with
 * the current jump w / tau_s of TTFS-MODEL.md section 1's equation they agree only for tau_s = 1.
 */
class LayerKernelSimulationTest {
  static final double STEP = 1e-4;
  /** Closed form and simulation agree within one step. */
  static final double TOL = STEP;
  /** How long after the last input the simulation keeps looking for a crossing, in tau_m. */
  static final double TAIL = 15;

  static Stream<Arguments> layers() {
    return Stream.of(
        Arguments.of("et", RandomLayer.of(RandomLayer.ET, 10, 5, 8, 0.5, 0.6, 2.0, 0.1, 21)),
        Arguments.of("et tau 1.7", RandomLayer.of(NeuronParams.equalTime(0.8, -0.2, 0.7, 1.7), 10,
            5, 8, 0.4, 0.5, 3.0, 0.1, 22)),
        Arguments.of("dt", RandomLayer.of(RandomLayer.DT, 10, 5, 8, 0.8, 0.8, 2.0, 0.1, 23)),
        Arguments.of("dt tau 0.6", RandomLayer.of(new NeuronParams(0.5, 0.1, 0.9, 0.6, 1.2), 10, 5,
            8, 0.25, 0.8, 1.5, 0.1, 24)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  @DisplayName("spike times (and silence) agree with a fine-step simulation of the ODE")
  void agreesWithSimulation(String name, RandomLayer layer, TestReporter reporter) {
    int spikes = 0;
    int silent = 0;
    double worst = 0;
    for (int s = 0; s < layer.inputs().length; s++) {
      double[] out = layer.forward(s);
      for (int j = 0; j < layer.nOut(); j++) {
        double sim = simulate(layer.params(), layer.inputs()[s], layer.weights(), layer.nOut(), j);
        if (Double.isInfinite(out[j])) {
          assertThat(sim).as("sample %d neuron %d: closed form silent", s, j).isInfinite();
          silent++;
        } else {
          assertThat(sim).as("sample %d neuron %d", s, j).isCloseTo(out[j],
              org.assertj.core.data.Offset.offset(TOL));
          worst = Math.max(worst, Math.abs(sim - out[j]));
          spikes++;
        }
      }
    }
    assertThat(spikes).as("spiking neurons compared").isGreaterThan(10);
    assertThat(silent).as("silent neurons compared").isGreaterThan(0);
    reporter.publishEntry(name + ": worst |simulated - closed form|", Double.toString(worst));
  }

  /** First threshold crossing of neuron j, +Infinity if none. */
  static double simulate(NeuronParams p, double[] in, double[] w, int nOut, int j) {
    int n = in.length;
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (x, y) -> Double.compare(in[x], in[y]));
    double lastInput = Double.NEGATIVE_INFINITY;
    for (double t : in) {
      if (Double.isFinite(t)) {
        lastInput = Math.max(lastInput, t);
      }
    }
    if (lastInput == Double.NEGATIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    double end = lastInput + TAIL * p.tauMem();
    double cap = p.tauMem() * p.gLeak();
    double t = 0;
    double v = p.leak();
    double current = 0;
    int next = 0;
    while (t < end) {
      while (next < n && in[idx[next]] <= t) {
        current += w[idx[next] * nOut + j];
        next++;
      }
      double stepEnd = t + STEP;
      if (next < n && in[idx[next]] < stepEnd) {
        stepEnd = in[idx[next]];
      }
      double h = stepEnd - t;
      double v1 = propagate(p, cap, v, current, h);
      if (v1 >= p.threshold() && v < p.threshold()) {
        return t + h * (p.threshold() - v) / (v1 - v);
      }
      current *= Math.exp(-h / p.tauSyn());
      v = v1;
      t = stepEnd;
    }
    return Double.POSITIVE_INFINITY;
  }

  /** Exact solution of the linear ODE over h from (v, current). */
  static double propagate(NeuronParams p, double cap, double v, double current, double h) {
    double el = p.leak();
    double dm = Math.exp(-h / p.tauMem());
    if (p.tauMem() == p.tauSyn()) {
      return el + (v - el) * dm + current / cap * h * dm;
    }
    double k = current / (cap * (1 / p.tauMem() - 1 / p.tauSyn()));
    return el + (v - el - k) * dm + k * Math.exp(-h / p.tauSyn());
  }
}
