package io.firstspike.eval.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;

/**
 * A figure of several chart panels on one PNG, like a matplotlib figure with subplots.
 * JFreeChart draws one chart per rectangle; a figure places them on a grid below an optional
 * figure title ("suptitle") and writes the image.
 */
public final class Figure {
  private record Panel(JFreeChart chart, double x, double y, double w, double h) {}

  private final int width;
  private final int height;
  private final String title;
  private final PlotTheme theme;
  private final List<Panel> panels = new ArrayList<>();
  private final List<String> legendLabels = new ArrayList<>();
  private final List<Color> legendColors = new ArrayList<>();

  /** An empty figure of the given pixel size; title may be null. */
  public Figure(int width, int height, String title, PlotTheme theme) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("figure size must be positive, got " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    this.title = title;
    this.theme = theme;
  }

  /** Places a chart in cell (row, col) of a rows x cols grid, spanning rowSpan x colSpan cells. */
  public Figure add(JFreeChart chart, int rows, int cols, int row, int col, int rowSpan,
      int colSpan) {
    return addFraction(chart, (double) col / cols, (double) row / rows, (double) colSpan / cols,
        (double) rowSpan / rows);
  }

  /** Places a chart in cell (row, col) of a rows x cols grid. */
  public Figure add(JFreeChart chart, int rows, int cols, int row, int col) {
    return add(chart, rows, cols, row, col, 1, 1);
  }

  /** Places a chart at fractions (0..1) of the area below the title. */
  public Figure addFraction(JFreeChart chart, double x, double y, double w, double h) {
    panels.add(new Panel(chart, x, y, w, h));
    return this;
  }

  /**
   * Adds a figure-wide legend (a line in each colour with its label) along the bottom edge, for
   * panels that share their series, instead of repeating a legend in every panel.
   */
  public Figure legend(List<String> labels, List<Color> colors) {
    if (labels.size() != colors.size()) {
      throw new IllegalArgumentException(
          "figure legend: " + labels.size() + " labels but " + colors.size() + " colours");
    }
    legendLabels.addAll(labels);
    legendColors.addAll(colors);
    return this;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Draws every panel into a new RGB image. */
  public BufferedImage render() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHints(PlotTheme.hints());
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      int top = 0;
      if (title != null && !title.isEmpty()) {
        Font f = theme.figureTitleFont();
        g.setFont(f);
        g.setColor(PlotTheme.TEXT);
        FontMetrics fm = g.getFontMetrics();
        top = fm.getHeight() + 12;
        g.drawString(title, (width - fm.stringWidth(title)) / 2, 6 + fm.getAscent());
      }
      int areaH = height - top - drawLegend(g);
      for (Panel p : panels) {
        double x = p.x * width;
        double y = top + p.y * areaH;
        Rectangle2D r = new Rectangle2D.Double(x, y, p.w * width, p.h * areaH);
        p.chart.draw(g, r);
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Draws the legend rows at the bottom, centred; returns the height they take. */
  private int drawLegend(Graphics2D g) {
    if (legendLabels.isEmpty()) {
      return 0;
    }
    g.setFont(theme.labelFont());
    FontMetrics fm = g.getFontMetrics();
    int line = 22;
    int gap = 18;
    int rowH = fm.getHeight() + 6;
    List<List<Integer>> rows = new ArrayList<>();
    List<Integer> row = new ArrayList<>();
    int used = 0;
    for (int i = 0; i < legendLabels.size(); i++) {
      int w = line + 6 + fm.stringWidth(legendLabels.get(i)) + gap;
      if (!row.isEmpty() && used + w > width - 40) {
        rows.add(row);
        row = new ArrayList<>();
        used = 0;
      }
      row.add(i);
      used += w;
    }
    rows.add(row);
    int total = rows.size() * rowH + 12;
    int y = height - total + 6;
    java.awt.Stroke old = g.getStroke();
    for (List<Integer> r : rows) {
      int w = 0;
      for (int i : r) {
        w += line + 6 + fm.stringWidth(legendLabels.get(i)) + gap;
      }
      int x = (width - w + gap) / 2;
      int mid = y + rowH / 2;
      for (int i : r) {
        g.setColor(legendColors.get(i));
        g.setStroke(new java.awt.BasicStroke(2.5f));
        g.drawLine(x, mid, x + line, mid);
        g.setColor(PlotTheme.TEXT);
        g.drawString(legendLabels.get(i), x + line + 6, mid + fm.getAscent() / 2 - 1);
        x += line + 6 + fm.stringWidth(legendLabels.get(i)) + gap;
      }
      y += rowH;
    }
    g.setStroke(old);
    return total;
  }

  /** Renders and writes a PNG, creating the parent folder. */
  public Path write(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(render(), "png", file.toFile())) {
        throw new IOException("no PNG writer available");
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write plot " + file + ": " + e.getMessage(), e);
    }
  }
}
