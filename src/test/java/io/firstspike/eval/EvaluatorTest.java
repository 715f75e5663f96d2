package io.firstspike.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.firstspike.core.network.Network;
import io.firstspike.data.DataSplits;
import io.firstspike.io.Npy;
import io.firstspike.io.PtImporter;
import io.firstspike.runs.ModelFolder;
import io.firstspike.testsupport.GoldenNetworkSteps;
import io.firstspike.testsupport.Shared;
import io.firstspike.train.Experiments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator on the original's shipped Yin-Yang network (4-120-3, 300 epochs): expected values
 * come from the original's own output files in that folder and from the golden training step.
 */
class EvaluatorTest {
  private static final String YY = "reference/fastanddeep/yinyang_et_300epochs";
  /** Agreement with the original's saved spike times (it reproduces them to 4e-14). */
  private static final double TIME_TOLERANCE = 1e-9;
  /** Rounding of sums of fractions. */
  private static final double SUM_TOLERANCE = 1e-12;
  private static final int THREADS = 2;

  private static Evaluation evaluation;
  private static final List<String> progress = new ArrayList<>();
  private static final List<String> notes = new ArrayList<>();

  @TempDir Path tmp;

  @BeforeAll
  static void evaluateOnce() {
    Path folder = Shared.file(YY);
    evaluation = new Evaluator(THREADS).evaluate(folder, new Evaluator.Progress() {
      @Override
      public void update(Evaluator.Phase phase, int done, int total, String what) {
        progress.add(phase + " " + done + "/" + total + " " + what);
      }

      @Override
      public void note(String message) {
        notes.add(message);
      }
    });
  }

  private static double[][] npy(String name) throws IOException {
    return Npy.read(Shared.file(YY + "/" + name)).asMatrix();
  }

