package io.firstspike.eval.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.eval.BumpCodes;
import io.firstspike.eval.MonitorTrace;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The series of the monitor plots and of the weight-bump raster, against their records. */
class MonitorPlotTest {
  @TempDir Path tmp;

  /** A 2 x 3 delay layer over epochs 0..2; parameter 4 unknown (NaN) before training. */
  private static MonitorTrace trace() {
    double[][] records = {
        {0.10, 0.11, 0.12, 0.13, Double.NaN, 0.15},
        {0.20, 0.21, 0.22, 0.23, 0.24, 0.25},
        {0.30, 0.31, 0.32, 0.33, 0.34, 0.35}};
    return new MonitorTrace(1, 2, "DelaySynaptic", true, 2, 3, records);
  }

  @Test
  @DisplayName("a monitor plot has one line per parameter, its records over epochs 0..E, unknown records left out")
  void seriesAreTheRecords() {
    MonitorTrace t = trace();
    JFreeChart c = MonitorPlot.chart(t, PlotTheme.DEFAULT);
    XYDataset d = ((XYPlot) c.getPlot()).getDataset();
    assertThat(d.getSeriesCount()).isEqualTo(6);
    for (int p = 0; p < 6; p++) {
      int first = p == 4 ? 1 : 0;
      assertThat(d.getItemCount(p)).as("parameter %d", p).isEqualTo(3 - first);
      for (int i = 0; i < d.getItemCount(p); i++) {
        int epoch = first + i;
        assertThat(d.getXValue(p, i)).isEqualTo(epoch);
        assertThat(d.getYValue(p, i)).isEqualTo(t.records()[epoch][p]);
      }
    }
    assertThat(t.trace(3)).containsExactly(0.13, 0.23, 0.33);
    assertThat(c.getTitle().getText()).isEqualTo("layer 2 (DelaySynaptic): effective delays, 2 x 3");
  }

  @Test
  @DisplayName("the monitor plot is written at its size")
  void written() throws Exception {
    Path f = MonitorPlot.write(trace(), "yin_yang", tmp.resolve("m.png"), PlotTheme.DEFAULT);
    BufferedImage img = ImageIO.read(f.toFile());
    assertThat(new int[] {img.getWidth(), img.getHeight()})
        .containsExactly(MonitorPlot.WIDTH, MonitorPlot.HEIGHT);
  }

  @Test
  @DisplayName("the raster marks each bumped batch at its layer, code -1 at the label layer")
  void rasterPoints() {
    long[] codes = {-2, 1, -2, -1, -2, -2, 1, 1};
    BumpCodes b = new BumpCodes(codes, 4, 3);
    assertThat(b.epochs()).isEqualTo(2);
    assertThat(b.points()).containsExactly(new BumpCodes.Point(2, 1), new BumpCodes.Point(4, 3),
        new BumpCodes.Point(7, 1), new BumpCodes.Point(8, 1));
    JFreeChart c = LossAccuracyPlot.raster(b, PlotTheme.DEFAULT);
    XYDataset d = ((XYPlot) c.getPlot()).getDataset();
    assertThat(d.getSeriesCount()).isEqualTo(2);
    assertThat(d.getSeriesKey(0)).isEqualTo("layer 1");
    assertThat(d.getSeriesKey(1)).isEqualTo("layer 3 (label layer)");
    assertThat(d.getItemCount(0)).isEqualTo(3);
    assertThat(d.getXValue(0, 2)).isEqualTo(8);
    assertThat(d.getXValue(1, 0)).isEqualTo(4);
    assertThat(d.getYValue(1, 0)).isEqualTo(3);
    assertThat(c.getTitle().getText()).isEqualTo("Weight bumps: 4 of 8 batches");
  }

  @Test
  @DisplayName("codes that are not whole epochs, or not codes, are refused naming the value")
  void badCodes() {
    assertThatThrownBy(() -> new BumpCodes(new long[] {-2, -2, -2}, 2, 3))
        .hasMessage("3 weight-bump codes are not whole epochs of 2 batches");
    assertThatThrownBy(() -> new BumpCodes(new long[] {-2, 3}, 2, 3))
        .hasMessageContaining("weight-bump code 3: expected -2 (no bump), -1 (label layer)");
  }

  @Test
  @DisplayName("a 2021 run's loss/accuracy plot keeps its size; with bump codes it grows by the raster")
  void sizes() {
    assertThat(LossAccuracyPlot.height(null)).isEqualTo(LossAccuracyPlot.HEIGHT);
    assertThat(LossAccuracyPlot.height(new BumpCodes(new long[] {-2}, 1, 1)))
        .isEqualTo(LossAccuracyPlot.HEIGHT + LossAccuracyPlot.RASTER_HEIGHT);
  }
}
