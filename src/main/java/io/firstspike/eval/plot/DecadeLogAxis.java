package io.firstspike.eval.plot;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * A base-10 log axis with matplotlib's tick placement: major ticks at the decades 10^k (labelled
 * "10⁻²"), minor ticks at 2..9 x 10^k. When the range spans less than two decades the decades alone
 * are too few, so 2 x 10^k and 5 x 10^k are labelled too, as plain numbers ("0.2", "0.05").
 * JFreeChart's own LogAxis would label fractional exponents such as 10^-0.3 instead.
 */
final class DecadeLogAxis extends LogAxis {
  private static final long serialVersionUID = 1L;
  private static final String SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";

  DecadeLogAxis(String label) {
    super(label);
    setBase(10);
    setSmallestValue(1e-9);
  }

  @Override
  protected List refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
    TextAnchor anchor = edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT
        : TextAnchor.CENTER_LEFT;
    return ticks(anchor);
  }

  @Override
  protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
    TextAnchor anchor = edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER
        : TextAnchor.TOP_CENTER;
    return ticks(anchor);
  }

  private List<ValueTick> ticks(TextAnchor anchor) {
    double lo = getLowerBound();
    double hi = getUpperBound();
    List<ValueTick> ticks = new ArrayList<>();
    if (!(lo > 0) || !(hi > lo)) {
      return ticks;
    }
    int k0 = (int) Math.floor(Math.log10(lo));
    int k1 = (int) Math.ceil(Math.log10(hi));
    boolean fewDecades = Math.log10(hi) - Math.log10(lo) < 2;
    for (int k = k0; k <= k1; k++) {
      double decade = Math.pow(10, k);
      for (int m = 1; m <= 9; m++) {
        double v = m * decade;
        if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) {
          continue;
        }
        boolean major = m == 1;
        boolean labelled = major || (fewDecades && (m == 2 || m == 5));
        String text = !labelled ? "" : fewDecades ? plain(v) : power(k);
        ticks.add(new NumberTick(major ? TickType.MAJOR : TickType.MINOR, v, text, anchor,
            anchor, 0.0));
      }
    }
    return ticks;
  }

  /** "10⁻²" with Unicode superscripts (DejaVu Sans has them). */
  static String power(int k) {
    StringBuilder b = new StringBuilder("10");
    if (k < 0) {
      b.append('⁻');
    }
    for (char c : Integer.toString(Math.abs(k)).toCharArray()) {
      b.append(SUPERSCRIPT.charAt(c - '0'));
    }
    return b.toString();
  }

  /** Shortest plain decimal for 1, 2 or 5 x 10^k. */
  static String plain(double v) {
    String s = String.format(Locale.ROOT, "%.10f", v).replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
