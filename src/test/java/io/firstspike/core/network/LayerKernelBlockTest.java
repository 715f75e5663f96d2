package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The blocked et forward pass ({@link PassPolicy#BLOCK} prefixes per pass over the neurons, one
 * bound for the block) must decide exactly like evaluating every candidate: same spike times, bit
 * for bit, and the same causal sets, sums and W0 in the cache, on wide layers like 16x16 and full
 * MNIST (distinct noisy times, ties, silent inputs, neurons firing early, late and never), and
 * so must the neuron-by-neuron walk of narrow layers ({@link NarrowEt}).
 */
class LayerKernelBlockTest {
  private static final int SAMPLES = 30;

  @ParameterizedTest(name = "{0} inputs, {1} outputs, weight mean {2}, ties {3}, tau {4}, weak {5}")
  @CsvSource({
    "256, 128, 0.02, false, 1.0, 0",
    "256, 128, 0.012, true, 1.0, 0",
    "784, 100, 0.004, false, 1.0, 0",
    "784, 100, 0.004, true, 1.0, 0",
    "40, 30, 0.1, true, 1.0, 0",
    "19, 7, 0.2, false, 1.0, 0",
    "256, 64, 0.02, false, 1.5, 0",
    "256, 64, 0.03, true, 0.5, 0",
    // most neurons fire early, a few weak ones stay active for many blocks: the blocks' loop
    // over the active neurons only (fewer than 1 / BLOCK_SPARSE_BELOW active)
    "784, 200, 0.02, false, 1.0, 8",
    "784, 200, 0.02, true, 1.0, 8",
    // narrow layers (at most PassPolicy.NARROW_MAX_WIDTH neurons) take the neuron-by-neuron walk
    "121, 3, 0.02, false, 1.0, 0",
    "121, 3, 0.02, true, 1.0, 0",
    "60, 4, 0.1, true, 1.5, 0",
    "30, 1, 0.15, false, 0.5, 0",
  })
  @DisplayName("blocks of prefixes give the same times and caches as evaluating every candidate")
  void blocksEqualEveryCandidate(int nIn, int nOut, double mean, boolean ties, double tau,
      int weak) {
    NeuronParams p = NeuronParams.equalTime(1.0, 0.0, 1.0, tau);
    Random rnd = new Random(nIn * 31L + nOut + (ties ? 7 : 0));
    double[] w = new double[nIn * nOut];
    double sd = 4 * mean + 0.05;
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % nOut < weak ? 0.1 * mean : mean) + sd * rnd.nextGaussian();
    }
    double[][] rows = new double[nIn][nOut];
    double[] rowMaxPos = new double[nIn];
    for (int i = 0; i < nIn; i++) {
      for (int j = 0; j < nOut; j++) {
        rows[i][j] = w[i * nOut + j];
        rowMaxPos[i] = Math.max(rowMaxPos[i], w[i * nOut + j]);
      }
    }
    OneLayer blocked = new OneLayer(p, true);
    OneLayer every = new OneLayer(p, false);
    LayerCache cb = new LayerCache(SAMPLES, nIn, nOut, Variant.ET);
    LayerCache ce = new LayerCache(SAMPLES, nIn, nOut, Variant.ET);
    int fired = 0;
    for (int s = 0; s < SAMPLES; s++) {
      double[] in = new double[nIn];
      for (int i = 0; i < nIn; i++) {
        double u = rnd.nextDouble();
        in[i] = u < 0.03 ? Double.POSITIVE_INFINITY
            : ties && u < 0.5 ? 0.1 * Math.floor(30 * rnd.nextDouble()) // groups of equal times
            : 3.0 * rnd.nextDouble();
      }
      double[] a = new double[nOut];
      double[] b = new double[nOut];
      blocked.forward(in, w, null, rows, rowMaxPos, a, cb, s, 0);
      every.forward(in, w, b, ce, s, 0);
      assertThat(a).as("sample %d", s).containsExactly(b);
      for (int j = 0; j < nOut; j++) {
        int slot = s * nOut + j;
        // Only a fired neuron's cache is read (the backward pass skips silent ones); the
        // unscreened kernel may leave a count for a neuron whose last candidate is +Infinity.
        if (Double.isFinite(a[j])) {
          fired++;
          assertThat(cb.count[slot]).as("sample %d neuron %d: causal set", s, j)
              .isEqualTo(ce.count[slot]);
          assertThat(cb.sum1[slot]).isEqualTo(ce.sum1[slot]);
          assertThat(cb.sum2[slot]).isEqualTo(ce.sum2[slot]);
          assertThat(cb.lambert[slot]).isEqualTo(ce.lambert[slot]);
        }
      }
    }
    // Neither all silent nor all firing: the test sees both kinds of neurons (with weak ones,
    // nearly all of the others fire, by design).
    int silentAtLeast = weak > 0 ? SAMPLES : SAMPLES * nOut / 20;
    assertThat(fired).isBetween(SAMPLES * nOut / 20, SAMPLES * nOut - silentAtLeast);
  }
}
