package io.firstspike.eval.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.RenderingHints;
import java.util.Arrays;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.title.Title;
import org.jfree.chart.ui.RectangleInsets;

/**
 * An explicit matplotlib-like look for every chart: white background, thin black frame, light
 * grid, the tab10 colour cycle, DejaVu Sans when installed (matplotlib's default font), SansSerif
 * otherwise, anti-aliased shapes and text. Explicit because JFreeChart's defaults (grey
 * background, white grid, its own palette) look nothing like the paper's figures.
 */
public final class PlotTheme {
  /** matplotlib's tab10 colour cycle. */
  public static final List<Color> TAB10 = List.of(
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
      new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
      new Color(0xbcbd22), new Color(0x17becf));

  public static final Color GRID = new Color(0xdddddd);
  public static final Color FRAME = Color.BLACK;
  public static final Color TEXT = new Color(0x222222);

  /** The one theme used by all renderers. */
  public static final PlotTheme DEFAULT = new PlotTheme(resolveFamily(), 1.0f);

  private final String family;
  private final float scale;

  public PlotTheme(String family, float scale) {
    this.family = family;
    this.scale = scale;
  }

  /** "DejaVu Sans" if the JVM sees it, else the logical font "SansSerif". */
  static String resolveFamily() {
    try {
      String[] names = GraphicsEnvironment.getLocalGraphicsEnvironment()
          .getAvailableFontFamilyNames();
      return Arrays.asList(names).contains("DejaVu Sans") ? "DejaVu Sans" : Font.SANS_SERIF;
    } catch (RuntimeException | Error e) {
      return Font.SANS_SERIF;
    }
  }

  public String family() {
    return family;
  }

  /** Tab10 colour number i (cycled). */
  public static Color color(int i) {
    return TAB10.get(Math.floorMod(i, TAB10.size()));
  }

  public Font titleFont() {
    return new Font(family, Font.PLAIN, Math.round(15 * scale));
  }

  public Font figureTitleFont() {
    return new Font(family, Font.BOLD, Math.round(17 * scale));
  }

  public Font labelFont() {
    return new Font(family, Font.PLAIN, Math.round(13 * scale));
  }

  public Font tickFont() {
    return new Font(family, Font.PLAIN, Math.round(11 * scale));
  }

  public Font annotationFont() {
    return new Font(family, Font.PLAIN, Math.round(12 * scale));
  }

  /** Rendering hints for anti-aliased shapes and text. */
  public static RenderingHints hints() {
    RenderingHints h = new RenderingHints(RenderingHints.KEY_ANTIALIASING,
        RenderingHints.VALUE_ANTIALIAS_ON);
    h.put(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    h.put(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    h.put(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    return h;
  }

  /** Builds a chart around a plot with this theme applied; title may be null. */
  public JFreeChart chart(String title, Plot plot, boolean legend) {
    JFreeChart c = new JFreeChart(title, titleFont(), plot, legend);
    apply(c);
    return c;
  }

  /** Applies the theme to a chart and its XY plot (if it is one), axes, legend and subtitles. */
  public void apply(JFreeChart c) {
    c.setRenderingHints(hints());
    c.setBackgroundPaint(Color.WHITE);
    c.setPadding(new RectangleInsets(4, 4, 4, 8));
    if (c.getTitle() != null) {
      c.getTitle().setFont(titleFont());
      c.getTitle().setPaint(TEXT);
    }
    for (int i = 0; i < c.getSubtitleCount(); i++) {
      styleTitle(c.getSubtitle(i));
    }
    Plot p = c.getPlot();
    p.setBackgroundPaint(Color.WHITE);
    p.setOutlinePaint(FRAME);
    p.setOutlineStroke(new BasicStroke(0.8f));
    if (p instanceof XYPlot xy) {
      xy.setAxisOffset(RectangleInsets.ZERO_INSETS);
      xy.setDomainGridlinePaint(GRID);
      xy.setRangeGridlinePaint(GRID);
      xy.setDomainGridlineStroke(new BasicStroke(0.8f));
      xy.setRangeGridlineStroke(new BasicStroke(0.8f));
      xy.setDomainGridlinesVisible(true);
      xy.setRangeGridlinesVisible(true);
      for (int i = 0; i < xy.getDomainAxisCount(); i++) {
        styleAxis(xy.getDomainAxis(i));
      }
      for (int i = 0; i < xy.getRangeAxisCount(); i++) {
        styleAxis(xy.getRangeAxis(i));
      }
    }
  }

  /** Fonts and colours of an axis (also used for colour-bar axes). */
  public void styleAxis(Axis a) {
    if (a == null) {
      return;
    }
    a.setLabelFont(labelFont());
    a.setLabelPaint(TEXT);
    a.setTickLabelFont(tickFont());
    a.setTickLabelPaint(TEXT);
    a.setAxisLinePaint(FRAME);
    a.setTickMarkPaint(FRAME);
    a.setTickMarkOutsideLength(4f);
    a.setTickMarkInsideLength(0f);
    if (a instanceof ValueAxis v) {
      v.setTickMarksVisible(true);
    }
  }

  private void styleTitle(Title t) {
    if (t instanceof LegendTitle l) {
      l.setItemFont(tickFont());
      l.setBackgroundPaint(Color.WHITE);
      l.setFrame(new org.jfree.chart.block.BlockBorder(new Color(0xcccccc)));
    } else if (t instanceof PaintScaleLegend s) {
      styleAxis(s.getAxis());
      s.setBackgroundPaint(Color.WHITE);
    } else if (t instanceof TextTitle tt) {
      tt.setFont(labelFont());
      tt.setPaint(TEXT);
    }
  }
}
