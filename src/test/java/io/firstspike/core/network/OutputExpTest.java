package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.neuron.NeuronParams;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The exp factors an et layer writes for the layer above (exp(T / tau_s) = -a W / c, see
 * {@link ClosedFormForward}) and the reading of given input factors.
 */
class OutputExpTest {

  private static final NeuronParams[] PARAMS = {RandomLayer.ET,
      NeuronParams.equalTime(0.8, -0.2, 0.7, 1.7), NeuronParams.equalTime(1.3, 0.1, 0.5, 0.5)};

  @Test
  @DisplayName("every spike's factor is exp(T / tau_s) to a few ulps; silent neurons get +Infinity")
  void factorsAreExpOfTheTimes(TestReporter report) {
    double worst = 0;
    int spikes = 0;
    for (int pi = 0; pi < PARAMS.length; pi++) {
      NeuronParams p = PARAMS[pi];
      // blocked (wide), per prefix and narrow paths: 40 inputs x 60, 12 x 30 and 40 x 3
      int[][] shapes = {{40, 60}, {12, 30}, {40, 3}};
      for (int[] shape : shapes) {
        RandomLayer layer = RandomLayer.of(p, shape[0], shape[1], 20, 0.15, 0.5, 2.0, 0.1,
            7 + pi * 10 + shape[1]);
        double[][] rows = new double[shape[0]][];
        double[] rowMax = new double[shape[0]];
        for (int i = 0; i < shape[0]; i++) {
          rows[i] = java.util.Arrays.copyOfRange(layer.weights(), i * shape[1],
              (i + 1) * shape[1]);
          for (double w : rows[i]) {
            rowMax[i] = Math.max(rowMax[i], w);
          }
        }
        OneLayer k = new OneLayer(p);
        for (int s = 0; s < 20; s++) {
          double[] out = new double[shape[1]];
          double[] exps = new double[shape[1] + 2]; // longer than the layer: the rest untouched
          exps[shape[1]] = 42.0;
          exps[shape[1] + 1] = -1.0;
          k.forward(layer.inputs()[s], layer.weights(), null, rows, rowMax, out, null, s, 0,
              null, exps);
          for (int j = 0; j < shape[1]; j++) {
            if (out[j] == Double.POSITIVE_INFINITY) {
              assertThat(exps[j]).isEqualTo(Double.POSITIVE_INFINITY);
            } else {
              double expected = Math.exp(out[j] / p.tauSyn());
              double rel = Math.abs(exps[j] - expected) / expected;
              worst = Math.max(worst, rel);
              spikes++;
            }
          }
          assertThat(exps[shape[1]]).isEqualTo(42.0);
          assertThat(exps[shape[1] + 1]).isEqualTo(-1.0);
        }
      }
    }
    report.publishEntry("spikes " + spikes + ", worst relative difference to Math.exp "
        + worst);
    assertThat(spikes).isGreaterThan(1000);
    assertThat(worst).isLessThan(2e-15);
  }

  @Test
  @DisplayName("given input factors equal to Math.exp give the same bits as computing them")
  void givenFactorsAreRead() {
    NeuronParams p = PARAMS[1];
    RandomLayer layer = RandomLayer.of(p, 30, 3, 10, 0.2, 0.6, 2.0, 0.15, 3);
    OneLayer k = new OneLayer(p);
    for (int s = 0; s < 10; s++) {
      double[] in = layer.inputs()[s];
      double[] e = new double[in.length];
      for (int i = 0; i < in.length; i++) {
        e[i] = Math.exp(in[i] / p.tauSyn());
      }
      double[] plain = new double[3];
      double[] given = new double[3];
      k.forward(in, layer.weights(), plain, null, 0, 0);
      k.forward(in, layer.weights(), null, null, null, given, null, 0, 0, e, null);
      assertThat(given).containsExactly(plain);
      // a wrong factor is used, not recomputed
      e[argmin(in)] *= 1.5;
      double[] wrong = new double[3];
      k.forward(in, layer.weights(), null, null, null, wrong, null, 0, 0, e, null);
      assertThat(wrong).isNotEqualTo(plain);
    }
  }

  @Test
  @DisplayName("dt has no Lambert W, so asking it for output factors is an error")
  void dtRefuses() {
    RandomLayer layer = RandomLayer.of(RandomLayer.DT, 5, 4, 1, 0.5, 0.5, 2.0, 0.0, 1);
    assertThatThrownBy(() -> new OneLayer(RandomLayer.DT).forward(layer.inputs()[0],
        layer.weights(), null, null, null, new double[4], null, 0, 2, null, new double[4]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 2")
        .hasMessageContaining("et");
  }

  private static int argmin(double[] v) {
    int m = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] < v[m]) {
        m = i;
      }
    }
    return m;
  }
}
