package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.bench.DelgradH30Ws;
import io.firstspike.core.layer.DelgradTrainingStep.Result;
import io.firstspike.core.network.ParallelRanges;
import io.firstspike.core.optim.GroupedAdam;
import io.firstspike.core.optim.RangeRunner;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link PassBuffers}: reused tensors change no bit of a pass, a pass whose tensors were reused
 * refuses to be read, and nothing of them reaches a result.
 */
class PassBuffersTest {
  /** Batch sizes in the order used: growing, shrinking, repeating (kept arrays per size). */
  static final int[] SIZES = {7, 16, 3, 16, 9, 7, 1, 16};

  static double[][] gradient(int batch, int k, long seed) {
    Random rnd = new Random(seed);
    double[][] d = new double[batch][k];
    for (double[] row : d) {
      for (int j = 0; j < k; j++) {
        row[j] = rnd.nextGaussian();
      }
    }
    return d;
  }

  static double[][] inputs(int batch, long seed) {
    Random rnd = new Random(seed);
    double[][] x = new double[batch][4];
    for (double[] row : x) {
      for (int i = 0; i < 4; i++) {
        row[i] = rnd.nextInt(9) == 0 ? Double.POSITIVE_INFINITY : 0.15 + 1.85 * rnd.nextDouble();
      }
    }
    return x;
  }

  @Test
  @DisplayName("forward and backward passes with reused buffers give the bits of fresh ones,"
      + " batch after batch of changing sizes, on one and on two threads")
  void reuseChangesNoBit() {
    int compared = 0;
    try (ParallelRanges two = new ParallelRanges(2)) {
      for (RangeRunner threads : new RangeRunner[] {RangeRunner.SERIAL, two}) {
        // every layer type and all noise (et), and DelGrad's Yin-Yang network (dt)
        for (LayerNetwork net : new LayerNetwork[] {LayerNetworkNoiseAndThreadsTest.network(),
            DelgradH30Ws.untrained(3)}) {
          PassBuffers buffers = new PassBuffers();
          SeededNoise reusedNoise = new SeededNoise(5);
          SeededNoise freshNoise = new SeededNoise(5);
          for (int s = 0; s < SIZES.length; s++) {
            double[][] x = inputs(SIZES[s], s);
            double[][] delta = gradient(SIZES[s], net.nOutputs(), s);
            NetworkPass reused = net.forward(x, reusedNoise, threads, buffers);
            NetworkPass fresh = net.forward(x, freshNoise, threads);
            for (int l = 0; l < net.layers().size(); l++) {
              assertThat(reused.output(l).values()).as("batch %d layer %d", s, l)
                  .containsExactly(fresh.output(l).values());
              compared++;
            }
            NetworkGradients gr = net.backward(reused, delta, threads);
            NetworkGradients gf = net.backward(fresh, delta, threads);
            assertThat(gr.inputTimes()).isDeepEqualTo(gf.inputTimes());
            assertThat(gr.parameters().keySet()).isEqualTo(gf.parameters().keySet());
            for (Map.Entry<String, double[]> e : gf.parameters().entrySet()) {
              assertThat(gr.get(e.getKey())).as("batch %d %s", s, e.getKey())
                  .containsExactly(e.getValue());
              compared++;
            }
          }
        }
      }
    }
    // 2 runners x 8 batches x (8 outputs + 6 gradients, 4 outputs + 4 gradients)
    assertThat(compared).isEqualTo(2 * SIZES.length * (14 + 8));
  }

  @Test
  @DisplayName("a pass whose tensors a later forward pass reused refuses to be read or"
      + " backpropagated; a fresh pass stays valid")
  void stalePassRefuses() {
    LayerNetwork net = DelgradH30Ws.untrained(3);
    PassBuffers buffers = new PassBuffers();
    NetworkPass first = net.forward(inputs(5, 1), NoiseSource.ZERO, RangeRunner.SERIAL, buffers);
    NetworkPass own = net.forward(inputs(5, 1), NoiseSource.ZERO);
    double[][] times = first.labelTimes();
    NetworkPass second = net.forward(inputs(5, 2), NoiseSource.ZERO, RangeRunner.SERIAL,
        buffers);
    assertThatThrownBy(first::labelTimes).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reused by a later forward pass");
    assertThatThrownBy(() -> first.output(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> net.backward(first, gradient(5, 3, 1)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(second.labelTimes()).isNotEqualTo(times);
    assertThat(own.labelTimes()).isDeepEqualTo(times);
    assertThat(net.backward(own, gradient(5, 3, 1)).inputTimes()).hasDimensions(5, 4);
  }

  @Test
  @DisplayName("a training step's results keep their numbers through the step's later batches")
  void resultsHoldNoBuffers() {
    LayerNetwork net = DelgradH30Ws.untrained(3);
    DelgradTrainingStep step = new DelgradTrainingStep(net, DelgradH30Ws.stepSettings(),
        new GroupedAdam(net.parameterGroups(DelgradH30Ws.layerLearningRates(),
            DelgradH30Ws.LEARNING_RATE)), DelgradH30Ws.bumper());
    int[] labels = new int[12];
    for (int b = 0; b < labels.length; b++) {
      labels[b] = b % 3;
    }
    Result r = step.train(inputs(12, 1), labels, NoiseSource.ZERO, RangeRunner.SERIAL);
    double[][][] times = new double[r.layerTimes().length][][];
    for (int l = 0; l < times.length; l++) {
      times[l] = r.layerTimes()[l] == null ? null : deepCopy(r.layerTimes()[l]);
    }
    double[][] inputGradient = deepCopy(r.gradients().inputTimes());
    double[] weightGradient = r.gradients().get("layers.3.weights").clone();
    DelgradTrainingStep.Evaluation e = step.evaluate(inputs(12, 1), labels, NoiseSource.ZERO,
        RangeRunner.SERIAL);
    double[][] evaluated = deepCopy(e.labelTimes());
    Result next = step.train(inputs(12, 2), labels, NoiseSource.ZERO, RangeRunner.SERIAL);
    step.evaluate(inputs(12, 3), labels, NoiseSource.ZERO, RangeRunner.SERIAL);
    assertThat(next.labelTimes()).isNotEqualTo(times[3]);
    assertThat(r.layerTimes()).isDeepEqualTo(times);
    assertThat(r.gradients().inputTimes()).isDeepEqualTo(inputGradient);
    assertThat(r.gradients().get("layers.3.weights")).containsExactly(weightGradient);
    assertThat(e.labelTimes()).isDeepEqualTo(evaluated);
  }

  private static double[][] deepCopy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int b = 0; b < m.length; b++) {
      c[b] = m[b].clone();
    }
    return c;
  }
}
