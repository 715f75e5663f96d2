package io.firstspike.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LrSchedulerTest {
  private static final double BASE = 0.1;

  /** The learning rate after 0, 1, ..., n scheduler steps. */
  private static double[] sequence(Function<Optimizer, LrScheduler> make, int n) {
    Optimizer opt = new Sgd(BASE);
    LrScheduler s = make.apply(opt);
    double[] out = new double[n + 1];
    out[0] = opt.learningRate();
    for (int e = 1; e <= n; e++) {
      s.step();
      assertThat(s.epochsStepped()).isEqualTo(e);
      out[e] = opt.learningRate();
    }
    return out;
  }

  @Test
  @DisplayName("StepLR multiplies by gamma every step_size epochs, recursively")
  void stepLr() {
    double g = 0.5;
    assertThat(sequence(o -> new StepLR(o, 3, g), 7))
        .containsExactly(BASE, BASE, BASE, BASE * g, BASE * g, BASE * g, BASE * g * g, BASE * g * g);
  }

  @Test
  @DisplayName("MultiStepLR decays at each milestone; a repeated milestone decays by gamma^count")
  void multiStepLr() {
    double g = 0.1;
    double[] lr = sequence(o -> new MultiStepLR(o, new int[] {4, 2, 4}, g), 5);
    assertThat(lr)
        .containsExactly(BASE, BASE, BASE * g, BASE * g, BASE * g * Math.pow(g, 2),
            BASE * g * Math.pow(g, 2));
  }

  @Test
  @DisplayName("a milestone 0 applies at construction, as PyTorch's initial step")
  void milestoneZero() {
    Optimizer opt = new Sgd(BASE);
    new MultiStepLR(opt, new int[] {0}, 0.5);
    assertThat(opt.learningRate()).isEqualTo(BASE * 0.5);
  }

  @Test
  @DisplayName("ExponentialLR multiplies by gamma every epoch (the real exponential decay)")
  void exponentialLr() {
    double g = 0.9;
    double[] expected = new double[6];
    expected[0] = BASE;
    for (int e = 1; e < expected.length; e++) {
      expected[e] = expected[e - 1] * g;
    }
    assertThat(sequence(o -> new ExponentialLR(o, g), 5)).containsExactly(expected);
  }

  @Test
  @DisplayName("restore(k) gives exactly the learning rate of k steps, from any current state")
  void restoreEquivalence() {
    for (Function<Optimizer, LrScheduler> make :
        java.util.List.<Function<Optimizer, LrScheduler>>of(
            o -> new StepLR(o, 2, 0.7),
            o -> new MultiStepLR(o, new int[] {1, 3, 3, 8}, 0.3),
            o -> new ExponentialLR(o, 0.97))) {
      double[] stepped = sequence(make, 13);
      for (int k = 0; k <= 12; k++) {
        Optimizer opt = new Adam(BASE);
        LrScheduler s = make.apply(opt);
        s.step();
        s.step();
        s.step(); // arbitrary prior state, overwritten by restore
        s.restore(k);
        assertThat(s.epochsStepped()).isEqualTo(k);
        assertThat(opt.learningRate()).as("after restore(%d)", k).isEqualTo(stepped[k]);
        s.step();
        assertThat(opt.learningRate()).as("one step after restore(%d)", k).isEqualTo(stepped[k + 1]);
      }
    }
  }

  @Test
  @DisplayName("invalid settings are rejected naming the key")
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new StepLR(new Sgd(BASE), 0, 0.5)).hasMessageContaining("step_size");
    assertThatThrownBy(() -> new MultiStepLR(new Sgd(BASE), new int[] {-1}, 0.5))
        .hasMessageContaining("milestones");
    assertThatThrownBy(() -> new ExponentialLR(new Sgd(BASE), Double.NaN))
        .hasMessageContaining("gamma");
  }
}
