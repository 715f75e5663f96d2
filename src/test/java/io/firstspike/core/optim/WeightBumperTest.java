package io.firstspike.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WeightBumperTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  /** 2 inputs + 1 bias -> 2 hidden + 1 bias -> 2 labels, all weights 0. */
  private static Network net() {
    return new Network(
        NeuronParams.equalTime(1, 0, 1, 1),
        2,
        new int[] {2, 2},
        new int[] {1, 1},
        new double[][] {{0.9}, {0.9}},
        new double[][] {new double[3 * 2], new double[3 * 2]});
  }

  /** Hidden times with the given silent pattern; label times all spiking. */
  private static double[][][] times(double[][] hidden) {
    return new double[][][] {hidden, {{1, 1}, {1, 1}}};
  }

  private static final double[][] ALL_SPIKE = {{1, 1}, {1, 1}};
  private static final double[][] NEURON1_SILENT_ONCE = {{1, INF}, {1, 1}}; // 1/4 missing

  @Test
  @DisplayName("targeted bumping raises every incoming weight, bias row included, of silent neurons only")
  void targeted() {
    Network n = net();
    WeightBumper wb = new WeightBumper(0.25, false, true, new double[] {0.2});
    assertThat(wb.apply(n, times(NEURON1_SILENT_ONCE))).isEqualTo(0);
    // column 1 of the 3 x 2 matrix: entries 1, 3, 5
    assertThat(n.weights(0)).containsExactly(0, 0.25, 0, 0.25, 0, 0.25);
    assertThat(n.weights(1)).containsOnly(0.0);
  }

  @Test
  @DisplayName("untargeted bumping raises all weights of the layer")
  void untargeted() {
    Network n = net();
    WeightBumper wb = new WeightBumper(0.25, false, false, new double[] {0.2});
    assertThat(wb.apply(n, times(NEURON1_SILENT_ONCE))).isEqualTo(0);
    assertThat(n.weights(0)).containsOnly(0.25);
    assertThat(n.weights(1)).containsOnly(0.0);
  }

  @Test
  @DisplayName("the limit is exceeded strictly: a fraction equal to it bumps nothing; NaN counts as silent")
  void strictLimit() {
    Network n = net();
    WeightBumper wb = new WeightBumper(0.25, false, true, new double[] {0.25});
    assertThat(wb.apply(n, times(NEURON1_SILENT_ONCE))).isEqualTo(-1);
    assertThat(n.weights(0)).containsOnly(0.0);
    assertThat(wb.apply(n, times(new double[][] {{Double.NaN, INF}, {1, 1}}))).isEqualTo(0);
    assertThat(n.weights(0)).containsExactly(0.25, 0.25, 0.25, 0.25, 0.25, 0.25);
  }

  @Test
  @DisplayName("only the first layer over its limit is bumped, hidden before label")
  void layerOrder() {
    Network n = net();
    WeightBumper wb = new WeightBumper(1.0, false, false, new double[] {0.2});
    double[][][] both = {NEURON1_SILENT_ONCE, {{INF, INF}, {INF, INF}}};
    assertThat(wb.apply(n, both)).isEqualTo(0);
    assertThat(n.weights(1)).containsOnly(0.0);
    double[][][] labelOnly = {ALL_SPIKE, {{INF, 1}, {1, 1}}};
    assertThat(wb.apply(n, labelOnly)).isEqualTo(1);
    assertThat(n.weights(1)).containsOnly(1.0);
  }

  @Test
  @DisplayName("per-layer limits apply to their own layer")
  void perLayerLimits() {
    Network n = net();
    WeightBumper wb = new WeightBumper(1.0, false, false, new double[] {0.5, 0.0});
    // hidden 1/4 missing is within 0.5; label 1/4 missing exceeds 0.0
    double[][][] t = {NEURON1_SILENT_ONCE, {{INF, 1}, {1, 1}}};
    assertThat(wb.apply(n, t)).isEqualTo(1);
    assertThat(n.weights(0)).containsOnly(0.0);
    assertThatThrownBy(() -> new WeightBumper(1, false, false, new double[] {0.1, 0.1, 0.1}).apply(net(), t))
        .hasMessageContaining("max_num_missing_spikes has 3 values");
  }

  @Test
  @DisplayName("exponential bumping doubles on consecutive bumps of one layer and resets otherwise")
  void exponential() {
    Network n = net();
    WeightBumper wb = new WeightBumper(0.5, true, false, new double[] {0.2});
    double[][][] hiddenSilent = times(NEURON1_SILENT_ONCE);
    double[][][] labelSilent = {ALL_SPIKE, {{INF, 1}, {1, 1}}};
    double[][][] fine = times(ALL_SPIKE);
    double[] expectedHidden = {0.5, 1.5, 3.5}; // +0.5, +1.0, +2.0
    for (double e : expectedHidden) {
      assertThat(wb.apply(n, hiddenSilent)).isEqualTo(0);
      assertThat(n.weights(0)).containsOnly(e);
    }
    assertThat(wb.state()).isEqualTo(new WeightBumper.State(0, 2.0));
    // another layer: reset to 0.5
    assertThat(wb.apply(n, labelSilent)).isEqualTo(1);
    assertThat(n.weights(1)).containsOnly(0.5);
    // back to layer 0: reset again (layer 1 was bumped in between)
    wb.apply(n, hiddenSilent);
    assertThat(n.weights(0)).containsOnly(4.0);
    wb.apply(n, hiddenSilent);
    assertThat(n.weights(0)).containsOnly(5.0);
    // a batch that bumps nothing resets too
    assertThat(wb.apply(n, fine)).isEqualTo(-1);
    assertThat(wb.state()).isEqualTo(new WeightBumper.State(-1, 0.5));
    wb.apply(n, hiddenSilent);
    assertThat(n.weights(0)).containsOnly(5.5);
  }

  @Test
  @DisplayName("without the exponential option every bump uses the configured value")
  void notExponential() {
    Network n = net();
    WeightBumper wb = new WeightBumper(0.5, false, false, new double[] {0.2});
    wb.apply(n, times(NEURON1_SILENT_ONCE));
    wb.apply(n, times(NEURON1_SILENT_ONCE));
    assertThat(n.weights(0)).containsOnly(1.0);
  }

  @Test
  @DisplayName("a restored bumper continues the doubling where the saved one stopped")
  void restore() {
    WeightBumper a = new WeightBumper(0.5, true, false, new double[] {0.2});
    a.apply(net(), times(NEURON1_SILENT_ONCE));
    a.apply(net(), times(NEURON1_SILENT_ONCE));
    WeightBumper b = new WeightBumper(0.5, true, false, new double[] {0.2});
    b.restore(a.state());
    Network n = net();
    b.apply(n, times(NEURON1_SILENT_ONCE));
    assertThat(n.weights(0)).containsOnly(2.0);
  }
}
