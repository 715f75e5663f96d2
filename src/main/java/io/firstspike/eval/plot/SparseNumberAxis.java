package io.firstspike.eval.plot;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnit;
import org.jfree.chart.axis.TickUnitSource;
import org.jfree.chart.ui.RectangleEdge;

/**
 * A number axis that shows at most {@link #MAX_TICKS} intervals, like matplotlib's default
 * locator. JFreeChart picks the smallest unit whose labels do not overlap, which on a tall panel
 * means a label every 0.02; this axis steps up to the next standard unit until the count fits.
 */
final class SparseNumberAxis extends NumberAxis {
  private static final long serialVersionUID = 1L;
  static final int MAX_TICKS = 8;

  SparseNumberAxis(String label) {
    super(label);
  }

  @Override
  protected void selectAutoTickUnit(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
    super.selectAutoTickUnit(g2, dataArea, edge);
    TickUnitSource source = getStandardTickUnits();
    TickUnit unit = getTickUnit();
    double length = getRange().getLength();
    for (int guard = 0; guard < 64 && length / unit.getSize() > MAX_TICKS; guard++) {
      TickUnit larger = source.getLargerTickUnit(unit);
      if (larger == null || larger.getSize() <= unit.getSize()) {
        break;
      }
      unit = larger;
    }
    if (unit instanceof NumberTickUnit n) {
      setTickUnit(n, false, false);
    }
  }
}
