package io.firstspike.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Parameter groups, {@link GroupedAdam} and {@link GroupedSgd} (DELGRAD-MODEL.md section 6). */
class GroupedOptimizerTest {
  /** Hand-computed values: a few roundings of numbers of order 1. */
  private static final double HAND = 1e-15;

  private static ParameterGroup group(String name, double lr, ParameterTensor... tensors) {
    return new ParameterGroup(name, List.of(tensors), lr);
  }

  private static Map<String, double[]> grads(Object... nameThenValues) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (int i = 0; i < nameThenValues.length; i += 2) {
      out.put((String) nameThenValues[i], (double[]) nameThenValues[i + 1]);
    }
    return out;
  }

  @Test
  @DisplayName("Adam's first step moves each weight by lr * g / (|g| + eps); groups keep their own lr")
  void adamFirstStepByHand() {
    double[] w = {1.0, -2.0};
    double[] d = {0.5};
    GroupedAdam adam = new GroupedAdam(List.of(
        group("layers.0", 0.003, new ParameterTensor("layers.0._delay_parameters", d)),
        group("layers.1", 0.1, new ParameterTensor("layers.1.weights", w)),
        group("layers.2", 0.05)));
    adam.step(grads("layers.0._delay_parameters", new double[] {-4.0},
        "layers.1.weights", new double[] {0.5, 2.0}));
    // m_hat = g, v_hat = g^2 after one step, so w -= lr * g / (|g| + eps).
    assertThat(w[0]).isCloseTo(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), within(HAND));
    assertThat(w[1]).isCloseTo(-2.0 - 0.1 * 2.0 / (2.0 + 1e-8), within(HAND));
    assertThat(d[0]).isCloseTo(0.5 + 0.003 * 4.0 / (4.0 + 1e-8), within(HAND));
    assertThat(adam.stepsOf(0)).isEqualTo(1);
    assertThat(adam.groupCount()).isEqualTo(3);
  }

  @Test
  @DisplayName("Adam over several steps with changing rates agrees with the textbook update")
  void adamAgainstTextbook() {
    Random rnd = new Random(6);
    double[] w = {0.3, -0.7, 1.1};
    double[] ref = w.clone();
    double[] m = new double[3];
    double[] v = new double[3];
    GroupedAdam adam = new GroupedAdam(List.of(group("g", 0.01, new ParameterTensor("w", w))));
    for (int t = 1; t <= 40; t++) {
      double lr = t <= 20 ? 0.01 : 0.002;
      adam.setLearningRate(0, lr);
      double[] g = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
      adam.step(grads("w", g));
      for (int i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        double mHat = m[i] / (1 - Math.pow(0.9, t));
        double vHat = v[i] / (1 - Math.pow(0.999, t));
        ref[i] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
      }
    }
    for (int i = 0; i < 3; i++) {
      assertThat(w[i]).isCloseTo(ref[i], within(1e-12));
    }
  }

  @Test
  @DisplayName("one group of GroupedAdam gives the 2021 Adam's bits, step for step")
  void sameBitsAsSingleRateAdam() {
    Random rnd = new Random(7);
    double[] a = {0.1, 0.2, -0.3, 0.4};
    double[] b = {1.5, -0.5};
    double[][] legacy = {a.clone(), b.clone()};
    GroupedAdam grouped = new GroupedAdam(List.of(
        group("layers.0", 0.005, new ParameterTensor("layers.0.weights", a)),
        group("layers.1", 0.005, new ParameterTensor("layers.1.weights", b))));
    Adam adam = new Adam(0.005);
    for (int t = 0; t < 25; t++) {
      double[] ga = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
      double[] gb = {rnd.nextGaussian(), rnd.nextGaussian()};
      grouped.step(grads("layers.0.weights", ga, "layers.1.weights", gb));
      adam.step(legacy, new double[][] {ga, gb});
    }
    assertThat(a).containsExactly(legacy[0]);
    assertThat(b).containsExactly(legacy[1]);
  }

  @Test
  @DisplayName("SGD with momentum by hand: buf = g on the first step, then momentum buf + g")
  void sgdMomentumByHand() {
    double[] w = {1.0};
    double[] u = {2.0};
    GroupedSgd sgd = new GroupedSgd(List.of(
        group("a", 0.1, new ParameterTensor("w", w)), group("b", 0.01, new ParameterTensor("u", u))),
        0.9);
    sgd.step(grads("w", new double[] {0.5}, "u", new double[] {1.0}));
    assertThat(w[0]).isCloseTo(0.95, within(HAND));
    assertThat(u[0]).isCloseTo(1.99, within(HAND));
    sgd.step(grads("w", new double[] {-0.2}, "u", new double[] {1.0}));
    // buf = 0.9 * 0.5 - 0.2 = 0.25; w = 0.95 - 0.1 * 0.25
    assertThat(w[0]).isCloseTo(0.925, within(HAND));
    // buf = 0.9 + 1 = 1.9; u = 1.99 - 0.019
    assertThat(u[0]).isCloseTo(1.971, within(HAND));
    assertThat(sgd.state().tensors().get(0).buffers().get(0)).containsExactly(new double[] {0.25},
        within(HAND));
    // Without momentum: plain steps and no buffer.
    double[] p = {1.0};
    GroupedSgd plain = new GroupedSgd(List.of(group("a", 0.5, new ParameterTensor("p", p))), 0.0);
    plain.step(grads("p", new double[] {0.2}));
    plain.step(grads("p", new double[] {0.2}));
    assertThat(p[0]).isCloseTo(0.8, within(HAND));
    assertThat(plain.state().tensors().get(0).buffers()).isEmpty();
  }

  @Test
  @DisplayName("a parallel range runner gives the serial bits (large tensors are cut into parts)")
  void parallelSameBits() throws Exception {
    Random rnd = new Random(8);
    int n = GroupedOptimizer.PARALLEL_FROM + 123;
    double[] serialW = new double[n];
    double[] small = {0.5, 0.25, -1};
    for (int i = 0; i < n; i++) {
      serialW[i] = rnd.nextGaussian();
    }
    double[] parallelW = serialW.clone();
    double[] parallelSmall = small.clone();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
      RangeRunner threads = (parts, part) -> {
        List<Future<?>> fs = new ArrayList<>();
        for (int p = parts - 1; p >= 0; p--) { // reverse order, on other threads
          int q = p;
          fs.add(pool.submit(() -> {
            seen.add(q);
            part.accept(q);
          }));
        }
        for (Future<?> f : fs) {
          try {
            f.get();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      };
      for (boolean adam : new boolean[] {true, false}) {
        double[] sw = serialW.clone();
        double[] ss = small.clone();
        double[] pw = parallelW.clone();
        double[] ps = parallelSmall.clone();
        GroupedOptimizer serial = make(adam, sw, ss, RangeRunner.SERIAL);
        GroupedOptimizer parallel = make(adam, pw, ps, threads);
        for (int t = 0; t < 3; t++) {
          double[] g = new double[n];
          for (int i = 0; i < n; i++) {
            g[i] = rnd.nextGaussian();
          }
          double[] gs = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
          serial.step(grads("big", g, "small", gs));
          parallel.step(grads("big", g, "small", gs));
        }
        assertThat(pw).containsExactly(sw);
        assertThat(ps).containsExactly(ss);
      }
      assertThat(seen).hasSize(2 * 3 * GroupedOptimizer.PARTS);
    } finally {
      pool.shutdownNow();
    }
  }

  private static GroupedOptimizer make(boolean adam, double[] big, double[] small, RangeRunner r) {
    List<ParameterGroup> groups = List.of(
        group("g0", 0.01, new ParameterTensor("big", big)),
        group("g1", 0.03, new ParameterTensor("small", small)));
    return adam ? new GroupedAdam(groups, r) : new GroupedSgd(groups, 0.9, r);
  }

  @Test
  @DisplayName("a restored state continues bit for bit; states never alias live buffers")
  void stateRoundTrip() {
    for (boolean adam : new boolean[] {true, false}) {
      Random rnd = new Random(9);
      double[] w = {0.1, 0.2, 0.3};
      double[] d = {0.4};
      GroupedOptimizer a = make2(adam, w, d);
      for (int t = 0; t < 3; t++) {
        a.step(grads("w", gauss(rnd, 3), "d", gauss(rnd, 1)));
      }
      a.setLearningRate(1, 0.0125);
      GroupedOptimizerState saved = a.state();
      double[] w2 = w.clone();
      double[] d2 = d.clone();
      GroupedOptimizer b = make2(adam, w2, d2);
      b.restore(saved);
      saved.tensors().get(0).buffers().get(0)[0] = 1e9; // changes a copy only
      assertThat(saved.tensors().get(0).buffers().get(0)[0]).isNotEqualTo(1e9);
      assertThat(b.learningRate(1)).isEqualTo(0.0125);
      for (int t = 0; t < 4; t++) {
        Map<String, double[]> g = grads("w", gauss(rnd, 3), "d", gauss(rnd, 1));
        a.step(g);
        b.step(g);
      }
      assertThat(w2).containsExactly(w);
      assertThat(d2).containsExactly(d);
      assertThat(b.stepsOf(0)).isEqualTo(7);
    }
  }

  private static GroupedOptimizer make2(boolean adam, double[] w, double[] d) {
    List<ParameterGroup> groups = List.of(
        group("layers.0", 0.01, new ParameterTensor("w", w)),
        group("layers.1", 0.02, new ParameterTensor("d", d)));
    return adam ? new GroupedAdam(groups) : new GroupedSgd(groups, 0.5);
  }

  private static double[] gauss(Random rnd, int n) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = rnd.nextGaussian();
    }
    return g;
  }

  @Test
  @DisplayName("StepLR, MultiStepLR and ExponentialLR act on every group; ExponentialLR really decays")
  void schedulersOnGroups() {
    GroupedSgd sgd = new GroupedSgd(List.of(group("a", 0.1), group("b", 0.03)), 0.0);
    MultiStepLR multi = new MultiStepLR(sgd, new int[] {2, 4}, 0.5);
    multi.step();
    assertThat(sgd.learningRate(0)).isEqualTo(0.1);
    multi.step();
    assertThat(sgd.learningRate(0)).isEqualTo(0.1 * 0.5);
    assertThat(sgd.learningRate(1)).isEqualTo(0.03 * 0.5);
    GroupedAdam adam = new GroupedAdam(List.of(group("a", 0.2), group("b", 0.01)));
    ExponentialLR exp = new ExponentialLR(adam, 0.9);
    double a = 0.2;
    double b = 0.01;
    for (int e = 1; e <= 5; e++) {
      exp.step();
      a *= 0.9;
      b *= 0.9;
      assertThat(adam.learningRate(0)).isEqualTo(a);
      assertThat(adam.learningRate(1)).isEqualTo(b);
    }
    assertThat(adam.learningRate(0)).isCloseTo(0.2 * Math.pow(0.9, 5), within(1e-16));
  }

  @Test
  @DisplayName("a group's lr is the layer's learning_rate, else the global one")
  void groupLearningRate() {
    assertThat(ParameterGroup.ofLayer("layers.0", List.of(), 0.003, 0.005).learningRate())
        .isEqualTo(0.003);
    assertThat(ParameterGroup.ofLayer("layers.1", List.of(), null, 0.005).learningRate())
        .isEqualTo(0.005);
    assertThatThrownBy(() -> ParameterGroup.ofLayer("layers.2", List.of(), -1.0, 0.005))
        .hasMessageContaining("layers.2").hasMessageContaining("learning_rate");
  }

  @Test
  @DisplayName("gradients must match the tensors by name and length; names are unique")
  void errors() {
    double[] w = {1, 2};
    GroupedAdam adam = new GroupedAdam(List.of(group("g", 0.1, new ParameterTensor("layers.1.weights", w))));
    assertThatThrownBy(() -> adam.step(grads()))
        .hasMessageContaining("no gradient for layers.1.weights");
    assertThatThrownBy(() -> adam.step(grads("layers.1.weights", new double[3])))
        .hasMessageContaining("3 entries, the tensor has 2");
    assertThatThrownBy(() -> adam.step(grads("layers.1.weights", new double[2], "x", new double[1])))
        .hasMessageContaining("[x]");
    assertThatThrownBy(() -> new GroupedSgd(List.of(group("g", 0.1, new ParameterTensor("a", w)),
        group("h", 0.1, new ParameterTensor("a", w))), 0.0))
        .hasMessageContaining("a is listed twice");
    assertThatThrownBy(() -> adam.setLearningRate(0, Double.NaN)).hasMessageContaining("learning_rate");
    GroupedSgd sgd = new GroupedSgd(List.of(group("g", 0.1, new ParameterTensor("layers.1.weights", w))), 0.9);
    assertThatThrownBy(() -> adam.restore(sgd.state())).hasMessageContaining("type 'sgd'");
    assertThat(w).containsExactly(1, 2); // nothing was applied by the failed steps
  }
}
