package io.firstspike.eval.plot;

import io.firstspike.eval.TrainingCurves;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The three per-epoch panels shared by {@code loss_accuracy.png} and {@code summary_plot.png}:
 * accuracy (linear), error rate 1 - accuracy (log) and loss (log), train and validation each.
 * Values that a log axis cannot show (0, negative, NaN) are left out.
 */
final class CurvePanels {
  private CurvePanels() {}

  static JFreeChart accuracy(TrainingCurves c, PlotTheme theme) {
    XYSeriesCollection d = new XYSeriesCollection();
    d.addSeries(Charts.series("train", c.trainEpochs(), c.trainAccuracy(), false));
    d.addSeries(Charts.series("validation", c.valEpochs(), c.valAccuracy(), false));
    NumberAxis y = Charts.linear("accuracy");
    y.setUpperMargin(0.02);
    return finish(Charts.lineChart(theme, "Accuracy", "epoch", y, d, true));
  }

  static JFreeChart error(TrainingCurves c, PlotTheme theme) {
    XYSeriesCollection d = new XYSeriesCollection();
    d.addSeries(Charts.series("train", c.trainEpochs(), oneMinus(c.trainAccuracy()), true));
    d.addSeries(Charts.series("validation", c.valEpochs(), oneMinus(c.valAccuracy()), true));
    return finish(Charts.lineChart(theme, "Error rate", "epoch", logAxis("1 - accuracy", d), d,
        true));
  }

  static JFreeChart loss(TrainingCurves c, PlotTheme theme) {
    XYSeriesCollection d = new XYSeriesCollection();
    d.addSeries(Charts.series("train", c.trainEpochs(), c.trainLoss(), true));
    d.addSeries(Charts.series("validation", c.valEpochs(), c.valLoss(), true));
    return finish(Charts.lineChart(theme, "Loss", "epoch", logAxis("loss", d), d, true));
  }

  /** A log axis, or a linear one if no series has a positive value (nothing to log). */
  private static ValueAxis logAxis(String label, XYSeriesCollection d) {
    for (int i = 0; i < d.getSeriesCount(); i++) {
      if (d.getSeries(i).getItemCount() > 0) {
        return Charts.log(label);
      }
    }
    return Charts.linear(label);
  }

  private static JFreeChart finish(JFreeChart c) {
    LegendTitle l = c.getLegend();
    if (l != null) {
      l.setPosition(RectangleEdge.BOTTOM);
    }
    return c;
  }

  private static double[] oneMinus(double[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = 1 - a[i];
    }
    return r;
  }
}
