package io.firstspike.eval.plot;

import io.firstspike.eval.ConfusionMatrix;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * {@code <dataset>_confusion_matrix_<split>.png}: fractions per true class (rows, top to bottom)
 * and predicted class (columns), value written in each cell, accuracy in the title. A "none"
 * column (no label neuron spiked) is shown only when such samples exist.
 */
public final class ConfusionMatrixPlot {
  public static final int WIDTH = 820;
  public static final int HEIGHT = 720;

  private ConfusionMatrixPlot() {}

  public static JFreeChart chart(ConfusionMatrix m, String split, PlotTheme theme) {
    int k = m.nClasses();
    int cols = m.hasNone() ? k + 1 : k;
    List<String> colNames = new ArrayList<>(m.classNames());
    if (m.hasNone()) {
      colNames.add(ConfusionMatrix.NONE);
    }
    double[][] xyz = new double[3][k * cols];
    int n = 0;
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < cols; p++) {
        xyz[0][n] = p;
        xyz[1][n] = t;
        xyz[2][n] = m.fraction(t, p);
        n++;
      }
    }
    DefaultXYZDataset d = new DefaultXYZDataset();
    d.addSeries("fractions", xyz);
    ColorMap cmap = ColorMap.blues();
    PaintScale scale = cmap.scale(0, 1);
    XYBlockRenderer r = new XYBlockRenderer();
    r.setPaintScale(scale);
    SymbolAxis x = new SymbolAxis("predicted class", colNames.toArray(String[]::new));
    x.setGridBandsVisible(false);
    SymbolAxis y = new SymbolAxis("true class", m.classNames().toArray(String[]::new));
    y.setGridBandsVisible(false);
    y.setInverted(true);
    x.setRange(-0.5, cols - 0.5);
    y.setRange(-0.5, k - 0.5);
    XYPlot plot = new XYPlot(d, x, y, r);
    boolean small = k * cols <= 36;
    java.awt.Font font = small ? theme.labelFont() : theme.tickFont();
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < cols; p++) {
        double f = m.fraction(t, p);
        String text = k <= 10 ? String.format(Locale.ROOT, "%.2f", f)
            : String.format(Locale.ROOT, "%.1f", f);
        XYTextAnnotation a = new XYTextAnnotation(text, p, t);
        a.setFont(font);
        a.setTextAnchor(TextAnchor.CENTER);
        a.setPaint(cmap.luminance(f) < 0.55 ? Color.WHITE : Color.BLACK);
        plot.addAnnotation(a);
      }
    }
    String title = "Confusion matrix (" + split + "), accuracy " + Charts.percent(m.accuracy());
    JFreeChart c = theme.chart(title, plot, false);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    c.addSubtitle(Charts.colourBar(theme, scale, "fraction of true class"));
    theme.apply(c);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    return c;
  }

  public static Path write(ConfusionMatrix m, String split, Path file, PlotTheme theme) {
    return new Figure(WIDTH, HEIGHT, null, theme)
        .add(chart(m, split, theme), 1, 1, 0, 0)
        .write(file);
  }
}
