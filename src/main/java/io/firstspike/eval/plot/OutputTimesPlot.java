package io.firstspike.eval.plot;

import io.firstspike.eval.SortedOutputs;
import io.firstspike.eval.SortedOutputs.ClassOutputs;
import java.nio.file.Path;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code output_times_sorted_<split>.png} (samples sorted by their earliest label spike) and
 * {@code output_times_sorted2_<split>.png} (sorted by the correct neuron's time): one panel per
 * true class, x = rank of the sample within its class, y = output time of every label neuron
 * (tab10 colour per neuron). Missing spikes (+Infinity) leave a gap in the line.
 */
public final class OutputTimesPlot {
  /** Panels per row at most. */
  static final int MAX_COLS = 5;
  static final int PANEL_W = 340;
  static final int PANEL_H = 300;
  static final int TITLE_H = 80;

  private OutputTimesPlot() {}

  public static int columns(int nClasses) {
    return Math.min(nClasses, MAX_COLS);
  }

  public static int rows(int nClasses) {
    return (nClasses + MAX_COLS - 1) / MAX_COLS;
  }

  public static int width(int nClasses) {
    return columns(nClasses) * PANEL_W;
  }

  public static int height(int nClasses) {
    return rows(nClasses) * PANEL_H + TITLE_H;
  }

  public static Path write(SortedOutputs s, Path file, PlotTheme theme) {
    int k = s.classNames().size();
    int rows = rows(k);
    int cols = columns(k);
    double max = s.maxFiniteTime();
    String title = "Label-neuron output times (" + s.split() + "), samples sorted by "
        + s.order();
    Figure fig = new Figure(width(k), height(k), title, theme);
    for (ClassOutputs c : s.classes()) {
      XYSeriesCollection data = new XYSeriesCollection();
      for (int j = 0; j < k; j++) {
        XYSeries ser = new XYSeries("neuron " + s.classNames().get(j), false, true);
        for (int r = 0; r < c.size(); r++) {
          double t = c.time(r, j);
          ser.add(r, Double.isFinite(t) ? t : Double.NaN);
        }
        data.addSeries(ser);
      }
      NumberAxis y = Charts.linear("output time");
      if (Double.isFinite(max)) {
        y.setRange(0, max * 1.05 + 1e-9);
      }
      NumberAxis x = Charts.linear("sample rank");
      x.setRange(0, Math.max(1, c.size() - 1));
      XYPlot plot = new XYPlot(data, x, y, Charts.lines(k, false));
      String panelTitle = "true class " + s.classNames().get(c.trueClass()) + " (n=" + c.size()
          + ")";
      JFreeChart chart = theme.chart(panelTitle, plot, false);
      int i = c.trueClass();
      fig.add(chart, rows, cols, i / cols, i % cols);
    }
    java.util.List<String> labels = new java.util.ArrayList<>();
    java.util.List<java.awt.Color> colors = new java.util.ArrayList<>();
    for (int j = 0; j < k; j++) {
      labels.add("neuron " + s.classNames().get(j));
      colors.add(PlotTheme.color(j));
    }
    return fig.legend(labels, colors).write(file);
  }
}
