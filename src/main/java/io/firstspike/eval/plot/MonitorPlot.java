package io.firstspike.eval.plot;

import io.firstspike.eval.MonitorTrace;
import java.awt.BasicStroke;
import java.nio.file.Path;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code <dataset>_monitor<k>_plot.png}: the traces of a monitored layer's parameters over the
 * epochs (DELGRAD-MODEL.md sections 7.4 and 12), one line per effective delay of a Delay layer or
 * per weight of a NeuronLayer, from epoch 0 (before training) to the snapshot's epoch. Lines are
 * coloured by postsynaptic neuron (by input row when the layer has one column, as an axonal
 * delay layer), cycling the tab10 colours. Unknown records (NaN) are left out.
 */
public final class MonitorPlot {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 560;

  private MonitorPlot() {}

  public static Path write(MonitorTrace t, String dataset, Path file, PlotTheme theme) {
    return new Figure(WIDTH, HEIGHT, "Monitored layer " + t.monitor() + " (" + dataset + ")",
        theme).add(chart(t, theme), 1, 1, 0, 0).write(file);
  }

  static JFreeChart chart(MonitorTrace t, PlotTheme theme) {
    XYSeriesCollection d = new XYSeriesCollection();
    double[] x = t.epochs();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    BasicStroke stroke = new BasicStroke(1.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    for (int p = 0; p < t.parameters(); p++) {
      d.addSeries(Charts.series("p" + p, x, t.trace(p), false));
      int colour = t.cols() > 1 ? p % t.cols() : p / t.cols();
      r.setSeriesPaint(p, PlotTheme.color(colour));
      r.setSeriesStroke(p, stroke);
    }
    NumberAxis xAxis = Charts.linear("epoch");
    xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    XYPlot plot = new XYPlot(d, xAxis, Charts.linear(t.delays() ? "effective delay" : "weight"),
        r);
    return theme.chart("layer " + t.layerIndex() + " (" + t.layerName() + "): " + t.quantity()
        + ", " + t.rows() + " x " + t.cols(), plot, false);
  }
}
