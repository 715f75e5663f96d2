package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.neuron.NeuronParams;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;

/**
 * The column-sum shortcut for a large final group of equal input times (full MNIST: every
 * background pixel at 2.0) must give the same spike times as adding the group input by input,
 * up to rounding, and the same silent neurons.
 */
class LayerKernelTieGroupTest {
  /** The shortcut sums in another order: a few ulps, amplified a little by the closed form. */
  private static final double REL_TOL = 1e-12;

  private static final int SAMPLES = 40;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"et", "dt"})
  @DisplayName("a background group of 80% of the inputs: shortcut equals input-by-input sums")
  void shortcutMatchesSequentialSums(String variant) {
    NeuronParams p = variant.equals("et") ? RandomLayer.ET : RandomLayer.DT;
    int nIn = 200;
    int nOut = 60;
    Random rnd = new Random(77);
    double[] w = new double[nIn * nOut];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.03 + 0.3 * rnd.nextGaussian();
    }
    double[] columnSums = new double[nOut];
    for (int i = 0; i < nIn; i++) {
      for (int j = 0; j < nOut; j++) {
        columnSums[j] += w[i * nOut + j];
      }
    }
    double[][] rows = new double[nIn][nOut];
    double[] rowMaxPos = new double[nIn];
    for (int i = 0; i < nIn; i++) {
      for (int j = 0; j < nOut; j++) {
        rows[i][j] = w[i * nOut + j];
        rowMaxPos[i] = Math.max(rowMaxPos[i], rows[i][j]);
      }
    }
    OneLayer kernel = new OneLayer(p);
    int finiteBefore = 0;
    int spikes = 0;
    for (int s = 0; s < SAMPLES; s++) {
      double[] in = new double[nIn];
      for (int i = 0; i < nIn; i++) {
        double u = rnd.nextDouble();
        // 78% background at 2.0, 2% silent, the rest spread over [0.15, 2.0)
        in[i] = u < 0.78 ? 2.0 : u < 0.80 ? Double.POSITIVE_INFINITY : 0.15 + 1.85 * rnd.nextDouble();
      }
      double[] plain = new double[nOut];
      double[] shortcut = new double[nOut];
      kernel.forward(in.clone(), w, plain, null, 0, 0);
      kernel.forward(in.clone(), w, columnSums, shortcut, null, 0, 0);
      // the engine's path: row arrays (blocks, and the group's row sums read from them)
      double[] withRows = new double[nOut];
      kernel.forward(in.clone(), w, columnSums, rows, rowMaxPos, withRows, null, 0, 0);
      assertThat(withRows).as("sample %d: with row arrays, the shortcut's bits", s)
          .containsExactly(shortcut);
      for (int j = 0; j < nOut; j++) {
        if (plain[j] == Double.POSITIVE_INFINITY) {
          assertThat(shortcut[j]).as("sample %d neuron %d", s, j).isEqualTo(plain[j]);
        } else {
          spikes++;
          if (plain[j] >= 2.0) {
            finiteBefore++;
          }
          assertThat(shortcut[j]).as("sample %d neuron %d", s, j)
              .isCloseTo(plain[j], org.assertj.core.api.Assertions.within(
                  REL_TOL * Math.max(1.0, Math.abs(plain[j]))));
        }
      }
    }
    // the case is only meaningful if neurons fire after the group (the shortcut's sums are used)
    assertThat(finiteBefore).as("spikes at or after the background time").isGreaterThan(20);
    assertThat(spikes).isGreaterThan(finiteBefore);
  }
}
