package io.firstspike.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.optim.DelgradWeightBumper.Decision;
import io.firstspike.core.optim.DelgradWeightBumper.LayerTimes;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** HEAD's weight-bumping rules (DELGRAD-MODEL.md section 7.2). */
class DelgradWeightBumperTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double NAN = Double.NaN;

  /** Hidden layer 1 (2 neurons, limit 0.25) and label layer 3 (2 neurons, limit 0). */
  private static Decision check(DelgradWeightBumper b, double[][] hidden, double[][] label) {
    return b.check(List.of(new LayerTimes(1, hidden, 0.25)), new LayerTimes(3, label, 0.0));
  }

  private static final double[][] FINE = {{1, 2}, {1, 2}};
  /** 1 of 4 silent: exactly the limit 0.25, which does not bump (strictly greater). */
  private static final double[][] AT_LIMIT = {{1, INF}, {1, 2}};
  private static final double[][] SILENT = {{1, INF}, {NAN, 2}};

  @Test
  @DisplayName("codes: first hidden layer over its limit, else -1 for the label layer, else -2;"
      + " the limit is strict and NaN counts as silent")
  void codes() {
    DelgradWeightBumper b = new DelgradWeightBumper(0.1, false, true);
    assertThat(check(b, FINE, FINE).code()).isEqualTo(-2);
    assertThat(check(b, AT_LIMIT, FINE).code()).isEqualTo(-2);
    Decision d = check(b, SILENT, SILENT);
    assertThat(d.code()).isEqualTo(1);
    assertThat(d.layerIndex()).isEqualTo(1);
    assertThat(d.silentNeurons()).containsExactly(true, true);
    Decision l = check(b, FINE, AT_LIMIT);
    assertThat(l.code()).isEqualTo(-1);
    assertThat(l.layerIndex()).isEqualTo(3);
    assertThat(l.silentNeurons()).containsExactly(false, true);
    // Two hidden layers: the first one over its limit wins.
    Decision two = b.check(List.of(new LayerTimes(1, AT_LIMIT, 0.5), new LayerTimes(3, SILENT, 0.0)),
        new LayerTimes(5, SILENT, 0.0));
    assertThat(two.code()).isEqualTo(3);
  }

  @Test
  @DisplayName("the value doubles on consecutive equal codes, resets on another code; a -2 keeps"
      + " the value but breaks the run")
  void doubling() {
    DelgradWeightBumper b = new DelgradWeightBumper(0.05, true, true);
    assertThat(check(b, SILENT, FINE).value()).isEqualTo(0.05);
    assertThat(check(b, SILENT, FINE).value()).isEqualTo(0.1);
    assertThat(check(b, SILENT, FINE).value()).isEqualTo(0.2);
    assertThat(check(b, FINE, SILENT).value()).isEqualTo(0.05); // another code: reset
    assertThat(check(b, FINE, SILENT).value()).isEqualTo(0.1);
    Decision none = check(b, FINE, FINE);
    assertThat(none.code()).isEqualTo(-2);
    assertThat(none.value()).isEqualTo(0.1); // carried on, not reset
    assertThat(b.previousCode()).isEqualTo(-2);
    assertThat(check(b, FINE, SILENT).value()).isEqualTo(0.05); // previous batch was -2
    // Without weight_bumping_exp the value never grows.
    DelgradWeightBumper flat = new DelgradWeightBumper(0.05, false, true);
    check(flat, SILENT, FINE);
    assertThat(check(flat, SILENT, FINE).value()).isEqualTo(0.05);
  }

  @Test
  @DisplayName("targeted bumps add the value to every row of the silent neurons' columns only;"
      + " untargeted to every weight")
  void bumpWeights() {
    double[][] oneSilent = {{1, INF}, {1, 2}, {1, 2}}; // 1 of 6 > 0.0 for the label layer
    DelgradWeightBumper targeted = new DelgradWeightBumper(0.5, false, true);
    Decision d = check(targeted, FINE, oneSilent);
    double[] w = {1, 1, 1, 1, 1, 1}; // 3 rows (incl. a bias row) x 2 neurons
    targeted.bump(d, w);
    assertThat(w).containsExactly(1, 1.5, 1, 1.5, 1, 1.5);
    DelgradWeightBumper all = new DelgradWeightBumper(0.5, false, false);
    double[] u = {1, 1, 1, 1};
    all.bump(check(all, FINE, oneSilent), u);
    assertThat(u).containsExactly(1.5, 1.5, 1.5, 1.5);
  }

  @Test
  @DisplayName("restart: value and previous code start over, at the start, after each snapshot"
      + " epoch and on continue")
  void restart() {
    DelgradWeightBumper b = new DelgradWeightBumper(0.05, true, true);
    check(b, SILENT, FINE);
    check(b, SILENT, FINE);
    b.restart();
    assertThat(b.value()).isEqualTo(0.05);
    assertThat(b.previousCode()).isEqualTo(-2);
    assertThat(check(b, SILENT, FINE).value()).isEqualTo(0.05);
    Set<Integer> snapshots = Set.of(1, 100, 300);
    assertThat(DelgradWeightBumper.restartsBefore(1, 1, snapshots)).isTrue();
    assertThat(DelgradWeightBumper.restartsBefore(2, 1, snapshots)).isTrue();
    assertThat(DelgradWeightBumper.restartsBefore(3, 1, snapshots)).isFalse();
    assertThat(DelgradWeightBumper.restartsBefore(101, 1, snapshots)).isTrue();
    assertThat(DelgradWeightBumper.restartsBefore(51, 51, snapshots)).isTrue(); // continued run
  }

  @Test
  @DisplayName("bad input is named")
  void errors() {
    DelgradWeightBumper b = new DelgradWeightBumper(0.05, true, true);
    assertThatThrownBy(() -> b.bump(check(b, FINE, FINE), new double[4]))
        .hasMessageContaining("bumped no layer");
    Decision d = check(b, SILENT, FINE);
    assertThatThrownBy(() -> b.bump(d, new double[5])).hasMessageContaining("N x 2");
    assertThatThrownBy(() -> check(b, new double[][] {{1, 2}, {1}}, FINE))
        .hasMessageContaining("layer 1 sample 1");
    assertThatThrownBy(() -> new DelgradWeightBumper(NAN, true, true))
        .hasMessageContaining("weight_bumping_value");
    assertThatThrownBy(() -> new LayerTimes(2, FINE, NAN)).hasMessageContaining("layers[2]");
  }
}
