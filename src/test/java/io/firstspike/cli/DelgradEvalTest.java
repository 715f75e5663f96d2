package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.cli.CliTest.Result;
import io.firstspike.eval.plot.LossAccuracyPlot;
import io.firstspike.eval.plot.WeightPlots;
import io.firstspike.testsupport.Shared;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} on run folders of the original's newest version (HEAD): the plots that apply to a
 * DelGrad network, drawn from the same inference as {@code inference} (the accuracies it prints
 * are those of {@code inference}), with HEAD's curves and delay histograms.
 */
class DelgradEvalTest {
  private static final String RUNS = "reference/delgrad/pretrained/";
  private static final Pattern ACCURACIES =
      Pattern.compile("test accuracy (\\d+\\.\\d\\d)%, training accuracy (\\d+\\.\\d\\d)%");

  @TempDir Path tmp;

  /**
   * The 2021 Yin-Yang plot set with the weight matrices named by the neuron layers' indices in
   * the layer list, plus the delay histogram when there are delay layers.
   */
  private static Map<String, int[]> expected(int hidden, int[] neuronLayers, boolean delays) {
    Map<String, int[]> m = ExpectedPlots.yinYang(hidden, 3);
    int[] matrix = m.remove("yin_yang_weight_matrix_layer_0.png");
    m.remove("yin_yang_weight_matrix_layer_1.png");
    for (int l : neuronLayers) {
      m.put("yin_yang_weight_matrix_layer_" + l + ".png", matrix);
    }
    m.put("yin_yang_loss_accuracy.png", new int[] {LossAccuracyPlot.WIDTH,
        LossAccuracyPlot.HEIGHT + LossAccuracyPlot.RASTER_HEIGHT}); // HEAD's bump codes
    if (delays) {
      m.put("yin_yang_delay_hist.png", new int[] {WeightPlots.histWidth(2),
          WeightPlots.HIST_HEIGHT});
    }
    return m;
  }

  @Test
  @DisplayName("eval of HEAD's H30_WS run writes every plot that applies (with HEAD's curves, its weight-bump raster and the delay histograms), says why there are no monitor plots, and prints inference's accuracy")
  void synapticDelays() throws Exception {
    Path folder = Shared.file(RUNS + "yin_yang_H30_WS");
    Path out = tmp.resolve("plots");
    Result r = CliTest.run("eval", folder.toString(), "--out", out.toString(), "--threads", "2");
    assertThat(r.code()).as(r.err()).isZero();
    Map<String, int[]> expected = expected(30, new int[] {1, 3}, true);
    assertThat(expected).hasSize(20);
    ExpectedPlots.check(out, expected);
    assertThat(r.out()).contains("original snapshot of epoch 300: test accuracy 98.20%")
        .doesNotContain("note: no yin_yang_mean_val_outputs_sorted")
        .doesNotContain("note: no untrained network")
        .doesNotContain("summary plot has no output-time panels")
        .doesNotContain("weight-bump raster")
        .contains("note: no records of 4 monitored layers in " + folder.resolve("epoch_300"))
        .contains("pickled yin_yang_parameters_training.npy, which is not read, and this one has"
            + " none): skipping their yin_yang_monitor<k>_plot.png");
    assertThat(ExpectedPlots.pngs(folder)).as("nothing written into HEAD's folder").isEmpty();
    assertThat(ExpectedPlots.pngs(folder.resolve("epoch_300"))).isEmpty();
  }

  @Test
  @DisplayName("eval of HEAD's H30_W run (no delay layers) has no delay histogram; its epoch folder gives the same accuracies")
  void weightsOnly() throws Exception {
    Path folder = Shared.file(RUNS + "yin_yang_H30_W/epoch_300");
    Path out = tmp.resolve("plots");
    Result r = CliTest.run("eval", folder.toString(), "--out", out.toString(), "--threads", "2");
    assertThat(r.code()).as(r.err()).isZero();
    ExpectedPlots.check(out, expected(30, new int[] {1, 3}, false));
    assertThat(r.out()).contains("test accuracy 96.70%");
  }

  @Test
  @DisplayName("eval of a hardware-aware run says the noise is one seeded draw, and its test accuracy is inference's")
  void noisyRun() throws Exception {
    Path folder = Shared.file(RUNS + "yin_yang_hwAware_WA");
    Path out = tmp.resolve("plots");
    Result r = CliTest.run("eval", folder.toString(), "--out", out.toString(), "--threads", "2");
    assertThat(r.code()).as(r.err()).isZero();
    ExpectedPlots.check(out, expected(30, new int[] {2, 4}, true));
    assertThat(r.out()).contains("note: the network draws hardware noise")
        .contains("seeded from torch_seed 2000");
    Matcher m = ACCURACIES.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    Result inf = CliTest.run("inference", folder.toString());
    assertThat(inf.out().trim()).isEqualTo("After inference, the accuracy is " + m.group(1)
        + "%.");
  }
}
