package io.firstspike.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EvaluationRecordsTest {
  static final double EXACT = 1e-12;

  @Test
  @DisplayName("accuracy counts predicted == label and treats -1 as wrong")
  void accuracyCountsNoSelectionAsWrong() {
    SplitEvaluation e = new SplitEvaluation("xor", "test",
        new double[4][2], new double[][] {{1, 2}, {2, 1}, {1, 2}, {Double.POSITIVE_INFINITY,
            Double.POSITIVE_INFINITY}},
        new int[] {0, 1, 1, 0}, new int[] {0, 1, 0, -1}, List.of("a", "b"));
    assertThat(e.accuracy()).isCloseTo(0.5, within(EXACT));
  }

  @Test
  @DisplayName("a split copies its arrays: changing the caller's array changes nothing")
  void splitIsImmutable() {
    double[][] out = {{1.0, 2.0}};
    int[] labels = {0};
    SplitEvaluation e = new SplitEvaluation("xor", "test", new double[][] {{0.1}}, out, labels,
        new int[] {0}, List.of("a", "b"));
    out[0][0] = 9;
    labels[0] = 1;
    e.outputTimes()[0][1] = 7;
    assertThat(e.outputTime(0, 0)).isEqualTo(1.0);
    assertThat(e.outputTime(0, 1)).isEqualTo(2.0);
    assertThat(e.label(0)).isZero();
  }

  @Test
  @DisplayName("bad shapes and labels are rejected with the offending index in the message")
  void splitValidates() {
    assertThatThrownBy(() -> new SplitEvaluation("xor", "test", new double[1][1],
        new double[][] {{1, 2, 3}}, new int[] {0}, new int[] {0}, List.of("a", "b")))
        .hasMessageContaining("outputTimes[0]").hasMessageContaining("(2)");
    assertThatThrownBy(() -> new SplitEvaluation("xor", "test", new double[1][1],
        new double[][] {{1, 2}}, new int[] {2}, new int[] {0}, List.of("a", "b")))
        .hasMessageContaining("labels[0] = 2");
    assertThatThrownBy(() -> new SplitEvaluation("xor", "test", new double[1][1],
        new double[][] {{1, 2}}, new int[] {0}, new int[] {-2}, List.of("a", "b")))
        .hasMessageContaining("predicted[0] = -2");
  }

  @Test
  @DisplayName("Yin-Yang positions are decoded as x = (t0 - 0.15) / 1.85")
  void yinYangPlaneInvertsEncoding() {
    SplitEvaluation e = FakeEvaluations.yinYang("test", 200, 1, 0);
    YinYangPlane p = YinYangPlane.of(e);
    for (int i = 0; i < p.size(); i++) {
      assertThat(p.xAt(i)).isCloseTo(1 - (e.inputTime(i, 2) - 0.15) / 1.85, within(1e-12));
      assertThat(p.yAt(i)).isCloseTo(1 - (e.inputTime(i, 3) - 0.15) / 1.85, within(1e-12));
      assertThat(Math.hypot(p.xAt(i) - 0.5, p.yAt(i) - 0.5)).isLessThanOrEqualTo(0.5 + 1e-12);
    }
  }

  @Test
  @DisplayName("training curves accept validation arrays with or without the initial validation")
  void curvesHandleBothValidationLengths() {
    TrainingCurves with = FakeEvaluations.curves(20, 3, true, 3);
    assertThat(with.epochs()).isEqualTo(20);
    assertThat(with.valEpochs()).hasSize(21).startsWith(0.0).endsWith(20.0);
    assertThat(with.trainEpochs()).hasSize(20).startsWith(1.0).endsWith(20.0);
    assertThat(with.outputEpochs()).hasSize(21);
    TrainingCurves without = FakeEvaluations.curves(20, 3, false, 3);
    assertThat(without.valEpochs()).hasSize(20).startsWith(1.0).endsWith(20.0);
    assertThat(without.nClasses()).isEqualTo(3);
    assertThat(without.nNeurons()).isEqualTo(3);
  }

  @Test
  @DisplayName("training curves reject a validation array of any other length, naming the file")
  void curvesRejectWrongLength() {
    assertThatThrownBy(() -> new TrainingCurves(new double[5], new double[5], new double[7],
        new double[5], null, null))
        .hasMessageContaining("val_losses has 7 entries, expected 5 or 6");
    assertThatThrownBy(() -> new TrainingCurves(new double[5], new double[4], new double[5],
        new double[5], null, null))
        .hasMessageContaining("train_accuracies");
  }

  @Test
  @DisplayName("a weight set of a network keeps its shapes (bias rows included) and values")
  void weightSetOfNetwork() {
    NeuronParams params = NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0);
    double[] w0 = new double[5 * 4];
    double[] w1 = new double[5 * 3];
    for (int i = 0; i < w0.length; i++) {
      w0[i] = i * 0.1 - 1;
    }
    for (int i = 0; i < w1.length; i++) {
      w1[i] = -i * 0.2;
    }
    Network net = new Network(params, 4, new int[] {4, 3}, new int[] {1, 1},
        new double[][] {{0.9}, {0.9}}, new double[][] {w0, w1});
    WeightSet s = WeightSet.of(net);
    net.weights(0)[0] = 123;
    assertThat(s.nLayers()).isEqualTo(2);
    assertThat(s.rows(0)).isEqualTo(5);
    assertThat(s.cols(0)).isEqualTo(4);
    assertThat(s.weight(0, 0, 0)).isEqualTo(-1.0);
    assertThat(s.weight(1, 4, 2)).isCloseTo(-14 * 0.2, within(EXACT));
    assertThat(s.maxAbs(1)).isCloseTo(14 * 0.2, within(EXACT));
    assertThatThrownBy(() -> new WeightSet(List.of(new double[6]), List.of(new int[] {2, 2})))
        .hasMessageContaining("layer 0 has 6 weights");
  }
}
