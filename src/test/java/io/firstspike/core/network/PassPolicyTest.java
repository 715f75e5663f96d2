package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.layer.EpsRule;
import io.firstspike.core.network.NetworkEngine.EngineOptions;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.testsupport.GoldenAssert;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which pass {@link PassPolicy} chooses for the paper's layers, and that the choice is free. */
class PassPolicyTest {
  static final NeuronParams ET = RandomLayer.ET;
  static final NeuronParams DT = RandomLayer.DT;

  static String fastest(NeuronParams p, int nIn, int nOut, boolean first) {
    LayerComputation computation = LayerComputation.release2021(p, nIn, nOut);
    return PassPolicy.FASTEST.forward(computation).name() + "/"
        + PassPolicy.FASTEST.backward(computation, first).name();
  }

  @Test
  @DisplayName("FASTEST takes the measured passes for the 2021 networks' layers")
  void fastestForThePapersLayers() {
    // Yin-Yang 4 + 1 bias -> 120 + 1 bias -> 3
    assertThat(fastest(ET, 5, 120, true)).isEqualTo("blocked/columns");
    assertThat(fastest(ET, 121, 3, false)).isEqualTo("narrow/columns");
    // 16x16 MNIST 256 + 1 -> 128 + 1 -> 10: the first layer is just wide enough for rows
    assertThat(fastest(ET, 257, 128, true)).isEqualTo("blocked/deferred-rows");
    assertThat(fastest(ET, 257, 128, false)).isEqualTo("blocked/rows");
    assertThat(fastest(ET, 129, 10, false)).isEqualTo("blocked/columns");
    // full MNIST 784 + 1 -> 350 + 1 -> 10
    assertThat(fastest(ET, 785, 350, true)).isEqualTo("blocked/deferred-rows");
    assertThat(fastest(ET, 351, 10, false)).isEqualTo("blocked/columns");
    // tiny layers get no row copies, hence no blocks; dt has neither blocks nor narrow walks
    assertThat(fastest(ET, 5, 12, true)).isEqualTo("prefix/columns");
    assertThat(fastest(DT, 5, 3, true)).isEqualTo("prefix/columns");
    assertThat(fastest(DT, 785, 350, true)).isEqualTo("prefix/deferred-rows");
    assertThat(PassPolicy.FASTEST.preparesRows(LayerComputation.release2021(ET, 5, 12))).isFalse();
    assertThat(PassPolicy.FASTEST.preparesRows(LayerComputation.release2021(ET, 5, 13))).isTrue();
  }

  @Test
  @DisplayName("Euler specs get the Euler pass; DelGrad specs, which no pass takes yet, the reference")
  void eulerAndFallback() {
    LayerComputation computation = LayerComputation.release2021(ET, 785, 350);
    LayerComputation.EulerGrid grid = new LayerComputation.EulerGrid(3.0, 0.01);
    LayerPass.Forward euler = PassPolicy.FASTEST.forward(computation.withEuler(grid));
    assertThat(euler.name()).isEqualTo("euler");
    assertThat(euler.supports(computation.withEuler(grid))).isTrue();
    assertThat(euler.supports(computation.withEuler(new LayerComputation.EulerGrid(3.0, 0.001)))).isFalse();
    LayerComputation delgrad = new LayerComputation(Variant.ET, 785, 350, EpsRule.DELGRAD, false, true, null);
    assertThat(PassPolicy.FASTEST.forward(delgrad).name()).isEqualTo("reference");
    assertThat(PassPolicy.FASTEST.backward(delgrad, true).name()).isEqualTo("reference");
    for (LayerPass p : LayerPasses.forward()) {
      assertThat(p.supports(delgrad)).as(p.name() + " on a noisy threshold").isFalse();
    }
    for (LayerPass p : LayerPasses.backward()) {
      assertThat(p.supports(delgrad)).as(p.name() + " on a noisy threshold").isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  @DisplayName("an engine on the REFERENCE policy gives FASTEST's times and gradients (1e-9)")
  void referenceEngineAgrees(Variant v, TestReporter reporter) {
    NeuronParams p = v == Variant.ET ? ET : DT;
    Random rnd = new Random(3);
    int[] sizes = {40, 6};
    double[][] w = {new double[41 * 40], new double[41 * 6]};
    for (double[] layer : w) {
      for (int i = 0; i < layer.length; i++) {
        layer[i] = (0.5 + rnd.nextGaussian()) * 3.0 / Math.sqrt(41);
      }
    }
    Network net = new Network(p, 40, sizes, new int[] {1, 1}, new double[][] {{0.9}, {0.9}}, w);
    double[][] in = new double[20][40];
    double[][] delta = new double[20][6];
    for (int s = 0; s < in.length; s++) {
      for (int i = 0; i < 40; i++) {
        in[s][i] = rnd.nextDouble() < 0.3 ? 1.6 : 2.0 * rnd.nextDouble();
      }
      for (int j = 0; j < 6; j++) {
        delta[s][j] = rnd.nextGaussian();
      }
    }
    GoldenAssert err = new GoldenAssert(v + " REFERENCE vs FASTEST");
    double[][][] times = new double[2][][];
    double[][][] grads = new double[2][][];
    for (PassPolicy policy : PassPolicy.values()) {
      try (NetworkEngine e = new NetworkEngine(net, new EngineOptions(0.2, false, 3.0, 0.01, 0.0,
          policy), 2)) {
        assertThat(e.passNames(0)).startsWith(policy == PassPolicy.REFERENCE ? "reference/"
            : v == Variant.ET ? "blocked/" : "prefix/");
        ForwardResult r = e.forward(in);
        times[policy.ordinal()] = r.times(0);
        grads[policy.ordinal()] = e.backward(r, delta);
      }
    }
    err.check("hidden times", times[0], times[1]);
    err.check("gradients", grads[0], grads[1]);
    assertThat(err.compared()).isEqualTo(20 * 40 + 41 * 40 + 41 * 6);
    reporter.publishEntry("policies", err.summary());
  }
}
