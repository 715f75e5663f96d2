package io.firstspike.eval.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.eval.EvaluationBundle;
import io.firstspike.eval.FakeEvaluations;
import io.firstspike.eval.TrainingCurves;
import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PlotPartsTest {
  /** Colour channels are rounded to integers: allow one step. */
  static final int CHANNEL_TOLERANCE = 1;

  @Test
  @DisplayName("rendering runs headless (surefire sets java.awt.headless=true)")
  void headless() {
    assertThat(GraphicsEnvironment.isHeadless()).isTrue();
  }

  @Test
  @DisplayName("the theme uses DejaVu Sans when the JVM sees it and the tab10 colours in order")
  void theme() {
    boolean installed = Arrays.asList(GraphicsEnvironment.getLocalGraphicsEnvironment()
        .getAvailableFontFamilyNames()).contains("DejaVu Sans");
    assertThat(PlotTheme.DEFAULT.family()).isEqualTo(installed ? "DejaVu Sans" : "SansSerif");
    assertThat(PlotTheme.color(0)).isEqualTo(new Color(0x1f77b4));
    assertThat(PlotTheme.color(3)).isEqualTo(new Color(0xd62728));
    assertThat(PlotTheme.color(9)).isEqualTo(new Color(0x17becf));
    assertThat(PlotTheme.color(10)).isEqualTo(PlotTheme.color(0));
  }

  @Test
  @DisplayName("the diverging map is white at 0, blue below and red above; NaN is grey")
  void divergingMapIsCentred() {
    var scale = ColorMap.blueWhiteRed().scale(-2, 2);
    Color mid = (Color) scale.getPaint(0);
    assertThat(mid.getRed()).isCloseTo(0xf7, org.assertj.core.data.Offset.offset(CHANNEL_TOLERANCE));
    assertThat(mid.getBlue()).isCloseTo(0xf7, org.assertj.core.data.Offset.offset(CHANNEL_TOLERANCE));
    Color neg = (Color) scale.getPaint(-2);
    Color pos = (Color) scale.getPaint(2);
    assertThat(neg.getBlue()).isGreaterThan(neg.getRed());
    assertThat(pos.getRed()).isGreaterThan(pos.getBlue());
    assertThat(scale.getPaint(Double.NaN)).isEqualTo(ColorMap.BAD);
    assertThat(scale.getPaint(Double.POSITIVE_INFINITY)).isEqualTo(pos);
    assertThat(scale.getPaint(-100)).isEqualTo(neg);
  }

  @Test
  @DisplayName("viridis runs from dark violet to yellow and interpolates between its stops")
  void viridisEnds() {
    ColorMap v = ColorMap.viridis();
    assertThat(v.at(0)).isEqualTo(new Color(0x440154));
    assertThat(v.at(1)).isEqualTo(new Color(0xfde725));
    assertThat(v.luminance(0)).isLessThan(v.luminance(0.5));
    assertThat(v.luminance(0.5)).isLessThan(v.luminance(1));
  }

  @Test
  @DisplayName("log ticks are labelled at decades with superscripts, or at 1-2-5 within two decades")
  void logTickLabels() {
    assertThat(DecadeLogAxis.power(-2)).isEqualTo("10⁻²");
    assertThat(DecadeLogAxis.power(3)).isEqualTo("10³");
    assertThat(DecadeLogAxis.plain(0.05)).isEqualTo("0.05");
    assertThat(DecadeLogAxis.plain(2)).isEqualTo("2");
    assertThat(Charts.niceStep(2.6, 6)).isEqualTo(0.5);
    assertThat(Charts.niceStep(1.0, 6)).isEqualTo(0.2);
    assertThat(Charts.niceStep(700, 6)).isEqualTo(200);
  }

  @Test
  @DisplayName("curves without recorded outputs still give a summary plot (left column only)")
  void summaryWithoutOutputs() throws Exception {
    TrainingCurves c = FakeEvaluations.curves(15, 3, true, 8);
    TrainingCurves bare = new TrainingCurves(c.trainLoss(), c.trainAccuracy(), c.valLoss(),
        c.valAccuracy(), null, null);
    Path f = PlotSetTest.PREVIEW.resolve("parts").resolve("bare_summary_plot.png");
    SummaryPlot.write(bare, "xor", null, f, PlotTheme.DEFAULT);
    BufferedImage img = ImageIO.read(f.toFile());
    assertThat(img.getWidth()).isEqualTo(SummaryPlot.WIDTH);
    assertThat(img.getHeight()).isEqualTo(SummaryPlot.height(0));
    assertThat(io.firstspike.testsupport.Images.greyStats(img)[0]).isGreaterThan(PlotSetTest.MIN_PIXEL_VARIANCE);
  }

  @Test
  @DisplayName("an empty bundle plans nothing and reports 0 of 0")
  void emptyBundle() {
    EvaluationBundle b = new EvaluationBundle("bars", null, null, null, null, null);
    int[] calls = {0};
    List<Path> out = PlotSet.renderAll(b, PlotSetTest.PREVIEW.resolve("empty"),
        (done, total, name) -> {
          calls[0]++;
          assertThat(done).isZero();
          assertThat(total).isZero();
        });
    assertThat(out).isEmpty();
    assertThat(calls[0]).isEqualTo(1);
  }

  @Test
  @DisplayName("a bundle refuses a split of another data set, naming both")
  void bundleChecksDataset() {
    assertThatThrownBy(() -> new EvaluationBundle("mnist",
        FakeEvaluations.yinYang("test", 10, 1, 0), null, null, null, null))
        .hasMessageContaining("'mnist'").hasMessageContaining("'yin_yang'");
  }

  @Test
  @DisplayName("hidden-neuron panels are spread evenly over all hidden neurons")
  void shownHidden() {
    assertThat(YinYangPlots.shownHidden(120)).hasSize(YinYangPlots.MAX_HIDDEN)
        .startsWith(0).endsWith(119).isSorted();
    assertThat(YinYangPlots.shownHidden(5)).containsExactly(0, 1, 2, 3, 4);
    assertThat(YinYangPlots.shownHidden(1)).containsExactly(0);
  }
}
