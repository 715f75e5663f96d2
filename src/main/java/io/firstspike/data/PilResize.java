package io.firstspike.data;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resizes 8-bit grey images exactly as PIL (Pillow 9.x) does with {@code Image.BILINEAR}, which is
 * what torchvision's {@code Resize} applies to PIL images, including its antialiasing when
 * shrinking.
 *
 * <p>PIL resamples in two separable passes, horizontal first, and rounds each pass back to 8 bits.
 * For output index i of a pass from {@code in} to {@code out} pixels:
 *
 * <pre>
 *   scale = in / out;  support = max(scale, 1);  centre = (i + 0.5) * scale
 *   inputs x in [ (int)(centre - support + 0.5), (int)(centre + support + 0.5) ), clamped to 0..in
 *   w(x) = max(0, 1 - |(x - centre + 0.5) * (1 / max(scale, 1))|), normalised to sum 1
 *   k(x) = (int)(w(x) * 2^22 + 0.5)     (fixed point, 22 fraction bits)
 *   out  = clamp((2^21 + sum_x k(x) * pixel(x)) &gt;&gt; 22, 0, 255)
 * </pre>
 */
public final class PilResize {
  private static final int PRECISION_BITS = 22;

  private PilResize() {}

  /** Fixed-point filter weights of one pass: for each output index, a window start and weights. */
  private record Coefficients(int[] start, int[][] k) {}

  /** Coefficients by (in, out) size: a data set resizes thousands of images the same way. */
  private static final Map<Long, Coefficients> CACHE = new ConcurrentHashMap<>();

  /**
   * Resizes a row-major 8-bit image.
   *
   * @param pixels values 0..255, row-major {@code height x width}
   * @return values 0..255, row-major {@code outHeight x outWidth}
   */
  public static int[] bilinear(int[] pixels, int width, int height, int outWidth, int outHeight) {
    if (pixels.length != width * height) {
      throw new IllegalArgumentException("image has " + pixels.length + " pixels, expected "
          + width + " x " + height);
    }
    if (outWidth <= 0 || outHeight <= 0) {
      throw new IllegalArgumentException(
          "output size must be positive, got " + outWidth + " x " + outHeight);
    }
    int[] mid = pixels;
    if (outWidth != width) {
      Coefficients cx = coefficients(width, outWidth);
      mid = new int[height * outWidth];
      for (int y = 0; y < height; y++) {
        for (int i = 0; i < outWidth; i++) {
          long ss = 1L << (PRECISION_BITS - 1);
          int[] k = cx.k()[i];
          int x0 = cx.start()[i];
          for (int x = 0; x < k.length; x++) {
            ss += (long) k[x] * pixels[y * width + x0 + x];
          }
          mid[y * outWidth + i] = clip8(ss);
        }
      }
    }
    if (outHeight == height) {
      return mid;
    }
    Coefficients cy = coefficients(height, outHeight);
    int[] out = new int[outHeight * outWidth];
    for (int j = 0; j < outHeight; j++) {
      int[] k = cy.k()[j];
      int y0 = cy.start()[j];
      for (int x = 0; x < outWidth; x++) {
        long ss = 1L << (PRECISION_BITS - 1);
        for (int y = 0; y < k.length; y++) {
          ss += (long) k[y] * mid[(y0 + y) * outWidth + x];
        }
        out[j * outWidth + x] = clip8(ss);
      }
    }
    return out;
  }

  private static int clip8(long ss) {
    long v = ss >> PRECISION_BITS;
    return (int) Math.max(0, Math.min(255, v));
  }

  private static Coefficients coefficients(int in, int out) {
    return CACHE.computeIfAbsent(((long) in << 32) | out, key -> computeCoefficients(in, out));
  }

  private static Coefficients computeCoefficients(int in, int out) {
    double scale = (double) in / out;
    double filterScale = Math.max(scale, 1.0);
    double support = filterScale; // bilinear support 1.0, widened when shrinking (antialias)
    double ss = 1.0 / filterScale; // PIL multiplies by the reciprocal: keep it for the last bit
    int[] start = new int[out];
    int[][] k = new int[out][];
    for (int i = 0; i < out; i++) {
      double centre = (i + 0.5) * scale;
      int xmin = Math.max(0, (int) (centre - support + 0.5));
      int xmax = Math.min(in, (int) (centre + support + 0.5));
      double[] w = new double[Math.max(0, xmax - xmin)];
      double sum = 0;
      for (int x = 0; x < w.length; x++) {
        w[x] = triangle((x + xmin - centre + 0.5) * ss);
        sum += w[x];
      }
      k[i] = new int[w.length];
      for (int x = 0; x < w.length; x++) {
        double wn = sum != 0 ? w[x] / sum : w[x];
        k[i][x] = (int) (wn * (1 << PRECISION_BITS) + (wn < 0 ? -0.5 : 0.5));
      }
      start[i] = xmin;
    }
    return new Coefficients(start, k);
  }

  private static double triangle(double x) {
    double a = Math.abs(x);
    return a < 1.0 ? 1.0 - a : 0.0;
  }
}