  @Test
  @DisplayName("the test accuracy is exactly 96% and the test outputs equal the original's to 1e-9")
  void testSplitMatchesOriginal() throws IOException {
    SplitEvaluation test = evaluation.bundle().test();
    assertThat(test.accuracy()).isEqualTo(0.96);
    assertThat(evaluation.testAccuracy()).isEqualTo(0.96);
    double[][] expected = npy("yin_yang_test_spiketimes.npy");
    int[] labels = Npy.read(Shared.file(YY + "/yin_yang_test_labels.npy")).asInts();
    assertThat(test.nSamples()).isEqualTo(expected.length);
    assertThat(test.labels()).containsExactly(labels);
    double maxErr = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int k = 0; k < 3; k++) {
        maxErr = Math.max(maxErr, diff(test.outputTime(i, k), expected[i][k]));
      }
    }
    assertThat(maxErr).isLessThan(TIME_TOLERANCE);
  }

  @Test
  @DisplayName("the training outputs are the original's final training outputs (saved shuffled)")
  void trainSplitMatchesOriginalAsASet() throws IOException {
    SplitEvaluation train = evaluation.bundle().train();
    double[][] saved = npy("yin_yang_train_spiketimes.npy");
    int[] savedLabels = Npy.read(Shared.file(YY + "/yin_yang_train_labels.npy")).asInts();
    assertThat(train.nSamples()).isEqualTo(saved.length);
    double[][] ours = new double[train.nSamples()][];
    double[][] theirs = new double[saved.length][];
    int savedCorrect = 0;
    for (int i = 0; i < saved.length; i++) {
      ours[i] = new double[] {train.label(i), train.outputTime(i, 0), train.outputTime(i, 1),
          train.outputTime(i, 2)};
      theirs[i] = new double[] {savedLabels[i], saved[i][0], saved[i][1], saved[i][2]};
      int arg = 0;
      for (int k = 1; k < 3; k++) {
        arg = saved[i][k] < saved[i][arg] ? k : arg;
      }
      savedCorrect += arg == savedLabels[i] ? 1 : 0;
    }
    Comparator<double[]> byRow = Arrays::compare;
    Arrays.sort(ours, byRow);
    Arrays.sort(theirs, byRow);
    double maxErr = 0;
    for (int i = 0; i < ours.length; i++) {
      assertThat(ours[i][0]).as("label of sorted row " + i).isEqualTo(theirs[i][0]);
      for (int k = 1; k < 4; k++) {
        maxErr = Math.max(maxErr, diff(ours[i][k], theirs[i][k]));
      }
    }
    assertThat(maxErr).isLessThan(TIME_TOLERANCE);
    assertThat(train.accuracy()).isEqualTo((double) savedCorrect / saved.length);
  }

  @Test
  @DisplayName("confusion-matrix rows sum to 1 and the diagonal weighted by class size is the accuracy")
  void confusionMatrices() {
    for (SplitEvaluation s : List.of(evaluation.bundle().test(), evaluation.bundle().train())) {
      ConfusionMatrix cm = ConfusionMatrix.of(s);
      double weightedDiagonal = 0;
      for (int t = 0; t < cm.nClasses(); t++) {
        double row = Arrays.stream(cm.fractions()[t]).sum();
        assertThat(row).as(s.split() + " row " + t).isCloseTo(1.0, within(SUM_TOLERANCE));
        weightedDiagonal += cm.fraction(t, t) * cm.rowTotal(t) / s.nSamples();
      }
      assertThat(weightedDiagonal).as(s.split()).isCloseTo(s.accuracy(), within(SUM_TOLERANCE));
      assertThat(cm.accuracy()).isEqualTo(s.accuracy());
    }
  }

  @Test
  @DisplayName("the Yin-Yang splits keep input times and the 120 hidden neurons' times")
  void yinYangExtras() {
    EvaluationBundle b = evaluation.bundle();
    assertThat(b.dataset()).isEqualTo("yin_yang");
    assertThat(b.isYinYang()).isTrue();
    for (SplitEvaluation s : List.of(b.test(), b.train())) {
      assertThat(s.nInputs()).isEqualTo(4);
      assertThat(s.hasHiddenTimes()).isTrue();
      assertThat(s.nHidden()).isEqualTo(120);
      assertThat(s.classNames()).containsExactly("yin", "yang", "dot");
    }
    YinYangPlane plane = YinYangPlane.of(b.test());
    for (int i = 0; i < plane.size(); i++) {
      assertThat(plane.xAt(i)).isBetween(0.0, 1.0);
      assertThat(plane.yAt(i)).isBetween(0.0, 1.0);
    }
  }

  @Test
  @DisplayName("curves come from the folder's .npy files; the missing mean/std outputs are a note")
  void curvesAndNotes() throws IOException {
    TrainingCurves c = evaluation.bundle().curves();
    assertThat(c).isNotNull();
    assertThat(c.epochs()).isEqualTo(300);
    assertThat(c.valLoss()).hasSize(301);
    assertThat(c.hasOutputs()).isFalse();
    assertThat(c.trainLoss())
        .containsExactly(Npy.read(Shared.file(YY + "/yin_yang_train_losses.npy")).asDoubles());
    assertThat(c.valAccuracy())
        .containsExactly(Npy.read(Shared.file(YY + "/yin_yang_val_accuracies.npy")).asDoubles());
    assertThat(evaluation.notes()).isEqualTo(notes);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0)).contains("yin_yang_mean_val_outputs_sorted.npy")
        .contains("summary_plot");
  }

  @Test
  @DisplayName("untrained and trained weights are the two shipped .pt networks")
  void weights() throws IOException {
    Network untrained =
        PtImporter.read(Shared.file(YY + "/yin_yang_untrained_network.pt")).network();
    Network trained = PtImporter.read(Shared.file(YY + "/yin_yang_network.pt")).network();
    assertThat(evaluation.bundle().untrained()).isEqualTo(WeightSet.of(untrained));
    assertThat(evaluation.bundle().trained()).isEqualTo(WeightSet.of(trained));
    assertThat(evaluation.bundle().untrained()).isNotEqualTo(evaluation.bundle().trained());
    assertThat(evaluation.origin()).contains("yin_yang_network.pt");
    assertThat(evaluation.epoch()).isEqualTo(-1);
  }

  @Test
  @DisplayName("progress counts every test and training sample, in order, ending at 6000/6000")
  void progressCountsSamples() {
    assertThat(progress.get(0)).isEqualTo("EVALUATE 0/6000 test set");
    assertThat(progress.get(progress.size() - 1)).isEqualTo("EVALUATE 6000/6000 training set");
    int last = -1;
    for (String p : progress) {
      int done = Integer.parseInt(p.split("[ /]")[1]);
      assertThat(done).isGreaterThanOrEqualTo(last);
      last = done;
    }
    // 1000 test + 5000 training samples in batches of batch_size_eval 200, plus one start each
    assertThat(progress).hasSize(5 + 1 + 25 + 1);
  }

  @Test
  @DisplayName("hidden and label times of the untrained network equal the golden training step's")
  void hiddenTimesAgainstGolden() {
    GoldenNetworkSteps.Step golden = GoldenNetworkSteps.load().stream()
        .filter(s -> s.lossType().equalsIgnoreCase("ttfs")).findFirst().orElseThrow();
    ModelFolder shipped = ModelFolder.open(Shared.file(YY));
    Network untrained = new Network(shipped.network().params(), 4, new int[] {120, 3},
        new int[] {1, 1}, new double[][] {{0.9}, {0.9}}, golden.weightsBefore());
    ModelFolder model = new ModelFolder(shipped.folder(), shipped.config(), untrained,
        "golden weights_before", -1);
    DataSplits data = Experiments.loadData(shipped.config());
    Evaluation e = new Evaluator(THREADS).evaluate(model, shipped.config(), data, null);
    SplitEvaluation train = e.bundle().train();
    int n = golden.hiddenTimes().length;
    double maxErr = 0;
    int silent = 0;
    for (int i = 0; i < n; i++) {
      assertThat(train.label(i)).isEqualTo(golden.labels()[i]);
      assertThat(train.predictedClass(i)).isEqualTo(golden.selectedClasses()[i]);
      for (int j = 0; j < 120; j++) {
        double g = golden.hiddenTimes()[i][j];
        if (g == 0.0) {
          // The fixture writes a hidden neuron that never fires as 0.0 (see
          // NetworkStepGoldenTest): three entries, samples 39, 85 and 100.
          g = Double.POSITIVE_INFINITY;
          silent++;
        }
        maxErr = Math.max(maxErr, diff(train.hiddenTime(i, j), g));
      }
      for (int k = 0; k < 3; k++) {
        maxErr = Math.max(maxErr, diff(train.outputTime(i, k), golden.labelTimes()[i][k]));
      }
    }
    assertThat(n).isEqualTo(150);
    assertThat(silent).isEqualTo(3);
    assertThat(maxErr).isLessThan(TIME_TOLERANCE);
  }

  /** |a - b|, 0 when both are the same infinity (no spike). */
  private static double diff(double a, double b) {
    return a == b ? 0 : Math.abs(a - b);
  }

  @Test
  @DisplayName("the original's layout with epoch_<N>/ snapshots: curves from the snapshot, untrained network from above")
  void originalEpochLayout() throws IOException {
    Path top = Files.createDirectory(tmp.resolve("yin_yang_run"));
    Path epoch = Files.createDirectory(top.resolve("epoch_300"));
    Files.copy(Shared.file(YY + "/config.yaml"), top.resolve("config.yaml"));
    Files.copy(Shared.file(YY + "/yin_yang_untrained_network.pt"),
        top.resolve("yin_yang_untrained_network.pt"));
    for (String f : new String[] {"yin_yang_network.pt", "yin_yang_train_losses.npy",
        "yin_yang_train_accuracies.npy", "yin_yang_val_losses.npy",
        "yin_yang_val_accuracies.npy"}) {
      Files.copy(Shared.file(YY + "/" + f), epoch.resolve(f));
    }
    Evaluation e = new Evaluator(THREADS).evaluate(top, null);
    assertThat(e.epoch()).isEqualTo(300);
    assertThat(e.modelFolder()).isEqualTo(epoch.toAbsolutePath().normalize());
    assertThat(e.testAccuracy()).isEqualTo(0.96);
    assertThat(e.bundle().curves()).isEqualTo(evaluation.bundle().curves());
    assertThat(e.bundle().untrained()).isEqualTo(evaluation.bundle().untrained());
    assertThat(e.notes()).singleElement().asString().contains("mean_val_outputs_sorted");
  }

  @Test
  @DisplayName("a folder without write permission is refused before any work, naming it")
  void readOnlyOutput() throws IOException {
    Path ro = Files.createDirectory(tmp.resolve("read-only"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assertThatThrownBy(() -> Evaluator.requireWritable(ro))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(ro.toString()).hasMessageContaining("not writable");
      assertThatThrownBy(() -> Evaluator.requireWritable(ro.resolve("sub/plots")))
          .hasMessageContaining(ro.toString()).hasMessageContaining("not writable");
      Path file = Files.writeString(tmp.resolve("file.txt"), "x");
      assertThatThrownBy(() -> Evaluator.requireWritable(file.resolve("plots")))
          .hasMessageContaining("is not a folder");
      Evaluator.requireWritable(tmp.resolve("new/plots")); // creatable: no exception
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  @DisplayName("more label neurons than classes get their index as class name")
  void paddedClassNames() {
    assertThat(Evaluator.classNames(List.of("a", "b"), 4)).containsExactly("a", "b", "2", "3");
    assertThat(Evaluator.classNames(List.of("a", "b", "c"), 3)).containsExactly("a", "b", "c");
  }
}
