package io.firstspike.testsupport;

import java.awt.image.BufferedImage;

/** Pixel statistics that tell a drawn plot from a blank image. */
public final class Images {
  private Images() {}

  /** {variance of the grey level, fraction of non-white pixels}. */
  public static double[] greyStats(BufferedImage img) {
    double sum = 0;
    double sum2 = 0;
    long ink = 0;
    long n = (long) img.getWidth() * img.getHeight();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        double g = 0.299 * (rgb >> 16 & 255) + 0.587 * (rgb >> 8 & 255) + 0.114 * (rgb & 255);
        sum += g;
        sum2 += g * g;
        if (rgb != 0xffffff) {
          ink++;
        }
      }
    }
    double mean = sum / n;
    return new double[] {sum2 / n - mean * mean, (double) ink / n};
  }
}
