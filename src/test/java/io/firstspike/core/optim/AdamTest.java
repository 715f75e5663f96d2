package io.firstspike.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.testsupport.GoldenNetworkSteps;
import io.firstspike.testsupport.GoldenNetworkSteps.Step;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AdamTest {
  /** Golden: one step must match the original to 1e-12 relative. */
  private static final double GOLDEN_REL = 1e-12;
  /** Multi-step against the textbook form, which rounds differently. */
  private static final double REFERENCE_REL = 1e-12;

  /** Largest |a - b| / |b| over all entries (|b| floored at 1e-300 to avoid 0/0). */
  static double maxRelError(double[][] a, double[][] b) {
    double worst = 0;
    for (int l = 0; l < a.length; l++) {
      assertThat(a[l]).hasSameSizeAs(b[l]);
      for (int i = 0; i < a[l].length; i++) {
        worst = Math.max(worst, Math.abs(a[l][i] - b[l][i]) / Math.max(Math.abs(b[l][i]), 1e-300));
      }
    }
    return worst;
  }

  static double[][] randomLike(Random rnd, int... sizes) {
    double[][] out = new double[sizes.length][];
    for (int l = 0; l < sizes.length; l++) {
      out[l] = new double[sizes[l]];
      for (int i = 0; i < sizes[l]; i++) {
        out[l][i] = rnd.nextGaussian();
      }
    }
    return out;
  }

  @Test
  @DisplayName("one Adam step from the golden weights and gradients gives the original's weights")
  void goldenStep() {
    List<Step> steps = GoldenNetworkSteps.load();
    assertThat(steps).hasSize(2);
    for (Step s : steps) {
      double[][] w = OptimizerState.copy(s.weightsBefore());
      Adam adam = new Adam(s.learningRate());
      adam.step(w, s.weightGradients());
      assertThat(maxRelError(w, s.weightsAfterAdamStep())).as(s.lossType()).isLessThan(GOLDEN_REL);
      // The step must have moved the weights: the comparison is not trivially satisfied.
      assertThat(maxRelError(s.weightsBefore(), s.weightsAfterAdamStep())).isGreaterThan(1e-6);
    }
  }

  @Test
  @DisplayName("many steps with a changing learning rate agree with the textbook Adam update")
  void multiStepAgainstTextbook() {
    Random rnd = new Random(42);
    int[] sizes = {7, 12};
    double[][] w = randomLike(rnd, sizes);
    double[][] ref = OptimizerState.copy(w);
    double[][] m = Adam.zerosLike(w);
    double[][] v = Adam.zerosLike(w);
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    Adam adam = new Adam(0.01);
    for (int t = 1; t <= 60; t++) {
      double lr = t <= 30 ? 0.01 : 0.003;
      adam.setLearningRate(lr);
      double[][] g = randomLike(rnd, sizes);
      adam.step(w, g);
      for (int l = 0; l < sizes.length; l++) {
        for (int i = 0; i < sizes[l]; i++) {
          m[l][i] = b1 * m[l][i] + (1 - b1) * g[l][i];
          v[l][i] = b2 * v[l][i] + (1 - b2) * g[l][i] * g[l][i];
          double mHat = m[l][i] / (1 - Math.pow(b1, t));
          double vHat = v[l][i] / (1 - Math.pow(b2, t));
          ref[l][i] -= lr * mHat / (Math.sqrt(vHat) + eps);
        }
      }
    }
    assertThat(adam.steps()).isEqualTo(60);
    assertThat(maxRelError(w, ref)).isLessThan(REFERENCE_REL);
  }

  @Test
  @DisplayName("a restored Adam continues bit for bit, and its state is a copy")
  void restoreContinuesExactly() {
    Random rnd = new Random(3);
    double[][] w = randomLike(rnd, 5, 4);
    Adam a = new Adam(0.02);
    for (int t = 0; t < 7; t++) {
      a.step(w, randomLike(rnd, 5, 4));
    }
    OptimizerState saved = a.state();
    assertThat(saved.type()).isEqualTo("adam");
    assertThat(saved.step()).isEqualTo(7);
    assertThat(saved.buffers()).hasSize(2);
    double[][] wCopy = OptimizerState.copy(w);
    List<double[][]> grads = List.of(randomLike(rnd, 5, 4), randomLike(rnd, 5, 4));
    for (double[][] g : grads) {
      a.step(w, g);
    }
    Adam b = new Adam(0.5); // a different learning rate: restore must bring back 0.02
    b.restore(saved);
    assertThat(b.learningRate()).isEqualTo(0.02);
    for (double[][] g : grads) {
      b.step(wCopy, g);
    }
    for (int l = 0; l < w.length; l++) {
      assertThat(wCopy[l]).containsExactly(w[l]);
    }
    // The saved state did not follow a's later steps.
    assertThat(saved.step()).isEqualTo(7);
    assertThat(a.state().buffers().get(0)[0]).isNotEqualTo(saved.buffers().get(0)[0]);
  }

  @Test
  @DisplayName("mismatched shapes and foreign states are rejected")
  void rejectsMismatch() {
    Adam a = new Adam(0.1);
    assertThatThrownBy(() -> a.step(new double[][] {{1, 2}}, new double[][] {{1}}))
        .hasMessageContaining("layer 0 has 2 weights but 1 gradients");
    a.step(new double[][] {{1, 2}}, new double[][] {{1, 1}});
    assertThatThrownBy(() -> a.step(new double[][] {{1, 2, 3}}, new double[][] {{1, 1, 1}}))
        .hasMessageContaining("first moment of layer 0");
    assertThatThrownBy(() -> a.restore(new Sgd(0.1).state())).hasMessageContaining("'sgd'");
  }

  @Test
  @DisplayName("a step cut into parallel parts gives the same bits as the serial step")
  void parallelPartsEqualSerial() {
    Random rnd = new Random(5);
    // above PARALLEL_FROM, so the step is cut into parts; one layer shorter than the parts' count
    double[][] serialW = randomLike(rnd, 90_001, 37_003, 5);
    double[][] parallelW = OptimizerState.copy(serialW);
    Adam serial = new Adam(0.01);
    List<Integer> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    RangeRunner threads = (parts, part) -> java.util.stream.IntStream.range(0, parts).parallel()
        .map(p -> parts - 1 - p).forEach(p -> {
          seen.add(p);
          part.accept(p);
        });
    Adam parallel = new Adam(0.01, threads);
    for (int step = 0; step < 3; step++) {
      double[][] g = randomLike(rnd, 90_001, 37_003, 5);
      serial.step(serialW, g);
      parallel.step(parallelW, g);
    }
    assertThat(seen).hasSizeGreaterThan(3);
    for (int l = 0; l < serialW.length; l++) {
      assertThat(parallelW[l]).as("layer %d", l).containsExactly(serialW[l]);
    }
    assertThat(parallel.state().buffers().get(1)[0]).containsExactly(serial.state().buffers().get(1)[0]);
  }
}
