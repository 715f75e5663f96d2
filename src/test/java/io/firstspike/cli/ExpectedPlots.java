package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.eval.plot.ConfusionMatrixPlot;
import io.firstspike.eval.plot.LossAccuracyPlot;
import io.firstspike.eval.plot.OutputTimesPlot;
import io.firstspike.eval.plot.SummaryPlot;
import io.firstspike.eval.plot.WeightPlots;
import io.firstspike.eval.plot.YinYangPlots;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** The plot files {@code eval} must write for a Yin-Yang network, and checks of their pixels. */
final class ExpectedPlots {
  /** Variance of the grey level (0..255) below which an image counts as blank. */
  static final double MIN_PIXEL_VARIANCE = 100;
  /** Fraction of pixels that must differ from white. */
  static final double MIN_INK_FRACTION = 0.02;

  private ExpectedPlots() {}

  /**
   * File name to {width, height} for a 3-class Yin-Yang network with {@code nHidden} hidden
   * neurons and two layers, with curves, both weight sets, and per-class output curves for
   * {@code summaryClasses} classes (0 when the folder has no mean/std output files).
   */
  static Map<String, int[]> yinYang(int nHidden, int summaryClasses) {
    Map<String, int[]> m = new TreeMap<>();
    int k = 3;
    int scatterH = YinYangPlots.PANEL + YinYangPlots.TITLE_H;
    for (String s : new String[] {"test", "train"}) {
      m.put("yin_yang_confusion_matrix_" + s + ".png",
          new int[] {ConfusionMatrixPlot.WIDTH, ConfusionMatrixPlot.HEIGHT});
      m.put("yin_yang_output_times_sorted_" + s + ".png",
          new int[] {OutputTimesPlot.width(k), OutputTimesPlot.height(k)});
      m.put("yin_yang_output_times_sorted2_" + s + ".png",
          new int[] {OutputTimesPlot.width(k), OutputTimesPlot.height(k)});
      m.put("yin_yang_classification_" + s + ".png",
          new int[] {YinYangPlots.CLASSIFICATION_WIDTH, YinYangPlots.CLASSIFICATION_HEIGHT});
      m.put("yin_yang_spiketimes_" + s + ".png",
          new int[] {YinYangPlots.spiketimesWidth(k), scatterH});
      m.put("yin_yang_hiddentimes_" + s + ".png",
          new int[] {YinYangPlots.hiddenWidth(nHidden), YinYangPlots.hiddenHeight(nHidden)});
      m.put("yin_yang_spiketime_diffs_" + s + ".png",
          new int[] {YinYangPlots.diffsWidth(k), scatterH});
    }
    m.put("yin_yang_loss_accuracy.png",
        new int[] {LossAccuracyPlot.WIDTH, LossAccuracyPlot.HEIGHT});
    m.put("yin_yang_summary_plot.png",
        new int[] {SummaryPlot.WIDTH, SummaryPlot.height(summaryClasses)});
    m.put("yin_yang_weight_hist.png", new int[] {WeightPlots.histWidth(2), WeightPlots.HIST_HEIGHT});
    for (int l = 0; l < 2; l++) {
      m.put("yin_yang_weight_matrix_layer_" + l + ".png",
          new int[] {WeightPlots.matrixWidth(2), WeightPlots.MATRIX_HEIGHT});
    }
    return m;
  }

  /** The PNG files in a folder, by name. */
  static java.util.List<String> pngs(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted()
          .toList();
    }
  }

  /** Every expected file exists, has its size, and shows something. */
  static void check(Path dir, Map<String, int[]> expected) throws IOException {
    assertThat(pngs(dir)).containsExactlyElementsOf(expected.keySet());
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      String name = e.getKey();
      BufferedImage img = ImageIO.read(dir.resolve(name).toFile());
      assertThat(img).as(name).isNotNull();
      assertThat(new int[] {img.getWidth(), img.getHeight()}).as(name + " size")
          .containsExactly(e.getValue());
      double[] stats = io.firstspike.testsupport.Images.greyStats(img);
      assertThat(stats[0]).as(name + " grey variance").isGreaterThan(MIN_PIXEL_VARIANCE);
      assertThat(stats[1]).as(name + " non-white fraction").isGreaterThan(MIN_INK_FRACTION);
    }
  }
}
