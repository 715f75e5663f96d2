package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.layer.ReferenceNeuronPass.Gradients;
import io.firstspike.core.network.LayerBatch;
import io.firstspike.core.network.LayerCache;
import io.firstspike.core.network.LayerPass;
import io.firstspike.core.network.LayerScratch;
import io.firstspike.core.network.LayerComputation;
import io.firstspike.core.network.PassPolicy;
import io.firstspike.core.network.PreparedWeights;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.testsupport.GoldenAssert;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A quick cross-check of the engine's fast layer passes ({@link PassPolicy#FASTEST}, 2021 model) against the reference
 * pass with {@link EpsRule#RELEASE_2021} on random layers: narrow and wide, silent inputs, ties
 * (a share of inputs at one common time, like the MNIST background), clipping. Same tolerance
 * as the golden files, through the public API only. The full contract test over every
 * registered pass is {@code io.firstspike.core.network.LayerPassContractTest}.
 */
class ReferenceVsLayerKernelTest {

  static Stream<Arguments> layers() {
    NeuronParams et = NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0);
    NeuronParams dt = new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0);
    NeuronParams et2 = NeuronParams.equalTime(0.8, -0.1, 0.9, 1.7);
    NeuronParams dt05 = new NeuronParams(0.5, 0.0, 1.0, 0.5, 1.0);
    return Stream.of(
        Arguments.of("et 5x4", et, 5, 4, 0.0, 0.2, 1),
        Arguments.of("et 40x30 ties", et, 40, 30, 0.3, 0.2, 2),
        Arguments.of("et 120x10 ties clipped", et, 120, 10, 0.5, 0.2, 3),
        Arguments.of("et tau 1.7 25x12", et2, 25, 12, 0.1, 0.2, 4),
        Arguments.of("dt 5x4", dt, 5, 4, 0.0, 0.2, 5),
        Arguments.of("dt 40x30 ties clipped", dt, 40, 30, 0.3, 0.2, 6),
        Arguments.of("dt tau 0.5 60x8", dt05, 60, 8, 0.2, 0.2, 7));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  @DisplayName("the fast 2021 kernel and the reference pass agree on times and gradients")
  void agree(String name, NeuronParams params, int n, int m, double ties, double clip, long seed,
      TestReporter reporter) {
    Random rnd = new Random(seed);
    int batch = 12;
    double scale = 3.0 / Math.sqrt(n);
    double[] w = new double[n * m];
    for (int k = 0; k < w.length; k++) {
      w[k] = scale * (1.2 / Math.sqrt(n) + rnd.nextGaussian());
    }
    double[][] in = new double[batch][n];
    double[][] delta = new double[batch][m];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < n; i++) {
        double u = rnd.nextDouble();
        in[b][i] = u < 0.1 ? Double.POSITIVE_INFINITY : u < 0.1 + ties ? 1.5 : 2 * rnd.nextDouble();
      }
      for (int j = 0; j < m; j++) {
        delta[b][j] = rnd.nextGaussian();
      }
    }
    double maxDwNorm = name.contains("clipped") ? clip : ReferenceNeuronPass.NO_CLIPPING;

    LayerComputation computation = LayerComputation.release2021(params, n, m);
    LayerPass.Forward forward = PassPolicy.FASTEST.forward(computation);
    LayerPass.Backward backward = PassPolicy.FASTEST.backward(computation, false);
    LayerScratch scratch = new LayerScratch(params);
    LayerCache cache = new LayerCache(batch, n, m, params.variant());
    double[][] out = new double[batch][m];
    double[] grad = new double[n * m];
    double[][] dIn = new double[batch][n];
    LayerBatch layer = new LayerBatch(0, w,
        PreparedWeights.of(w, n, m, PassPolicy.FASTEST.preparesRows(computation)), in, out, cache, null,
        null, maxDwNorm);
    for (int b = 0; b < batch; b++) {
      forward.forward(layer, b, scratch);
    }
    for (int b = 0; b < batch; b++) {
      backward.backward(layer, b, delta[b], grad, dIn[b], scratch);
    }

    ReferenceNeuronPass ref = ReferenceNeuronPass.release2021(params);
    assertThat(ref.variant()).isEqualTo(params.variant() == Variant.ET ? Variant.ET : Variant.DT);
    BatchTensor x = BatchTensor.perInput(in);
    BatchTensor t = ref.forward(x, w, m);
    Gradients g = ref.backward(x, w, m, t, BatchTensor.perInput(delta), maxDwNorm);

    GoldenAssert err = new GoldenAssert(name);
    err.check("output times", t.toMatrix(), out);
    err.check("weight gradient", g.weights(), grad);
    err.check("input time gradient", g.inputTimes().toMatrix(), dIn);
    int spikes = 0;
    for (double[] row : out) {
      for (double v : row) {
        spikes += Double.isFinite(v) ? 1 : 0;
      }
    }
    assertThat(spikes).as("spikes").isBetween(batch * m / 10, batch * m - 1);
    reporter.publishEntry(name, err.summary() + ", " + spikes + " spikes of " + batch * m);
  }
}
