package io.firstspike.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SgdTest {

  @Test
  @DisplayName("without momentum every step is w - lr g")
  void plain() {
    Random rnd = new Random(8);
    double[][] w = AdamTest.randomLike(rnd, 6, 3);
    double[][] expected = OptimizerState.copy(w);
    Sgd sgd = new Sgd(0.05);
    for (int t = 0; t < 4; t++) {
      double[][] g = AdamTest.randomLike(rnd, 6, 3);
      sgd.step(w, g);
      for (int l = 0; l < w.length; l++) {
        for (int i = 0; i < w[l].length; i++) {
          expected[l][i] = expected[l][i] - 0.05 * g[l][i];
        }
      }
    }
    for (int l = 0; l < w.length; l++) {
      assertThat(w[l]).containsExactly(expected[l]);
    }
    assertThat(sgd.state().buffers()).isEmpty();
  }

  @Test
  @DisplayName("with momentum the buffer starts as g and then is momentum * buf + g")
  void momentum() {
    Random rnd = new Random(9);
    double mu = 0.9;
    double lr = 0.1;
    double[][] w = AdamTest.randomLike(rnd, 4);
    double[] expected = w[0].clone();
    double[] buf = null;
    Sgd sgd = new Sgd(lr, mu);
    for (int t = 0; t < 5; t++) {
      double[][] g = AdamTest.randomLike(rnd, 4);
      sgd.step(w, g);
      if (buf == null) {
        buf = g[0].clone();
      } else {
        for (int i = 0; i < 4; i++) {
          buf[i] = mu * buf[i] + g[0][i];
        }
      }
      for (int i = 0; i < 4; i++) {
        expected[i] -= lr * buf[i];
      }
    }
    assertThat(w[0]).containsExactly(expected);
  }

  @Test
  @DisplayName("a restored SGD with momentum continues bit for bit")
  void restore() {
    Random rnd = new Random(10);
    double[][] w = AdamTest.randomLike(rnd, 3, 2);
    Sgd a = new Sgd(0.07, 0.5);
    a.step(w, AdamTest.randomLike(rnd, 3, 2));
    a.step(w, AdamTest.randomLike(rnd, 3, 2));
    OptimizerState saved = a.state();
    double[][] wCopy = OptimizerState.copy(w);
    List<double[][]> grads = List.of(AdamTest.randomLike(rnd, 3, 2), AdamTest.randomLike(rnd, 3, 2));
    grads.forEach(g -> a.step(w, g));
    Sgd b = new Sgd(1.0, 0.5);
    b.restore(saved);
    grads.forEach(g -> b.step(wCopy, g));
    for (int l = 0; l < w.length; l++) {
      assertThat(wCopy[l]).containsExactly(w[l]);
    }
    assertThat(b.state().step()).isEqualTo(4);
  }
}
