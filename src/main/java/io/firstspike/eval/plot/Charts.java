package io.firstspike.eval.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Building blocks shared by the renderers (package private). */
final class Charts {
  private Charts() {}

  static NumberAxis linear(String label) {
    NumberAxis a = new SparseNumberAxis(label);
    a.setAutoRangeIncludesZero(false);
    return a;
  }

  /** A log axis; callers must give it only positive values. */
  static LogAxis log(String label) {
    LogAxis a = new DecadeLogAxis(label);
    a.setMinorTickMarksVisible(true);
    return a;
  }

  /** A series skipping non-finite y values (and, for log axes, y <= 0). */
  static XYSeries series(String key, double[] x, double[] y, boolean positiveOnly) {
    XYSeries s = new XYSeries(key, false, true);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (Double.isFinite(y[i]) && (!positiveOnly || y[i] > 0)) {
        s.add(x[i], y[i]);
      }
    }
    return s;
  }

  /** Lines with small markers, one tab10 colour per series in order. */
  static XYLineAndShapeRenderer lines(int nSeries, boolean markers) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, markers);
    for (int i = 0; i < nSeries; i++) {
      r.setSeriesPaint(i, PlotTheme.color(i));
      r.setSeriesStroke(i, new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      r.setSeriesShape(i, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
    }
    return r;
  }

  /** A line chart of several series sharing an x axis. */
  static JFreeChart lineChart(PlotTheme theme, String title, String xLabel, ValueAxis yAxis,
      XYSeriesCollection data, boolean legend) {
    XYPlot plot = new XYPlot(data, linear(xLabel), yAxis, lines(data.getSeriesCount(), false));
    return theme.chart(title, plot, legend);
  }

  /**
   * A scatter plot of points coloured by z through a paint scale, with a colour bar on the right.
   */
  static JFreeChart colouredScatter(PlotTheme theme, String title, double[] x, double[] y,
      double[] z, PaintScale scale, String zLabel, double markerSize) {
    DefaultXYZDataset d = new DefaultXYZDataset();
    d.addSeries("points", new double[][] {x.clone(), y.clone(), z.clone()});
    XYShapeRenderer r = new XYShapeRenderer();
    r.setPaintScale(scale);
    r.setDrawOutlines(false);
    r.setUseOutlinePaint(false);
    double h = markerSize / 2;
    r.setDefaultShape(new Ellipse2D.Double(-h, -h, markerSize, markerSize));
    r.setSeriesShape(0, new Ellipse2D.Double(-h, -h, markerSize, markerSize));
    XYPlot plot = new XYPlot(d, unitAxis("x"), unitAxis("y"), r);
    JFreeChart c = theme.chart(title, plot, false);
    c.addSubtitle(colourBar(theme, scale, zLabel));
    theme.apply(c);
    return c;
  }

  /** An axis fixed to 0..1 as for the Yin-Yang input plane. */
  static NumberAxis unitAxis(String label) {
    NumberAxis a = new NumberAxis(label);
    a.setRange(-0.02, 1.02);
    a.setTickUnit(new NumberTickUnit(0.2));
    return a;
  }

  /** A vertical colour bar for a paint scale. */
  static PaintScaleLegend colourBar(PlotTheme theme, PaintScale scale, String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setRange(scale.getLowerBound(), scale.getUpperBound());
    axis.setTickUnit(new NumberTickUnit(niceStep(scale.getUpperBound() - scale.getLowerBound(), 6)));
    theme.styleAxis(axis);
    PaintScaleLegend l = new PaintScaleLegend(scale, axis);
    l.setPosition(RectangleEdge.RIGHT);
    l.setAxisLocation(org.jfree.chart.axis.AxisLocation.BOTTOM_OR_RIGHT);
    l.setStripWidth(14);
    l.setSubdivisionCount(128);
    l.setMargin(new RectangleInsets(4, 8, 4, 4));
    l.setStripOutlineVisible(true);
    l.setStripOutlinePaint(Color.BLACK);
    l.setBackgroundPaint(Color.WHITE);
    return l;
  }

  /** A step of 1, 2 or 5 x 10^k giving about {@code ticks} intervals over a span. */
  static double niceStep(double span, int ticks) {
    if (!(span > 0) || !Double.isFinite(span)) {
      return 1;
    }
    double raw = span / ticks;
    double decade = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / decade;
    double m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return m * decade;
  }

  /** A small square marker. */
  static Rectangle2D square(double size) {
    return new Rectangle2D.Double(-size / 2, -size / 2, size, size);
  }

  /** Smallest and largest finite value, or {0, 1} if none is finite. */
  static double[] finiteRange(double[] v) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      if (Double.isFinite(d)) {
        lo = Math.min(lo, d);
        hi = Math.max(hi, d);
      }
    }
    return lo > hi ? new double[] {0, 1} : new double[] {lo, hi};
  }

  /** Replaces +-Infinity by NaN (drawn in the "bad" colour). */
  static double[] infToNaN(double[] v) {
    double[] c = v.clone();
    for (int i = 0; i < c.length; i++) {
      if (Double.isInfinite(c[i])) {
        c[i] = Double.NaN;
      }
    }
    return c;
  }

  /** Percent with two decimals, "96.00%". */
  static String percent(double fraction) {
    return String.format(java.util.Locale.ROOT, "%.2f%%", 100 * fraction);
  }
}
