package io.firstspike.eval.plot;

import io.firstspike.eval.TrainingCurves;
import java.awt.BasicStroke;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * {@code <dataset>_summary_plot.png}, the paper's training figure: left column accuracy, loss and
 * error rate per epoch; right column one panel per true class with, for every label neuron, the
 * mean validation output time over epochs and a band of +- one standard deviation (tab10 colour
 * per neuron). Without recorded outputs the right column is left out.
 */
public final class SummaryPlot {
  public static final int WIDTH = 1400;
  static final int PANEL_H = 190;
  static final int MIN_HEIGHT = 900;
  static final int TITLE_H = 80;

  private SummaryPlot() {}

  /** Pixel height for a number of true classes: room for one right-hand panel each. */
  public static int height(int nClasses) {
    return Math.max(MIN_HEIGHT, nClasses * PANEL_H + TITLE_H);
  }

  public static Path write(TrainingCurves c, String dataset, List<String> classNames, Path file,
      PlotTheme theme) {
    int k = c.nClasses();
    Figure fig = new Figure(WIDTH, height(k), "Summary (" + dataset + ")", theme);
    double leftW = k > 0 ? 0.42 : 1.0;
    fig.addFraction(CurvePanels.accuracy(c, theme), 0, 0, leftW, 1.0 / 3);
    fig.addFraction(CurvePanels.loss(c, theme), 0, 1.0 / 3, leftW, 1.0 / 3);
    fig.addFraction(CurvePanels.error(c, theme), 0, 2.0 / 3, leftW, 1.0 / 3);
    double[] epochs = c.outputEpochs();
    for (int cls = 0; cls < k; cls++) {
      fig.addFraction(classPanel(c, epochs, cls, classNames, theme, cls == k - 1), leftW,
          (double) cls / k, 1 - leftW, 1.0 / k);
    }
    if (k > 0) {
      List<String> labels = new java.util.ArrayList<>();
      List<java.awt.Color> colors = new java.util.ArrayList<>();
      for (int j = 0; j < c.nNeurons(); j++) {
        labels.add("neuron " + name(classNames, j));
        colors.add(PlotTheme.color(j));
      }
      fig.legend(labels, colors);
    }
    return fig.write(file);
  }

  private static JFreeChart classPanel(TrainingCurves c, double[] epochs, int cls,
      List<String> names, PlotTheme theme, boolean last) {
    int n = c.nNeurons();
    YIntervalSeriesCollection d = new YIntervalSeriesCollection();
    for (int j = 0; j < n; j++) {
      YIntervalSeries s = new YIntervalSeries("neuron " + name(names, j));
      for (int i = 0; i < epochs.length; i++) {
        double m = c.meanOutput(i, cls, j);
        double sd = c.stdOutput(i, cls, j);
        if (Double.isFinite(m)) {
          double band = Double.isFinite(sd) ? sd : 0;
          s.add(epochs[i], m, m - band, m + band);
        }
      }
      d.addSeries(s);
    }
    DeviationRenderer r = new DeviationRenderer(true, false);
    r.setAlpha(0.25f);
    for (int j = 0; j < n; j++) {
      r.setSeriesPaint(j, PlotTheme.color(j));
      r.setSeriesFillPaint(j, PlotTheme.color(j));
      r.setSeriesStroke(j, new BasicStroke(1.6f));
    }
    NumberAxis x = Charts.linear(last ? "epoch" : null);
    NumberAxis y = Charts.linear("time");
    XYPlot plot = new XYPlot(d, x, y, r);
    JFreeChart chart = theme.chart(null, plot, false);
    chart.addSubtitle(0, new org.jfree.chart.title.TextTitle("true class " + name(names, cls)));
    theme.apply(chart);
    return chart;
  }

  private static String name(List<String> names, int i) {
    return names != null && i < names.size() ? names.get(i) : Integer.toString(i);
  }
}
