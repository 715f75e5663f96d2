package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.network.GoldenFixture.LayerCase;
import io.firstspike.testsupport.GoldenAssert;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code layer_cases} entry of the golden fixture (values from the original) through the
 * fast layer passes ({@link PassPolicy#FASTEST}), with {@link GoldenAssert}'s tolerance.
 */
class GoldenLayerTest {
  static Stream<LayerCase> cases() {
    return GoldenFixture.layerCases().stream();
  }

  @Test
  @DisplayName("the fixture holds et and dt cases with and without clipping")
  void fixtureCoversVariants() {
    List<LayerCase> all = GoldenFixture.layerCases();
    assertThat(all).hasSize(6);
    assertThat(all).anyMatch(c -> c.params().tauMem() == 2 * c.params().tauSyn());
    assertThat(all).anyMatch(c -> c.maxDwNorm() != null);
    assertThat(all).anyMatch(c -> c.maxDwNorm() == null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @DisplayName("forward times, weight gradients and input-time gradients match the original")
  void matchesOriginal(LayerCase lc, TestReporter reporter) {
    int batch = lc.inputTimes().length;
    OneLayer kernel = new OneLayer(lc.params());
    LayerCache cache = new LayerCache(batch, lc.nIn(), lc.nOut(), lc.params().variant());
    double clip = lc.maxDwNorm() == null ? Double.POSITIVE_INFINITY : lc.maxDwNorm();
    double[][] out = new double[batch][lc.nOut()];
    double[] grad = new double[lc.nIn() * lc.nOut()];
    double[][] dIn = new double[batch][lc.nIn()];
    for (int s = 0; s < batch; s++) {
      kernel.forward(lc.inputTimes()[s], lc.weights(), out[s], cache, s, 0);
    }
    for (int s = 0; s < batch; s++) {
      kernel.backward(lc.inputTimes()[s], lc.weights(), out[s], lc.upstreamError()[s], cache, s, 0,
          clip, grad, dIn[s]);
    }
    GoldenAssert err = new GoldenAssert(lc.name());
    err.check("output_times", out, lc.outputTimes());
    err.check("input_time_gradient", dIn, lc.inputTimeGradient());
    err.check("weight_gradient", grad, lc.weightGradient());
    assertThat(err.compared()).isEqualTo(batch * (lc.nOut() + lc.nIn()) + lc.nIn() * lc.nOut());
    reporter.publishEntry("golden", err.summary());
  }
}
