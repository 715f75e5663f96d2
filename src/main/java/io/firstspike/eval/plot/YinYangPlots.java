package io.firstspike.eval.plot;

import io.firstspike.eval.SplitEvaluation;
import io.firstspike.eval.YinYangPlane;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.GeneralPath;
import java.nio.file.Path;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Input-space plots of the Yin-Yang data set (files prefixed {@code yin_yang_}). Every sample is
 * a point at x = (t0 - 0.15) / 1.85, y = (t1 - 0.15) / 1.85 (see {@link YinYangPlane}).
 *
 * <ul>
 *   <li>{@code classification_<split>}: colour = predicted class, misclassified samples marked by
 *       a black x, samples without a selected class grey.
 *   <li>{@code spiketimes_<split>}: one panel per label neuron, colour = its output time (shared
 *       viridis scale; grey = no spike).
 *   <li>{@code hiddentimes_<split>}: up to {@link #MAX_HIDDEN} evenly chosen hidden neurons.
 *   <li>{@code spiketime_diffs_<split>}: per pair (i, j) of label neurons, t_i - t_j on a
 *       diverging scale centred at 0 (grey = neither spiked; one missing spike saturates).
 * </ul>
 */
public final class YinYangPlots {
  public static final int CLASSIFICATION_WIDTH = 760;
  public static final int CLASSIFICATION_HEIGHT = 720;
  /** Scatter panels are wider than tall by about the colour bar, so the plane looks square. */
  public static final int PANEL_W = 580;
  public static final int PANEL = 500;
  public static final int HIDDEN_PANEL_W = 450;
  public static final int HIDDEN_PANEL = 380;
  public static final int TITLE_H = 40;
  public static final int MAX_HIDDEN = 12;
  static final int HIDDEN_COLS = 4;
  static final double MARKER = 6;

  private YinYangPlots() {}

  public static Path writeClassification(SplitEvaluation e, Path file, PlotTheme theme) {
    YinYangPlane p = YinYangPlane.of(e);
    int k = e.nClasses();
    XYSeriesCollection d = new XYSeriesCollection();
    XYSeries[] byClass = new XYSeries[k];
    for (int c = 0; c < k; c++) {
      byClass[c] = new XYSeries("predicted " + e.classNames().get(c), false, true);
    }
    XYSeries none = new XYSeries("no class", false, true);
    XYSeries wrong = new XYSeries("misclassified", false, true);
    for (int i = 0; i < p.size(); i++) {
      int pred = e.predictedClass(i);
      (pred < 0 ? none : byClass[pred]).add(p.xAt(i), p.yAt(i));
      if (pred != e.label(i)) {
        wrong.add(p.xAt(i), p.yAt(i));
      }
    }
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    Shape dot = new Ellipse2D.Double(-MARKER / 2, -MARKER / 2, MARKER, MARKER);
    for (int c = 0; c < k; c++) {
      d.addSeries(byClass[c]);
      r.setSeriesPaint(c, PlotTheme.color(c));
      r.setSeriesShape(c, dot);
    }
    d.addSeries(none);
    r.setSeriesPaint(k, ColorMap.BAD);
    r.setSeriesShape(k, dot);
    d.addSeries(wrong);
    r.setSeriesPaint(k + 1, Color.BLACK);
    r.setSeriesShape(k + 1, cross(MARKER + 2));
    r.setUseOutlinePaint(false);
    r.setSeriesStroke(k + 1, new BasicStroke(1.6f));
    r.setSeriesShapesFilled(k + 1, false);
    r.setDrawOutlines(true);
    XYPlot plot = new XYPlot(d, Charts.unitAxis("x"), Charts.unitAxis("y"), r);
    String title = "Yin-Yang classification (" + e.split() + "), accuracy "
        + Charts.percent(e.accuracy());
    JFreeChart c = theme.chart(title, plot, true);
    LegendTitle l = c.getLegend();
    l.setPosition(RectangleEdge.RIGHT);
    return new Figure(CLASSIFICATION_WIDTH, CLASSIFICATION_HEIGHT, null, theme)
        .add(c, 1, 1, 0, 0).write(file);
  }

  public static int spiketimesWidth(int nLabels) {
    return nLabels * PANEL_W;
  }

  public static Path writeSpiketimes(SplitEvaluation e, Path file, PlotTheme theme) {
    YinYangPlane p = YinYangPlane.of(e);
    int k = e.nClasses();
    double[][] z = new double[k][e.nSamples()];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < e.nSamples(); i++) {
        z[j][i] = e.outputTime(i, j);
      }
      double[] r = Charts.finiteRange(z[j]);
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
    }
    PaintScale scale = ColorMap.viridis().scale(lo, hi);
    Figure fig = new Figure(spiketimesWidth(k), PANEL + TITLE_H,
        "Label-neuron spike times over the input plane (" + e.split() + ")", theme);
    for (int j = 0; j < k; j++) {
      JFreeChart c = Charts.colouredScatter(theme, "neuron " + e.classNames().get(j), p.x(), p.y(),
          Charts.infToNaN(z[j]), scale, "spike time", MARKER);
      fig.add(c, 1, k, 0, j);
    }
    return fig.write(file);
  }

  /** Indices of the hidden neurons shown: up to MAX_HIDDEN, evenly spread over 0..H-1. */
  public static int[] shownHidden(int nHidden) {
    int n = Math.min(nHidden, MAX_HIDDEN);
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = n == 1 ? 0 : (int) Math.round(i * (nHidden - 1) / (double) (n - 1));
    }
    return idx;
  }

  public static int hiddenColumns(int nHidden) {
    return Math.max(1, Math.min(HIDDEN_COLS, shownHidden(nHidden).length));
  }

  public static int hiddenRows(int nHidden) {
    int n = shownHidden(nHidden).length;
    int cols = hiddenColumns(nHidden);
    return Math.max(1, (n + cols - 1) / cols);
  }

  public static int hiddenWidth(int nHidden) {
    return hiddenColumns(nHidden) * HIDDEN_PANEL_W;
  }

  public static int hiddenHeight(int nHidden) {
    return hiddenRows(nHidden) * HIDDEN_PANEL + TITLE_H;
  }

  /** Needs {@link SplitEvaluation#hasHiddenTimes()}. */
  public static Path writeHiddentimes(SplitEvaluation e, Path file, PlotTheme theme) {
    if (!e.hasHiddenTimes() || e.nHidden() == 0) {
      throw new IllegalArgumentException(
          "split '" + e.split() + "' has no hidden times; evaluate it with hidden times to plot them");
    }
    YinYangPlane p = YinYangPlane.of(e);
    int[] shown = shownHidden(e.nHidden());
    int cols = hiddenColumns(e.nHidden());
    int rows = hiddenRows(e.nHidden());
    double[][] z = new double[shown.length][e.nSamples()];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < shown.length; s++) {
      for (int i = 0; i < e.nSamples(); i++) {
        z[s][i] = e.hiddenTime(i, shown[s]);
      }
      double[] r = Charts.finiteRange(z[s]);
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
    }
    PaintScale scale = ColorMap.viridis().scale(lo, hi);
    Figure fig = new Figure(hiddenWidth(e.nHidden()), hiddenHeight(e.nHidden()),
        "Hidden-neuron spike times over the input plane (" + e.split() + ")", theme);
    for (int s = 0; s < shown.length; s++) {
      JFreeChart c = Charts.colouredScatter(theme, "hidden neuron " + shown[s], p.x(), p.y(),
          Charts.infToNaN(z[s]), scale, "spike time", MARKER - 2);
      fig.add(c, rows, cols, s / cols, s % cols);
    }
    return fig.write(file);
  }

  /** Number of unordered pairs of label neurons, K (K - 1) / 2. */
  public static int pairs(int nLabels) {
    return nLabels * (nLabels - 1) / 2;
  }

  public static int diffsWidth(int nLabels) {
    return Math.max(1, pairs(nLabels)) * PANEL_W;
  }

  public static Path writeSpiketimeDiffs(SplitEvaluation e, Path file, PlotTheme theme) {
    YinYangPlane p = YinYangPlane.of(e);
    int k = e.nClasses();
    int np = pairs(k);
    if (np == 0) {
      throw new IllegalArgumentException(
          "split '" + e.split() + "' has " + k + " label neurons; differences need at least 2");
    }
    double[][] z = new double[np][e.nSamples()];
    double m = 0;
    String[] titles = new String[np];
    int n = 0;
    for (int a = 0; a < k; a++) {
      for (int b = a + 1; b < k; b++) {
        titles[n] = "t(" + e.classNames().get(a) + ") - t(" + e.classNames().get(b) + ")";
        for (int i = 0; i < e.nSamples(); i++) {
          // Inf - Inf = NaN (grey); Inf - finite saturates the colour map at its end.
          double d = e.outputTime(i, a) - e.outputTime(i, b);
          z[n][i] = d;
          if (Double.isFinite(d)) {
            m = Math.max(m, Math.abs(d));
          }
        }
        n++;
      }
    }
    PaintScale scale = ColorMap.blueWhiteRed().scale(-m, m);
    Figure fig = new Figure(diffsWidth(k), PANEL + TITLE_H,
        "Spike-time differences of label neurons (" + e.split() + ")", theme);
    for (int s = 0; s < np; s++) {
      fig.add(Charts.colouredScatter(theme, titles[s], p.x(), p.y(), z[s], scale,
          "time difference", MARKER), 1, np, 0, s);
    }
    return fig.write(file);
  }

  private static Shape cross(double size) {
    double h = size / 2;
    GeneralPath g = new GeneralPath();
    g.moveTo(-h, -h);
    g.lineTo(h, h);
    g.moveTo(-h, h);
    g.lineTo(h, -h);
    return g;
  }
}
