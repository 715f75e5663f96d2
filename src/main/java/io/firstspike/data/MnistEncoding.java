package io.firstspike.data;

/**
 * Turns MNIST-style 8-bit images into input spike times, as the original does.
 *
 * <p><b>Full images</b> ({@code mnist}, {@code fashion_mnist}): v = pixel / 256 (not 255), inverted
 * v' = 1 - v, t = 0.15 + v' * 1.85. Every pixel spikes; a white (0) background spikes at 2.0.
 *
 * <p><b>Reduced images</b> ({@code 16x16_mnist}): centre crop to 24 x 24 (rows and columns 2..25
 * of 28: offset round((28 - 24) / 2)), bilinear antialiased resize to width x width with {@link
 * PilResize} (torchvision on PIL images), v = k / 255 in float64, inverted, t = 0.15 + v' * 1.85,
 * and a time of exactly 2.0 (white) becomes +Infinity: the background never spikes.
 */
public final class MnistEncoding {
  /** Earliest spike time (black pixel). */
  public static final double T_EARLY = 0.15;
  /** Latest spike time (white pixel). */
  public static final double T_LATE = 2.0;
  /** Side of the centre crop before the resize. */
  public static final int CROP = 24;

  private MnistEncoding() {}

  /** The full-image encoding of image {@code i}. */
  public static double[] full(Idx.Images images, int i) {
    int n = images.rows() * images.cols();
    double[] t = new double[n];
    int base = i * n;
    for (int p = 0; p < n; p++) {
      double v = (images.pixels()[base + p] & 0xff) / 256.0;
      t[p] = T_EARLY + (1.0 - v) * (T_LATE - T_EARLY);
    }
    return t;
  }

  /** Crop to 24 x 24 and resize to width x width: values 0..255, row-major. */
  public static int[] cropAndResize(Idx.Images images, int i, int width) {
    if (images.rows() < CROP || images.cols() < CROP) {
      throw new DataException("images are " + images.rows() + " x " + images.cols()
          + ", too small for the centre crop to " + CROP + " x " + CROP);
    }
    int top = (int) Math.round((images.rows() - CROP) / 2.0);
    int left = (int) Math.round((images.cols() - CROP) / 2.0);
    int[] crop = new int[CROP * CROP];
    for (int r = 0; r < CROP; r++) {
      for (int c = 0; c < CROP; c++) {
        crop[r * CROP + c] = images.pixel(i, top + r, left + c);
      }
    }
    return PilResize.bilinear(crop, CROP, CROP, width, width);
  }

  /** The reduced-image encoding of image {@code i} (width x width inputs). */
  public static double[] reduced(Idx.Images images, int i, int width) {
    int[] k = cropAndResize(images, i, width);
    double[] t = new double[k.length];
    for (int p = 0; p < k.length; p++) {
      double v = k[p] / 255.0;
      double time = T_EARLY + (1.0 - v) * (T_LATE - T_EARLY);
      t[p] = time == T_LATE ? Double.POSITIVE_INFINITY : time;
    }
    return t;
  }
}
