package io.firstspike.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.firstspike.core.loss.DelgradLoss.DelayVectors;
import io.firstspike.core.loss.DelgradLoss.Result;
import io.firstspike.core.loss.DelgradObjective.Mse;
import io.firstspike.core.loss.DelgradObjective.ShiftInvariantMse;
import io.firstspike.core.loss.DelgradObjective.Ttfs;
import io.firstspike.core.loss.DelgradRegulariser.DelaySource;
import io.firstspike.core.loss.DelgradRegulariser.EarlyOutput;
import io.firstspike.core.loss.DelgradRegulariser.L2Delay;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** HEAD's losses (DELGRAD-MODEL.md section 5): formulas, finite differences, edge cases. */
class DelgradLossTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double NAN = Double.NaN;
  /** Central-difference step; the error left is O(h^2) ~ 1e-10 plus rounding / h ~ 1e-10. */
  private static final double FD_STEP = 1e-5;
  /** Absolute tolerance of a central difference of a loss of order 1 with step 1e-5. */
  private static final double FD_TOLERANCE = 1e-8;
  /** Rounding between the class's evaluation order and the written formula. */
  private static final double FORMULA_TOLERANCE = 1e-13;

  private static final List<DelgradObjective> OBJECTIVES = List.of(
      new ShiftInvariantMse(0.2, 1.0),
      new ShiftInvariantMse(-0.3, 2.0),
      new Mse(1.7, 2.3, 1.0),
      new Mse(1.5, 2.0, 0.5),
      new Ttfs(0.2, 1.0),
      new Ttfs(0.4, 2.0));

  private static double[][] randomTimes(Random rnd, int batch, int classes) {
    double[][] t = new double[batch][classes];
    for (double[] row : t) {
      for (int k = 0; k < classes; k++) {
        row[k] = 0.5 + 2 * rnd.nextDouble();
      }
    }
    return t;
  }

  private static int[] randomLabels(Random rnd, int batch, int classes) {
    int[] y = new int[batch];
    for (int b = 0; b < batch; b++) {
      y[b] = rnd.nextInt(classes);
    }
    return y;
  }

  /** Checks dloss/dt of {@code loss} against central differences at every finite entry. */
  private static void checkTimeGradient(DelgradLoss loss, double[][] t, int[] y, DelayVectors d) {
    Result r = loss.compute(t, y, d);
    int checked = 0;
    for (int b = 0; b < t.length; b++) {
      for (int k = 0; k < t[b].length; k++) {
        if (!Double.isFinite(t[b][k])) {
          continue;
        }
        double keep = t[b][k];
        t[b][k] = keep + FD_STEP;
        double up = loss.compute(t, y, d).loss();
        t[b][k] = keep - FD_STEP;
        double down = loss.compute(t, y, d).loss();
        t[b][k] = keep;
        double fd = (up - down) / (2 * FD_STEP);
        assertThat(r.gradient()[b][k]).as("%s sample %d class %d", loss.objective(), b, k)
            .isCloseTo(fd, within(FD_TOLERANCE));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(0);
  }

  @Test
  @DisplayName("the gradient of every base loss equals central finite differences of the batch"
      + " loss, silent samples included")
  void objectiveGradientsMatchFiniteDifferences() {
    Random rnd = new Random(19);
    for (DelgradObjective o : OBJECTIVES) {
      double[][] t = randomTimes(rnd, 7, 4);
      int[] y = randomLabels(rnd, 7, 4);
      // A silent label neuron (replaced: gradient 0, as the constant 100's differences) and a
      // silent other neuron (replaced by the MSE losses, kept by TTFS).
      t[1][y[1]] = INF;
      t[2][(y[2] + 1) % 4] = INF;
      checkTimeGradient(new DelgradLoss(o), t, y, DelayVectors.NONE);
    }
  }

  @Test
  @DisplayName("early_output adds alpha exp(t_y / (beta tau)) and its exact derivative, for every base")
  void earlyOutputMatchesFiniteDifferences() {
    Random rnd = new Random(20);
    for (DelgradObjective o : OBJECTIVES) {
      double tau = o.tauSyn();
      EarlyOutput early = new EarlyOutput(0.05, 1.5, tau);
      DelgradLoss plain = new DelgradLoss(o);
      DelgradLoss withEarly = new DelgradLoss(o, List.of(early));
      double[][] t = randomTimes(rnd, 5, 3);
      int[] y = randomLabels(rnd, 5, 3);
      double expected = plain.compute(t, y).loss();
      for (int b = 0; b < t.length; b++) {
        expected += 0.05 * Math.exp(t[b][y[b]] / (1.5 * tau)) / t.length;
      }
      assertThat(withEarly.compute(t, y).loss()).isCloseTo(expected, within(FORMULA_TOLERANCE));
      checkTimeGradient(withEarly, t, y, DelayVectors.NONE);
    }
  }

  @Test
  @DisplayName("the base formulas: shift-invariant MSE uses Delta = delta_t * tau, MSE sums over"
      + " K (not the 2021 mean), TTFS has no alpha term")
  void formulas() {
    double[][] t = {{1.0, 1.5, 2.5}};
    int[] y = {1};
    // r = (t_k - t_y) - Delta_k with Delta = 0.2 * 2 = 0.4: r = (-0.9, 0, 0.6)
    assertThat(new DelgradLoss(new ShiftInvariantMse(0.2, 2.0)).compute(t, y).loss())
        .isCloseTo(0.5 * (0.81 + 0.36), within(FORMULA_TOLERANCE));
    // targets (2.3, 1.7, 2.3) * tau 1: 0.5 * (1.69 + 0.04 + 0.04)
    assertThat(new DelgradLoss(new Mse(1.7, 2.3, 1.0)).compute(t, y).loss())
        .isCloseTo(0.5 * (1.69 + 0.04 + 0.04), within(FORMULA_TOLERANCE));
    double s = 0.2;
    double ttfs = Math.log(Math.exp(-1.0 / s) + Math.exp(-1.5 / s) + Math.exp(-2.5 / s)) + 1.5 / s;
    assertThat(new DelgradLoss(new Ttfs(0.2, 1.0)).compute(t, y).loss())
        .isCloseTo(ttfs, within(FORMULA_TOLERANCE));
    // The 2021 TTFS loss with alpha = 0 is the same cross entropy.
    assertThat(new TtfsLoss(0.2, 0.0, 1.0, 1.0).compute(t, y, null))
        .isCloseTo(ttfs, within(FORMULA_TOLERANCE));
  }

  @Test
  @DisplayName("l2_delay adds alpha * mean(d^2) to every sample; its gradient is (kept/B) alpha 2d / n_d")
  void l2DelayValueAndGradient() {
    L2Delay l2 = new L2Delay(0.01, true);
    DelgradLoss loss = new DelgradLoss(new Ttfs(0.2, 1.0), List.of(l2));
    double[] d1 = {0.3, 0.7, 1.1, 0.2};
    double[] d2 = {0.5, 0.9};
    DelayVectors d = DelayVectors.effective(List.of(d1, d2));
    double[][] t = {{1.0, 1.2, 1.4}, {INF, 1.0, 1.1}, {1.3, 0.9, 2.0}, {0.8, 1.9, 1.6}};
    int[] y = {0, 0, 1, 2};
    double r = 0.01 * (0.09 + 0.49 + 1.21 + 0.04 + 0.25 + 0.81) / 6;
    DelgradLoss base = new DelgradLoss(new Ttfs(0.2, 1.0));
    Result without = base.compute(t, y);
    Result with = loss.compute(t, y, d);
    // Sample 1 is replaced (t_y = +Infinity): 100, without R.
    assertThat(with.sampleLosses()[1]).isEqualTo(100.0);
    for (int b : new int[] {0, 2, 3}) {
      assertThat(with.sampleLosses()[b]).isCloseTo(without.sampleLosses()[b] + r,
          within(FORMULA_TOLERANCE));
    }
    assertThat(loss.delaySources()).containsExactly(DelaySource.EFFECTIVE);
    assertThat(with.delayGradient().raw()).isEmpty();
    List<double[]> g = with.delayGradient().effective();
    assertThat(g).hasSize(2);
    assertThat(g.get(0)[2]).isCloseTo(0.75 * 0.01 * 2 * 1.1 / 6, within(1e-17));
    // Central differences of the batch loss in each delay: the replaced sample's constant 100
    // does not move, so this also checks the factor kept / B.
    double[][] delays = {d1, d2};
    for (int v = 0; v < 2; v++) {
      for (int i = 0; i < delays[v].length; i++) {
        double keep = delays[v][i];
        delays[v][i] = keep + FD_STEP;
        double up = loss.compute(t, y, d).loss();
        delays[v][i] = keep - FD_STEP;
        double down = loss.compute(t, y, d).loss();
        delays[v][i] = keep;
        assertThat(g.get(v)[i]).as("delay %d.%d", v, i)
            .isCloseTo((up - down) / (2 * FD_STEP), within(FD_TOLERANCE));
      }
    }
    // The gradient in t is not changed by the penalty.
    assertThat(with.gradient()).isDeepEqualTo(without.gradient());
  }

  @Test
  @DisplayName("the effective-delay hook is the chain rule: dR/dE'' summed over the shared"
      + " synapses times scale s (1 - s) equals finite differences in the raw parameters")
  void l2DelayChainThroughSharingAndSigmoid() {
    // An axonal layer with presyn_sharing_factor 2 over 4 inputs: raw [2][1], E'' = tile(E, 2, 1)
    // [4][1], E = shift + scale * sigmoid(raw) (DELGRAD-MODEL.md 2.2, 2.3), and a dendritic
    // layer with 'clip' positivity, raw = E = E'' [1][3] (the raw hook would give the same here).
    double shift = 0.2;
    double scale = 1.5;
    double[] raw = {-0.4, 0.9};
    double[] dendritic = {0.3, 0.1, 0.6};
    DelgradLoss loss = new DelgradLoss(new ShiftInvariantMse(0.2, 1.0), List.of(new L2Delay(0.05, true)));
    double[][] t = {{1.0, 1.3, 1.1}, {0.9, INF, 1.2}};
    int[] y = {0, 2};
    java.util.function.Function<double[], DelayVectors> effectiveOf = r -> {
      double[] tiled = new double[4];
      for (int i = 0; i < 4; i++) {
        tiled[i] = shift + scale / (1 + Math.exp(-r[i % 2]));
      }
      return DelayVectors.effective(List.of(tiled, dendritic));
    };
    Result result = loss.compute(t, y, effectiveOf.apply(raw));
    double[] dTiled = result.delayGradient().effective().get(0);
    for (int p = 0; p < 2; p++) {
      double sig = 1 / (1 + Math.exp(-raw[p]));
      double chained = (dTiled[p] + dTiled[p + 2]) * scale * sig * (1 - sig);
      double keep = raw[p];
      raw[p] = keep + FD_STEP;
      double up = loss.compute(t, y, effectiveOf.apply(raw)).loss();
      raw[p] = keep - FD_STEP;
      double down = loss.compute(t, y, effectiveOf.apply(raw)).loss();
      raw[p] = keep;
      assertThat(chained).as("raw delay %d", p).isCloseTo((up - down) / (2 * FD_STEP), within(FD_TOLERANCE));
      assertThat(chained).isNotZero();
    }
  }

  @Test
  @DisplayName("l2_delay on raw parameters returns its gradient in the raw list; two terms add up")
  void l2DelayRawAndCombined() {
    DelgradLoss loss = new DelgradLoss(new Mse(1.7, 2.3, 1.0), List.of(
        new L2Delay(0.1, false), new L2Delay(0.2, true), new L2Delay(0.3, false)));
    double[] raw = {-0.5, 0.25};
    double[] eff = {0.4};
    DelayVectors d = new DelayVectors(List.of(eff), List.of(raw));
    double[][] t = {{1.0, 2.0}};
    Result r = loss.compute(t, new int[] {0}, d);
    double expectedR = 0.1 * (0.25 + 0.0625) / 2 + 0.2 * 0.16 + 0.3 * (0.25 + 0.0625) / 2;
    double base = new DelgradLoss(new Mse(1.7, 2.3, 1.0)).compute(t, new int[] {0}).loss();
    assertThat(r.loss()).isCloseTo(base + expectedR, within(FORMULA_TOLERANCE));
    assertThat(loss.delaySources()).containsExactlyInAnyOrder(DelaySource.RAW, DelaySource.EFFECTIVE);
    assertThat(r.delayGradient().raw().get(0))
        .containsExactly(new double[] {(0.1 + 0.3) * 2 * -0.5 / 2, (0.1 + 0.3) * 2 * 0.25 / 2},
            within(1e-16));
    assertThat(r.delayGradient().effective().get(0)).containsExactly(new double[] {0.2 * 2 * 0.4},
        within(1e-16));
    // The caller's arrays are not the gradient's.
    assertThat(r.delayGradient().raw().get(0)).isNotSameAs(raw);
  }

  @Test
  @DisplayName("a silent label neuron or an infinite sample loss costs 100 and gives no gradient at"
      + " all; the raw gradient keeps autograd's NaN, the effective one is 0")
  void replacedSamples() {
    DelgradLoss mse = new DelgradLoss(new Mse(1.7, 2.3, 1.0));
    // Sample 0: t_y finite but another class silent: L_b = +Infinity -> 100.
    // Sample 1: t_y silent.
    double[][] t = {{1.0, INF, 2.0}, {INF, 1.0, 2.0}, {1.6, 2.4, 2.2}};
    int[] y = {0, 0, 0};
    Result r = mse.compute(t, y);
    assertThat(r.replaced()).containsExactly(true, true, false);
    assertThat(r.keptSamples()).isEqualTo(1);
    double kept = 0.5 * (0.01 + 0.01 + 0.01);
    assertThat(r.loss()).isCloseTo((100 + 100 + kept) / 3, within(FORMULA_TOLERANCE));
    assertThat(r.rawGradient()[0][1]).isNaN();
    assertThat(r.rawGradient()[1][0]).isNaN();
    // 0 * (a finite derivative) is a zero (of either sign, as in the original).
    assertThat(r.rawGradient()[0][0]).isCloseTo(0.0, within(0.0));
    assertThat(r.gradient()[0]).containsExactly(new double[] {0, 0, 0}, within(0.0));
    assertThat(r.gradient()[1]).containsExactly(new double[] {0, 0, 0}, within(0.0));
    assertThat(r.gradient()[2][0]).isCloseTo((1.6 - 1.7) / 3, within(1e-16));
    // TTFS with every class silent: NaN everywhere in the raw gradient, 0 in the effective one.
    Result all = new DelgradLoss(new Ttfs(0.2, 1.0)).compute(new double[][] {{INF, INF}}, new int[] {1});
    assertThat(all.loss()).isEqualTo(100.0);
    assertThat(all.rawGradient()[0]).containsOnly(NAN);
    assertThat(all.gradient()[0]).containsExactly(new double[] {0, 0}, within(0.0));
    // A sample whose only silent neuron is another class is kept by TTFS (finite loss).
    Result other = new DelgradLoss(new Ttfs(0.2, 1.0)).compute(new double[][] {{1.0, INF}}, new int[] {0});
    assertThat(other.replaced()).containsExactly(false);
    assertThat(other.loss()).isCloseTo(0.0, within(1e-15));
  }

  @Test
  @DisplayName("a NaN time is not a silent neuron: the loss becomes NaN for the loop to report")
  void nanIsNotReplaced() {
    Result r = new DelgradLoss(new Mse(1.7, 2.3, 1.0))
        .compute(new double[][] {{1.0, NAN}}, new int[] {0});
    assertThat(r.replaced()).containsExactly(false);
    assertThat(r.loss()).isNaN();
    assertThat(r.gradient()[0][1]).isZero();
  }

  @Test
  @DisplayName("class selection: ties to the first index, -1 for +Infinity and NaN, argmax for"
      + " delta_t <= 0")
  void selection() {
    DelgradLoss ttfs = new DelgradLoss(new Ttfs(0.2, 1.0));
    assertThat(ttfs.select(new double[] {1.0, 0.5, 0.5})).isEqualTo(1);
    assertThat(ttfs.select(new double[] {INF, INF})).isEqualTo(-1);
    assertThat(ttfs.select(new double[] {0.3, NAN, 0.1})).isEqualTo(-1);
    DelgradLoss early = new DelgradLoss(new ShiftInvariantMse(0.2, 1.0));
    assertThat(early.select(new double[] {1.0, 0.5, 0.5, INF})).isEqualTo(1);
    assertThat(early.select(new double[] {-2.0, 0.5})).isEqualTo(1); // |t|, not t
    DelgradLoss late = new DelgradLoss(new ShiftInvariantMse(-0.3, 1.0));
    assertThat(late.select(new double[] {1.0, 2.5, 2.5})).isEqualTo(1);
    assertThat(late.select(new double[] {1.0, INF, 2.5})).isEqualTo(-1);
    assertThat(late.select(new double[] {1.0, 2.0, NAN})).isEqualTo(-1);
    DelgradLoss zero = new DelgradLoss(new ShiftInvariantMse(0.0, 1.0));
    assertThat(zero.select(new double[] {1.0, 2.5, 0.3})).isEqualTo(1);
    DelgradLoss mse = new DelgradLoss(new Mse(1.7, 2.3, 2.0));
    // |t - 3.4|: 0.4, 0.4, 1.0 -> first of the tie
    assertThat(mse.select(new double[] {3.0, 3.8, 4.4})).isEqualTo(0);
    assertThat(mse.select(new double[] {INF, INF, INF})).isEqualTo(-1);
  }

  @Test
  @DisplayName("bad input is named: missing delays, no delays at all, wrong shapes and labels")
  void errors() {
    DelgradLoss l2 = new DelgradLoss(new Ttfs(0.2, 1.0), List.of(new L2Delay(0.1, true)));
    double[][] t = {{1.0, 2.0}};
    assertThatThrownBy(() -> l2.compute(t, new int[] {0}))
        .hasMessageContaining("l2_delay").hasMessageContaining("effective");
    assertThatThrownBy(() -> l2.compute(t, new int[] {0},
        DelayVectors.effective(List.of(new double[0]))))
        .hasMessageContaining("at least one Delay layer");
    DelgradLoss plain = new DelgradLoss(new Ttfs(0.2, 1.0));
    assertThatThrownBy(() -> plain.compute(t, new int[] {2})).hasMessageContaining("label of sample 0");
    assertThatThrownBy(() -> plain.compute(t, new int[] {0, 1})).hasMessageContaining("labels");
    assertThatThrownBy(() -> new Ttfs(0, 1.0)).hasMessageContaining("training_params.loss.xi");
    assertThatThrownBy(() -> new Mse(1.7, NAN, 1.0)).hasMessageContaining("t_wrong");
    assertThatThrownBy(() -> new ShiftInvariantMse(0.2, 0.0))
        .hasMessageContaining("default_neuron_params.tau_syn");
    assertThatThrownBy(() -> new EarlyOutput(0.1, -1, 1.0)).hasMessageContaining("beta");
    assertThatThrownBy(() -> new L2Delay(INF, true)).hasMessageContaining("alpha");
  }
}
