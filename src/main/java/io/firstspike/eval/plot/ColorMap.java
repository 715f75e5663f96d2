package io.firstspike.eval.plot;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * A colour map: piecewise-linear interpolation in RGB between evenly spaced colour stops, as
 * matplotlib's listed maps do. Values are mapped to 0..1 by {@code (v - lo) / (hi - lo)} and
 * clamped; NaN gets the "bad" colour (light grey), +-Infinity the end colours.
 */
public final class ColorMap {
  /** Colour for NaN (e.g. a neuron that never spiked). */
  public static final Color BAD = new Color(0xd0d0d0);

  private final String name;
  private final Color[] stops;

  private ColorMap(String name, int... rgb) {
    this.name = name;
    this.stops = new Color[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      stops[i] = new Color(rgb[i]);
    }
  }

  /** Perceptually uniform sequential map (dark violet to yellow), for spike times. */
  public static ColorMap viridis() {
    return new ColorMap("viridis", 0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89,
        0x35b779, 0x6ece58, 0xb5de2b, 0xfde725);
  }

  /** Diverging map centred on white: blue for negative, red for positive (ColorBrewer RdBu). */
  public static ColorMap blueWhiteRed() {
    return new ColorMap("RdBu_r", 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7,
        0xf4a582, 0xd6604d, 0xb2182b);
  }

  /** Sequential white to dark blue, for fractions such as a confusion matrix. */
  public static ColorMap blues() {
    return new ColorMap("Blues", 0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6,
        0x2171b5, 0x08519c, 0x08306b);
  }

  public String name() {
    return name;
  }

  /** Colour at position f in 0..1 (clamped); NaN gives {@link #BAD}. */
  public Color at(double f) {
    if (Double.isNaN(f)) {
      return BAD;
    }
    double p = Math.max(0, Math.min(1, f)) * (stops.length - 1);
    int i = Math.min((int) Math.floor(p), stops.length - 2);
    double u = p - i;
    Color a = stops[i];
    Color b = stops[i + 1];
    return new Color(
        (int) Math.round(a.getRed() + u * (b.getRed() - a.getRed())),
        (int) Math.round(a.getGreen() + u * (b.getGreen() - a.getGreen())),
        (int) Math.round(a.getBlue() + u * (b.getBlue() - a.getBlue())));
  }

  /** Perceived brightness 0..1 of the colour at f, to pick black or white text on it. */
  public double luminance(double f) {
    Color c = at(f);
    return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255.0;
  }

  /** A JFreeChart paint scale over [lo, hi]; lo == hi is widened to avoid division by zero. */
  public PaintScale scale(double lo, double hi) {
    double l = lo;
    double h = hi;
    if (!(h > l)) {
      l = lo - 0.5;
      h = lo + 0.5;
    }
    return new Scale(this, l, h);
  }

  /** Paint scale; package private record so it stays serializable-free and immutable. */
  private record Scale(ColorMap map, double lo, double hi) implements PaintScale {
    @Override
    public double getLowerBound() {
      return lo;
    }

    @Override
    public double getUpperBound() {
      return hi;
    }

    @Override
    public Paint getPaint(double value) {
      if (Double.isNaN(value)) {
        return BAD;
      }
      return map.at((value - lo) / (hi - lo));
    }
  }
}
