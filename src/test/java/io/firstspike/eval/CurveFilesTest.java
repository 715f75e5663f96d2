package io.firstspike.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the curve files of a snapshot, whole, partial or broken. */
class CurveFilesTest {
  private static final String DS = "bars";
  private static final int EPOCHS = 4;
  private static final int K = 3;

  @TempDir Path dir;
  private final List<String> notes = new ArrayList<>();
  private final Random rng = new Random(7);

  private double[] values(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble();
    }
    return v;
  }

  private void write(String what, double[] data, int... shape) throws IOException {
    Npy.write(dir.resolve(CurveFiles.fileName(DS, what)), data, shape);
  }

  private double[] writeCurves() throws IOException {
    double[] trainLoss = values(EPOCHS);
    write("train_losses", trainLoss, EPOCHS);
    write("train_accuracies", values(EPOCHS), EPOCHS);
    write("val_losses", values(EPOCHS + 1), EPOCHS + 1);
    write("val_accuracies", values(EPOCHS + 1), EPOCHS + 1);
    return trainLoss;
  }

  @Test
  @DisplayName("all six files give curves with per-class outputs and no note")
  void complete() throws IOException {
    double[] trainLoss = writeCurves();
    double[] mean = values((EPOCHS + 1) * K * K);
    write("mean_val_outputs_sorted", mean, EPOCHS + 1, K, K);
    write("std_val_outputs_sorted", values((EPOCHS + 1) * K * K), EPOCHS + 1, K, K);
    TrainingCurves c = CurveFiles.read(dir, DS, notes::add);
    assertThat(notes).isEmpty();
    assertThat(c.trainLoss()).containsExactly(trainLoss);
    assertThat(c.hasOutputs()).isTrue();
    assertThat(c.nClasses()).isEqualTo(K);
    assertThat(c.firstEpoch(c.valLoss().length)).isZero();
    // entry (epoch 2, class 1, neuron 0) of the row-major cube
    assertThat(c.meanOutput(2, 1, 0)).isEqualTo(mean[(2 * K + 1) * K]);
  }

  @Test
  @DisplayName("the original's newest layout [class][validation][neuron] of the output files is read as [validation][class][neuron]")
  void headLayout() throws IOException {
    writeCurves();
    double[] mean = values(K * (EPOCHS + 1) * K);
    write("mean_val_outputs_sorted", mean, K, EPOCHS + 1, K);
    write("std_val_outputs_sorted", values(K * (EPOCHS + 1) * K), K, EPOCHS + 1, K);
    TrainingCurves c = CurveFiles.read(dir, DS, notes::add);
    assertThat(notes).isEmpty();
    assertThat(c.hasOutputs()).isTrue();
    assertThat(c.meanValOutputs().length).isEqualTo(EPOCHS + 1);
    // entry (epoch 2, class 1, neuron 0) is HEAD's [1][2][0]
    assertThat(c.meanOutput(2, 1, 0)).isEqualTo(mean[(1 * (EPOCHS + 1) + 2) * K]);
    assertThat(c.meanOutput(EPOCHS, 2, 1)).isEqualTo(mean[(2 * (EPOCHS + 1) + EPOCHS) * K + 1]);
  }

  @Test
  @DisplayName("HEAD's H30_WS snapshot: 300 epochs, 301 validations, and at the end each class's own neuron is the earliest on average")
  void headSnapshot() {
    Path epoch = io.firstspike.testsupport.Shared.file(
        "reference/delgrad/pretrained/yin_yang_H30_WS/epoch_300");
    TrainingCurves c = CurveFiles.read(epoch, "yin_yang", notes::add);
    assertThat(notes).isEmpty();
    assertThat(c.epochs()).isEqualTo(300);
    assertThat(c.outputEpochs()).hasSize(301);
    for (int cls = 0; cls < 3; cls++) {
      for (int k = 0; k < 3; k++) {
        if (k != cls) {
          assertThat(c.meanOutput(300, cls, cls)).isLessThan(c.meanOutput(300, cls, k));
        }
      }
    }
  }

  @Test
  @DisplayName("without mean/std outputs the curves stay and a note names the missing file")
  void withoutOutputs() throws IOException {
    writeCurves();
    TrainingCurves c = CurveFiles.read(dir, DS, notes::add);
    assertThat(c.epochs()).isEqualTo(EPOCHS);
    assertThat(c.hasOutputs()).isFalse();
    assertThat(notes).singleElement().asString()
        .contains("bars_mean_val_outputs_sorted.npy").contains("bars_summary_plot.png");
  }

  @Test
  @DisplayName("no curve files at all: no curves, one note naming the skipped plots")
  void none() {
    assertThat(CurveFiles.read(dir, DS, notes::add)).isNull();
    assertThat(notes).singleElement().asString()
        .contains("bars_loss_accuracy.png").contains(dir.toString());
  }

  @Test
  @DisplayName("a missing accuracy file drops the curves and is named")
  void partial() throws IOException {
    writeCurves();
    Files.delete(dir.resolve("bars_val_accuracies.npy"));
    assertThat(CurveFiles.read(dir, DS, notes::add)).isNull();
    assertThat(notes).singleElement().asString().contains("bars_val_accuracies.npy");
  }

  @Test
  @DisplayName("outputs of the wrong length keep the loss curves; a 2-D loss file drops them")
  void wrongShapes() throws IOException {
    writeCurves();
    write("mean_val_outputs_sorted", values(9 * K * K), 9, K, K);
    write("std_val_outputs_sorted", values(9 * K * K), 9, K, K);
    TrainingCurves c = CurveFiles.read(dir, DS, notes::add);
    assertThat(c).isNotNull();
    assertThat(c.hasOutputs()).isFalse();
    assertThat(notes).singleElement().asString().contains("mean_val_outputs_sorted has 9");

    notes.clear();
    write("train_losses", values(EPOCHS * 2), EPOCHS, 2);
    assertThat(CurveFiles.read(dir, DS, notes::add)).isNull();
    assertThat(notes).singleElement().asString()
        .contains("bars_train_losses.npy").contains("[4, 2]");
  }
}
