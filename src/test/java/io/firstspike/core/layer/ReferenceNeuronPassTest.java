package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.layer.ReferenceNeuronPass.Gradients;
import io.firstspike.core.math.LambertW;
import io.firstspike.core.neuron.DoubleTime;
import io.firstspike.core.neuron.EqualTime;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Edge cases of the reference pass, pinned one by one (DELGRAD-MODEL.md section 15). */
class ReferenceNeuronPassTest {
  static final double INF = Double.POSITIVE_INFINITY;
  static final NeuronParams ET = NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0);
  static final NeuronParams DT = new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0);

  @Test
  @DisplayName("W0's domain is strict: z = -1/e as a double gives no crossing, just above it does")
  void lambertDomainIsStrict() {
    double c = -LambertW.BRANCH_POINT; // a = 1, b = 0: z = -c
    assertThat(EqualTime.lambertArgumentOfSums(1.0, 0.0, c)).isEqualTo(LambertW.BRANCH_POINT);
    assertThat(EqualTime.crossingTime(1.0, 0.0, c, 1.0)).isEqualTo(INF);
    assertThat(EqualTime.crossingTime(1.0, 0.0, Math.nextDown(c), 1.0)).isCloseTo(1.0,
        org.assertj.core.data.Offset.offset(1e-6));
    assertThat(EqualTime.crossingTime(1.0, 0.0, Math.nextUp(c), 1.0)).isEqualTo(INF);
    // exp overflow: z = +Infinity, W0 = +Infinity, T = -Infinity, never a valid candidate
    assertThat(EqualTime.crossingTime(1.0, 1000.0, -1.0, 1.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    // z = -Infinity and NaN: no crossing
    assertThat(EqualTime.crossingTime(1.0, 1000.0, 1.0, 1.0)).isEqualTo(INF);
    assertThat(EqualTime.crossingTime(0.0, 0.0, 0.0, 1.0)).isEqualTo(INF);
  }

  @Test
  @DisplayName("dt has no crossing for a negative discriminant or f <= 0")
  void doubleTimeDomain() {
    assertThat(DoubleTime.crossingTime(1.0, 1.0, 1.0, 1.0)).isEqualTo(INF); // D = 1 - 4 < 0
    assertThat(DoubleTime.crossingTime(-1.0, 1.0, 0.1, 1.0)).isEqualTo(INF); // f < 0
    assertThat(DoubleTime.crossingTime(1.0, 3.0, 0.5, 1.0)).isFinite();
  }

  @Test
  @DisplayName("all inputs silent: no spike and zero gradients")
  void silentInputs() {
    ReferenceNeuronPass pass = new ReferenceNeuronPass(ET, Variant.ET, EpsRule.DELGRAD);
    BatchTensor in = BatchTensor.perInput(new double[][] {{INF, INF, INF}});
    double[] w = {1, 2, 3, 4, 5, 6};
    BatchTensor out = pass.forward(in, w, 2);
    assertThat(out.values()).containsExactly(INF, INF);
    Gradients g = pass.backward(in, w, 2, out, BatchTensor.filled(1, 2, 1, 1.0),
        ReferenceNeuronPass.NO_CLIPPING);
    assertThat(g.weights()).containsOnly(0.0);
    assertThat(g.inputTimes().values()).containsOnly(0.0);
  }

  @Test
  @DisplayName("a shared input equals its per-synapse expansion; its gradient is the sum over j")
  void sharedEqualsExpanded() {
    for (Variant v : Variant.values()) {
      ReferenceNeuronPass pass = new ReferenceNeuronPass(v == Variant.ET ? ET : DT, v,
          EpsRule.DELGRAD);
      double[][] x = {{0.1, 0.5, INF, 0.3}, {0.2, 0.2, 0.9, 1.4}};
      double[] w = {1.2, 0.8, 2.0, 0.6, 1.1, -0.4, 0.9, 1.5, 0.3, 1.0, 0.2, 0.7};
      BatchTensor shared = BatchTensor.perInput(x);
      BatchTensor expanded = BatchTensor.perSynapse(shared.toArray(3));
      BatchTensor delta = BatchTensor.perInput(new double[][] {{1, -2, 0.5}, {0.3, 1, -1}});
      BatchTensor a = pass.forward(shared, w, 3);
      BatchTensor b = pass.forward(expanded, w, 3);
      assertThat(a.values()).containsExactly(b.values());
      assertThat(java.util.Arrays.stream(a.values()).filter(Double::isFinite).count()).isGreaterThan(2);
      Gradients ga = pass.backward(shared, w, 3, a, delta, ReferenceNeuronPass.NO_CLIPPING);
      Gradients gb = pass.backward(expanded, w, 3, b, delta, ReferenceNeuronPass.NO_CLIPPING);
      assertThat(ga.weights()).containsExactly(gb.weights());
      for (int s = 0; s < 2; s++) {
        for (int i = 0; i < 4; i++) {
          double sum = 0;
          for (int j = 0; j < 3; j++) {
            sum += gb.inputTimes().get(s, i, j);
          }
          assertThat(ga.inputTimes().get(s, i)).isCloseTo(sum,
              org.assertj.core.data.Offset.offset(1e-15));
        }
      }
    }
  }

  @Test
  @DisplayName("output jitter is added to finite times only, and the backward uses the jittered T")
  void outputJitter() {
    ReferenceNeuronPass pass = new ReferenceNeuronPass(ET, Variant.ET, EpsRule.DELGRAD);
    BatchTensor in = BatchTensor.perInput(new double[][] {{0.1, 0.3}});
    double[] w = {2.0, 0.01, 2.0, 0.01}; // neuron 0 fires, neuron 1 does not
    BatchTensor plain = pass.forward(in, w, 2);
    BatchTensor jitter = BatchTensor.perInput(new double[][] {{0.25, 0.5}});
    BatchTensor jittered = pass.forward(in, w, 2, null, jitter);
    assertThat(plain.get(0, 1)).isEqualTo(INF);
    assertThat(jittered.get(0, 0)).isEqualTo(plain.get(0, 0) + 0.25);
    assertThat(jittered.get(0, 1)).isEqualTo(INF);
    BatchTensor delta = BatchTensor.perInput(new double[][] {{1.0, 1.0}});
    double gPlain = pass.backward(in, w, 2, plain, delta, INF).weights()[0];
    double gJittered = pass.backward(in, w, 2, jittered, delta, INF).weights()[0];
    assertThat(gJittered).isNotEqualTo(gPlain); // dT/dw = ... (T - t_i): the jittered T
  }

  @Test
  @DisplayName("the backward threshold is the nominal one, whatever thresholds the forward used")
  void backwardUsesNominalThreshold() {
    ReferenceNeuronPass pass = new ReferenceNeuronPass(ET, Variant.ET, EpsRule.DELGRAD);
    BatchTensor in = BatchTensor.perInput(new double[][] {{0.1, 0.3}});
    double[] w = {3.0, 3.0};
    BatchTensor noisy = pass.forward(in, w, 1, BatchTensor.perInput(new double[][] {{1.1}}), null);
    ReferenceNeuronPass raised = new ReferenceNeuronPass(
        NeuronParams.equalTime(1.0, 0.0, 1.1, 1.0), Variant.ET, EpsRule.DELGRAD);
    assertThat(noisy.get(0, 0)).isFinite().isEqualTo(raised.forward(in, w, 1).get(0, 0));
    BatchTensor delta = BatchTensor.perInput(new double[][] {{1.0}});
    double[] nominal = pass.backward(in, w, 1, noisy, delta, INF).weights();
    double[] other = raised.backward(in, w, 1, noisy, delta, INF).weights();
    assertThat(nominal).isNotEqualTo(other);
  }

  @Test
  @DisplayName("clipping zeroes a sample's whole weight column, not its time gradients")
  void clipping() {
    ReferenceNeuronPass pass = new ReferenceNeuronPass(DT, Variant.DT, EpsRule.DELGRAD);
    BatchTensor in = BatchTensor.perInput(new double[][] {{0.1, 0.3, 0.5}, {0.2, 0.2, 0.4}});
    double[] w = {1.5, 1.4, 1.2, 1.3, 1.1, 1.0};
    BatchTensor out = pass.forward(in, w, 2);
    assertThat(java.util.Arrays.stream(out.values()).allMatch(Double::isFinite)).isTrue();
    BatchTensor delta = BatchTensor.perInput(new double[][] {{100.0, 1e-3}, {1e-3, 1e-3}});
    Gradients free = pass.backward(in, w, 2, out, delta, INF);
    Gradients clipped = pass.backward(in, w, 2, out, delta, 0.2);
    BatchTensor onlySample1 = BatchTensor.perInput(new double[][] {{0.0, 1e-3}, {1e-3, 1e-3}});
    Gradients without = pass.backward(in, w, 2, out, onlySample1, INF);
    // sample 0, neuron 0 (|G| ~ 100) is dropped from column 0; column 1 is untouched
    for (int i = 0; i < 3; i++) {
      assertThat(clipped.weights()[i * 2]).isEqualTo(without.weights()[i * 2]);
      assertThat(clipped.weights()[i * 2 + 1]).isEqualTo(free.weights()[i * 2 + 1]);
    }
    assertThat(clipped.inputTimes().values()).containsExactly(free.inputTimes().values());
  }

  @Test
  @DisplayName("an upstream NaN counts as 0")
  void nanDeltaIsZero() {
    ReferenceNeuronPass pass = new ReferenceNeuronPass(ET, Variant.ET, EpsRule.DELGRAD);
    BatchTensor in = BatchTensor.perInput(new double[][] {{0.1, 0.3}});
    double[] w = {1.5, 1.5};
    BatchTensor out = pass.forward(in, w, 1);
    Gradients g = pass.backward(in, w, 1, out, BatchTensor.perInput(new double[][] {{Double.NaN}}),
        INF);
    assertThat(g.weights()).containsOnly(0.0);
    assertThat(g.inputTimes().values()).containsOnly(0.0);
  }

  @Test
  @DisplayName("an input at exactly T is causal in the backward pass; one just after is not")
  void inputAtSpikeTimeIsCausal() {
    ReferenceNeuronPass pass = new ReferenceNeuronPass(ET, Variant.ET, EpsRule.DELGRAD);
    double[] w = {1.5, 1.5, -0.5};
    double t = pass.forward(BatchTensor.perInput(new double[][] {{0.1, 0.3, INF}}), w, 1).get(0, 0);
    assertThat(t).isFinite();
    BatchTensor at = BatchTensor.perInput(new double[][] {{0.1, 0.3, t}});
    BatchTensor after = BatchTensor.perInput(new double[][] {{0.1, 0.3, Math.nextUp(t)}});
    assertThat(pass.forward(at, w, 1).get(0, 0)).isEqualTo(t);
    assertThat(pass.forward(after, w, 1).get(0, 0)).isEqualTo(t);
    BatchTensor out = BatchTensor.perInput(new double[][] {{t}});
    BatchTensor delta = BatchTensor.perInput(new double[][] {{1.0}});
    assertThat(pass.backward(at, w, 1, out, delta, INF).inputTimes().get(0, 2)).isNotZero();
    assertThat(pass.backward(after, w, 1, out, delta, INF).inputTimes().get(0, 2)).isZero();
  }

  @Test
  @DisplayName("the two EPS rules give different times, by about 1e-6")
  void epsRulesDiffer() {
    for (Variant v : Variant.values()) {
      NeuronParams p = v == Variant.ET ? ET : DT;
      BatchTensor in = BatchTensor.perInput(new double[][] {{0.1, 0.3, 0.7}});
      double[] w = {1.5, 1.2, 1.0};
      double a = new ReferenceNeuronPass(p, v, EpsRule.RELEASE_2021).forward(in, w, 1).get(0, 0);
      double b = new ReferenceNeuronPass(p, v, EpsRule.DELGRAD).forward(in, w, 1).get(0, 0);
      assertThat(a).isFinite();
      assertThat(Math.abs(a - b)).as(v.name()).isBetween(1e-9, 1e-4);
    }
  }

  @Test
  @DisplayName("bad input is refused with a message naming the value and the shape")
  void badInput() {
    ReferenceNeuronPass pass = new ReferenceNeuronPass(ET, Variant.ET, EpsRule.DELGRAD);
    assertThatThrownBy(() -> pass.forward(BatchTensor.perInput(new double[][] {{0.1, Double.NaN}}),
        new double[] {1, 1}, 1))
        .hasMessageContaining("sample 0, input 1").hasMessageContaining("NaN");
    assertThatThrownBy(() -> pass.forward(BatchTensor.perInput(new double[][] {{0.1, 0.2}}),
        new double[] {1, 1, 1}, 1))
        .hasMessageContaining("weights have 3 entries");
    assertThatThrownBy(() -> pass.forward(BatchTensor.zeros(1, 2, 3), new double[4], 2))
        .hasMessageContaining("expected 1 (shared) or 2");
  }
}
