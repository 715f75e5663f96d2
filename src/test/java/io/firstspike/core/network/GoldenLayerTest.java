package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.network.GoldenFixture.LayerCase;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every {@code layer_cases} entry of the golden fixture (values from the original). */
class GoldenLayerTest {
  /** Relative tolerance against the original (float64 sums in another order, SciPy's W0). */
  static final double REL_TOL = 1e-9;
  /** Absolute tolerance for values near zero. */
  static final double ABS_TOL = 1e-12;

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
    LayerKernel kernel = new LayerKernel(lc.params());
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
    Errors err = new Errors();
    for (int s = 0; s < batch; s++) {
      err.check("output_times[" + s + "]", out[s], lc.outputTimes()[s]);
      err.check("input_time_gradient[" + s + "]", dIn[s], lc.inputTimeGradient()[s]);
    }
    err.check("weight_gradient", grad, lc.weightGradient());
    reporter.publishEntry(lc.name() + " max relative error", Double.toString(err.maxRel));
  }

  /** Compares arrays with the named tolerances, Infinity only where expected. */
  static final class Errors {
    double maxRel;

    void check(String what, double[] actual, double[] expected) {
      assertThat(actual).as(what + " length").hasSameSizeAs(expected);
      for (int i = 0; i < expected.length; i++) {
        double a = actual[i];
        double e = expected[i];
        if (Double.isInfinite(e) || Double.isInfinite(a)) {
          assertThat(a).as(what + "[" + i + "]").isEqualTo(e);
          continue;
        }
        double diff = Math.abs(a - e);
        if (e != 0) {
          maxRel = Math.max(maxRel, diff / Math.abs(e));
        }
        if (diff > ABS_TOL) {
          assertThat(diff / Math.abs(e)).as(what + "[" + i + "]: " + a + " vs " + e)
              .isLessThanOrEqualTo(REL_TOL);
        }
      }
    }
  }
}
