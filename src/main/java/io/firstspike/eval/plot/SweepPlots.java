package io.firstspike.eval.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The plots of a sweep (the original's {@code sweep_plot.py}): a median error over the runs of
 * each setting with its 25-75 % band, against a swept parameter ({@code nhidden_plot.png}),
 * against the number of parameters ({@code nparams_plot.png}) and over the epochs
 * ({@code val_over_epoch.png}). The numbers come from the sweep's aggregation; this class only
 * draws them.
 */
public final class SweepPlots {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 600;

  /**
   * One line with its band.
   *
   * @param label legend text
   * @param x increasing x values
   * @param median the line
   * @param q25 lower edge of the band
   * @param q75 upper edge of the band
   */
  public record Line(String label, double[] x, double[] median, double[] q25, double[] q75) {
    public Line {
      if (x.length != median.length || x.length != q25.length || x.length != q75.length) {
        throw new IllegalArgumentException("line " + label + ": x, median and band lengths differ");
      }
    }
  }

  private SweepPlots() {}

  /**
   * Writes one chart of {@code lines} to {@code file}.
   *
   * @param title chart title
   * @param xLabel x axis label
   * @param yLabel y axis label
   */
  public static Path write(String title, String xLabel, String yLabel, List<Line> lines, Path file,
      PlotTheme theme) {
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    DeviationRenderer r = new DeviationRenderer(true, true);
    for (int i = 0; i < lines.size(); i++) {
      Line l = lines.get(i);
      YIntervalSeries s = new YIntervalSeries(l.label(), false, true);
      for (int k = 0; k < l.x().length; k++) {
        if (Double.isFinite(l.x()[k]) && Double.isFinite(l.median()[k])) {
          s.add(l.x()[k], l.median()[k], l.q25()[k], l.q75()[k]);
        }
      }
      data.addSeries(s);
      Color c = PlotTheme.color(i);
      r.setSeriesPaint(i, c);
      r.setSeriesFillPaint(i, c);
      r.setSeriesStroke(i, new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      r.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
    }
    r.setAlpha(0.2f);
    NumberAxis xAxis = Charts.linear(xLabel);
    NumberAxis yAxis = Charts.linear(yLabel);
    yAxis.setAutoRangeIncludesZero(true);
    XYPlot plot = new XYPlot(data, xAxis, yAxis, r);
    JFreeChart chart = theme.chart(title, plot, true);
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setPosition(RectangleEdge.BOTTOM);
    }
    return new Figure(WIDTH, HEIGHT, null, theme).add(chart, 1, 1, 0, 0).write(file);
  }
}
