package io.firstspike.eval.plot;

import io.firstspike.eval.WeightSet;
import java.awt.Color;
import java.nio.file.Path;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.statistics.HistogramType;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * Weight plots: {@code weight_hist.png} (per layer, histograms of the untrained and trained
 * weights overlaid; {@code delay_hist.png} the same for a DelGrad network's effective delays) and {@code weight_matrix_layer_<l>.png} (heat map of a layer's weights,
 * rows = inputs with bias rows last, columns = neurons, diverging colour map centred at 0 with a
 * symmetric range +-max|w|; untrained and trained side by side when both exist).
 */
public final class WeightPlots {
  public static final int PANEL_W = 520;
  public static final int HIST_HEIGHT = 440;
  public static final int MATRIX_HEIGHT = 640;
  static final int BINS = 50;

  private WeightPlots() {}

  public static int histWidth(int layers) {
    return Math.max(1, layers) * PANEL_W;
  }

  public static int matrixWidth(int sets) {
    return Math.max(1, sets) * 700;
  }

  /** Either set may be null, not both; both must have the same number of layers. */
  public static Path writeHistograms(WeightSet untrained, WeightSet trained, Path file,
      PlotTheme theme) {
    return writeHistograms(untrained, trained, file, theme, "Weight distributions", "weight");
  }

  /**
   * Histograms of the effective delays of a DelGrad network's delay layers ({@code
   * delay_hist.png}), untrained and trained overlaid, one panel per delay layer.
   */
  public static Path writeDelayHistograms(WeightSet untrained, WeightSet trained, Path file,
      PlotTheme theme) {
    return writeHistograms(untrained, trained, file, theme, "Delay distributions",
        "effective delay");
  }

  private static Path writeHistograms(WeightSet untrained, WeightSet trained, Path file,
      PlotTheme theme, String title, String valueLabel) {
    int layers = layers(untrained, trained);
    Figure fig = new Figure(histWidth(layers), HIST_HEIGHT, title, theme);
    for (int l = 0; l < layers; l++) {
      HistogramDataset d = new HistogramDataset();
      d.setType(HistogramType.FREQUENCY);
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (WeightSet s : new WeightSet[] {untrained, trained}) {
        if (s != null) {
          double[] w = finite(s, l);
          for (double v : w) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
      if (!(hi > lo)) {
        lo = (Double.isFinite(lo) ? lo : 0) - 0.5;
        hi = lo + 1;
      }
      if (untrained != null) {
        d.addSeries("untrained", finite(untrained, l), BINS, lo, hi);
      }
      if (trained != null) {
        d.addSeries("trained", finite(trained, l), BINS, lo, hi);
      }
      XYBarRenderer r = new XYBarRenderer(0.0);
      r.setBarPainter(new StandardXYBarPainter());
      r.setShadowVisible(false);
      int series = 0;
      if (untrained != null) {
        r.setSeriesPaint(series++, alpha(PlotTheme.color(0), 150));
      }
      if (trained != null) {
        r.setSeriesPaint(series, alpha(PlotTheme.color(1), 150));
      }
      NumberAxis y = Charts.linear("count");
      y.setAutoRangeIncludesZero(true);
      XYPlot plot = new XYPlot(d, Charts.linear(valueLabel), y, r);
      WeightSet shape = trained != null ? trained : untrained;
      JFreeChart c = theme.chart("layer " + shape.layerNumber(l) + " (" + shape.rows(l) + " x "
          + shape.cols(l) + ")", plot, true);
      LegendTitle leg = c.getLegend();
      leg.setPosition(RectangleEdge.BOTTOM);
      fig.add(c, 1, layers, 0, l);
    }
    return fig.write(file);
  }

  /** Heat map(s) of one layer's weights. */
  public static Path writeMatrix(WeightSet untrained, WeightSet trained, int layer, Path file,
      PlotTheme theme) {
    layers(untrained, trained);
    int sets = (untrained != null ? 1 : 0) + (trained != null ? 1 : 0);
    WeightSet named = trained != null ? trained : untrained;
    Figure fig = new Figure(matrixWidth(sets), MATRIX_HEIGHT,
        "Weights of layer " + named.layerNumber(layer), theme);
    int col = 0;
    if (untrained != null) {
      fig.add(matrixChart(untrained, layer, "untrained", theme), 1, sets, 0, col++);
    }
    if (trained != null) {
      fig.add(matrixChart(trained, layer, "trained", theme), 1, sets, 0, col);
    }
    return fig.write(file);
  }

  static JFreeChart matrixChart(WeightSet s, int l, String title, PlotTheme theme) {
    int rows = s.rows(l);
    int cols = s.cols(l);
    double[][] xyz = new double[3][rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        int n = i * cols + j;
        xyz[0][n] = j;
        xyz[1][n] = i;
        xyz[2][n] = s.weightAt(l, n);
      }
    }
    DefaultXYZDataset d = new DefaultXYZDataset();
    d.addSeries("w", xyz);
    double m = s.maxAbs(l);
    PaintScale scale = ColorMap.blueWhiteRed().scale(-m, m);
    XYBlockRenderer r = new XYBlockRenderer();
    r.setPaintScale(scale);
    NumberAxis x = Charts.linear("neuron");
    x.setRange(-0.5, cols - 0.5);
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis y = Charts.linear("input (bias rows last)");
    y.setRange(-0.5, rows - 0.5);
    y.setInverted(true);
    y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    XYPlot plot = new XYPlot(d, x, y, r);
    JFreeChart c = theme.chart(title + " (" + rows + " x " + cols + ")", plot, false);
    c.addSubtitle(Charts.colourBar(theme, scale, "weight"));
    theme.apply(c);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    return c;
  }

  private static int layers(WeightSet a, WeightSet b) {
    if (a == null && b == null) {
      throw new IllegalArgumentException("weight plots need untrained or trained weights");
    }
    if (a != null && b != null && a.nLayers() != b.nLayers()) {
      throw new IllegalArgumentException("untrained weights have " + a.nLayers()
          + " layers but trained weights " + b.nLayers());
    }
    return a != null ? a.nLayers() : b.nLayers();
  }

  private static double[] finite(WeightSet s, int l) {
    return java.util.stream.IntStream.range(0, s.size(l)).mapToDouble(i -> s.weightAt(l, i))
        .filter(Double::isFinite).toArray();
  }

  private static Color alpha(Color c, int a) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), a);
  }
}
