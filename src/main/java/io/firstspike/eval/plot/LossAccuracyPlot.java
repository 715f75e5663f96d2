package io.firstspike.eval.plot;

import io.firstspike.eval.TrainingCurves;
import java.nio.file.Path;

/**
 * {@code <dataset>_loss_accuracy.png}: accuracy, error rate (log y) and loss (log y) per epoch,
 * training and validation, side by side. Epoch 0 is the initial validation when recorded.
 */
public final class LossAccuracyPlot {
  public static final int WIDTH = 1500;
  public static final int HEIGHT = 480;

  private LossAccuracyPlot() {}

  public static Path write(TrainingCurves c, String dataset, Path file, PlotTheme theme) {
    return new Figure(WIDTH, HEIGHT, "Training curves (" + dataset + ")", theme)
        .add(CurvePanels.accuracy(c, theme), 1, 3, 0, 0)
        .add(CurvePanels.error(c, theme), 1, 3, 0, 1)
        .add(CurvePanels.loss(c, theme), 1, 3, 0, 2)
        .write(file);
  }
}
