package io.firstspike.eval.plot;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.eval.EvaluationBundle;
import io.firstspike.eval.FakeEvaluations;
import io.firstspike.eval.SplitEvaluation;
import io.firstspike.eval.plot.PlotSet.PlannedPlot;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Renders every plot of a fake Yin-Yang run and of a fake 10-class run into
 * {@code target/plot-preview/} (kept for looking at them) and checks file names, pixel sizes and
 * that each image shows something.
 */
class PlotSetTest {
  /** Variance of the grey level (0..255) below which an image counts as blank. */
  static final double MIN_PIXEL_VARIANCE = 100;
  /** Fraction of pixels that must differ from white. */
  static final double MIN_INK_FRACTION = 0.02;

  static final Path PREVIEW = Path.of("target", "plot-preview");

  static EvaluationBundle yinYangBundle() {
    SplitEvaluation test = FakeEvaluations.yinYang("test", 1000, 40, 30);
    SplitEvaluation train = FakeEvaluations.yinYang("train", 1500, 42, 30);
    return new EvaluationBundle("yin_yang", test, train,
        FakeEvaluations.curves(60, 3, true, 1),
        FakeEvaluations.weights(new int[] {4, 30, 3}, 0.0, 0.8, 2),
        FakeEvaluations.weights(new int[] {4, 30, 3}, 0.1, 1.5, 3));
  }

  @Test
  @DisplayName("a Yin-Yang run gets every plot, with the original's names, sizes and content")
  void yinYangRun() throws IOException {
    EvaluationBundle b = yinYangBundle();
    Path folder = PREVIEW.resolve("yin_yang");
    List<String> progress = new ArrayList<>();
    List<Path> written = PlotSet.renderAll(b, folder,
        (done, total, name) -> progress.add(done + "/" + total + " " + name));

    List<String> names = written.stream().map(p -> p.getFileName().toString()).toList();
    assertThat(names).contains(
        "yin_yang_confusion_matrix_test.png", "yin_yang_confusion_matrix_train.png",
        "yin_yang_output_times_sorted_test.png", "yin_yang_output_times_sorted2_train.png",
        "yin_yang_loss_accuracy.png", "yin_yang_summary_plot.png", "yin_yang_weight_hist.png",
        "yin_yang_weight_matrix_layer_0.png", "yin_yang_weight_matrix_layer_1.png",
        "yin_yang_classification_test.png", "yin_yang_spiketimes_train.png",
        "yin_yang_hiddentimes_test.png", "yin_yang_spiketime_diffs_train.png");
    // 3 per split + 2 curves + 1 histogram + 2 matrices + 4 Yin-Yang per split
    assertThat(written).hasSize(2 * 3 + 2 + 1 + 2 + 2 * 4);
    assertThat(progress).hasSize(written.size() + 1);
    assertThat(progress.get(0)).startsWith("0/" + written.size());
    assertThat(progress.get(progress.size() - 1))
        .isEqualTo(written.size() + "/" + written.size() + " yin_yang_spiketime_diffs_train.png");
    checkImages(PlotSet.plan(b), written);
  }

  @Test
  @DisplayName("a 10-class run without hidden times or curves gets no Yin-Yang or curve plots")
  void tenClassRun() throws IOException {
    SplitEvaluation test = FakeEvaluations.tenClasses("16x16_mnist", "test", 2000, 9);
    EvaluationBundle b = new EvaluationBundle("16x16_mnist", test, null,
        FakeEvaluations.curves(30, 10, false, 4), null,
        FakeEvaluations.weights(new int[] {256, 128, 10}, 0.05, 0.3, 5));
    List<Path> written = PlotSet.renderAll(b, PREVIEW.resolve("mnist"), null);
    List<String> names = written.stream().map(p -> p.getFileName().toString()).toList();
    assertThat(names).containsExactly(
        "16x16_mnist_confusion_matrix_test.png", "16x16_mnist_output_times_sorted_test.png",
        "16x16_mnist_output_times_sorted2_test.png", "16x16_mnist_loss_accuracy.png",
        "16x16_mnist_summary_plot.png", "16x16_mnist_weight_hist.png",
        "16x16_mnist_weight_matrix_layer_0.png", "16x16_mnist_weight_matrix_layer_1.png");
    checkImages(PlotSet.plan(b), written);
  }

  private static void checkImages(List<PlannedPlot> plan, List<Path> written) throws IOException {
    assertThat(written).hasSameSizeAs(plan);
    for (int i = 0; i < plan.size(); i++) {
      PlannedPlot p = plan.get(i);
      Path f = written.get(i);
      assertThat(f.getFileName()).hasToString(p.fileName());
      assertThat(Files.size(f)).as(p.fileName()).isPositive();
      BufferedImage img = ImageIO.read(f.toFile());
      assertThat(img).as(p.fileName()).isNotNull();
      assertThat(img.getWidth()).as(p.fileName() + " width").isEqualTo(p.width());
      assertThat(img.getHeight()).as(p.fileName() + " height").isEqualTo(p.height());
      double[] stats = io.firstspike.testsupport.Images.greyStats(img);
      assertThat(stats[0]).as(p.fileName() + " grey variance").isGreaterThan(MIN_PIXEL_VARIANCE);
      assertThat(stats[1]).as(p.fileName() + " non-white fraction").isGreaterThan(MIN_INK_FRACTION);
    }
  }
}
