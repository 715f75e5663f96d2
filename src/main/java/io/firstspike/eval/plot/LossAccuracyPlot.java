package io.firstspike.eval.plot;

import io.firstspike.eval.BumpCodes;
import io.firstspike.eval.TrainingCurves;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code <dataset>_loss_accuracy.png}: accuracy, error rate (log y) and loss (log y) per epoch,
 * training and validation, side by side. Epoch 0 is the initial validation when recorded. A
 * DelGrad run with weight-bump codes gets a row below them, the weight-bump raster
 * (DELGRAD-MODEL.md section 12): a mark at (training batch, index of the bumped layer) for every
 * bumped batch; a 2021 run's plot is the three panels alone.
 */
public final class LossAccuracyPlot {
  public static final int WIDTH = 1500;
  public static final int HEIGHT = 480;
  /** Height added by the weight-bump raster. */
  public static final int RASTER_HEIGHT = 280;

  private LossAccuracyPlot() {}

  /** The plot's height: with the raster when there are bump codes. */
  public static int height(BumpCodes bumps) {
    return bumps == null ? HEIGHT : HEIGHT + RASTER_HEIGHT;
  }

  public static Path write(TrainingCurves c, String dataset, Path file, PlotTheme theme) {
    return write(c, null, dataset, file, theme);
  }

  /** With the weight-bump raster below the curves when {@code bumps} is not null. */
  public static Path write(TrainingCurves c, BumpCodes bumps, String dataset, Path file,
      PlotTheme theme) {
    Figure fig = new Figure(WIDTH, height(bumps), "Training curves (" + dataset + ")", theme);
    if (bumps == null) {
      return fig.add(CurvePanels.accuracy(c, theme), 1, 3, 0, 0)
          .add(CurvePanels.error(c, theme), 1, 3, 0, 1)
          .add(CurvePanels.loss(c, theme), 1, 3, 0, 2)
          .write(file);
    }
    double top = (double) HEIGHT / height(bumps);
    return fig.addFraction(CurvePanels.accuracy(c, theme), 0, 0, 1 / 3.0, top)
        .addFraction(CurvePanels.error(c, theme), 1 / 3.0, 0, 1 / 3.0, top)
        .addFraction(CurvePanels.loss(c, theme), 2 / 3.0, 0, 1 / 3.0, top)
        .addFraction(raster(bumps, theme), 0, top, 1, 1 - top)
        .write(file);
  }

  /** The raster: one series per bumped layer (tab10 colours in layer order), short vertical marks. */
  static JFreeChart raster(BumpCodes bumps, PlotTheme theme) {
    List<BumpCodes.Point> points = bumps.points();
    TreeMap<Integer, XYSeries> byLayer = new TreeMap<>();
    for (BumpCodes.Point p : points) {
      byLayer.computeIfAbsent(p.layer(), l -> new XYSeries(l == bumps.labelLayer()
          ? "layer " + l + " (label layer)" : "layer " + l, false, true))
          .add(p.batch(), p.layer());
    }
    XYSeriesCollection d = new XYSeriesCollection();
    byLayer.values().forEach(d::addSeries);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    for (int i = 0; i < d.getSeriesCount(); i++) {
      r.setSeriesPaint(i, PlotTheme.color(i));
      r.setSeriesShape(i, new Rectangle2D.Double(-1, -7, 2, 14));
    }
    NumberAxis x = Charts.linear("training batch (" + bumps.batchesPerEpoch() + " per epoch)");
    x.setRange(0.5, bumps.codes().length + 0.5);
    NumberAxis y = Charts.linear("bumped layer");
    y.setRange(-0.5, bumps.labelLayer() + 0.5);
    y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    XYPlot plot = new XYPlot(d, x, y, r);
    JFreeChart c = theme.chart("Weight bumps: " + points.size() + " of " + bumps.codes().length
        + " batches", plot, d.getSeriesCount() > 0);
    LegendTitle l = c.getLegend();
    if (l != null) {
      l.setPosition(RectangleEdge.RIGHT);
    }
    return c;
  }
}
