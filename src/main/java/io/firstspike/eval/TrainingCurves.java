package io.firstspike.eval;

/**
 * Per-epoch curves of a training run, as the original saves them.
 *
 * <p>The training arrays have one entry per epoch 1..E. The validation arrays have either E
 * entries (epochs 1..E) or E + 1 (an initial validation before epoch 1, then epochs 1..E: the
 * original's files are like this). Each array is aligned to the end, so entry i of an array of
 * length n belongs to epoch {@code E + 1 - n + i}; {@link #firstEpoch(int)} gives that offset.
 * Any other length is an error. NaN entries (e.g. an epoch whose batches were all bumped) are
 * kept; plots skip them.
 *
 * @param trainLoss [epoch] mean training loss
 * @param trainAccuracy [epoch] training accuracy in 0..1
 * @param valLoss [epoch] validation loss
 * @param valAccuracy [epoch] validation accuracy in 0..1
 * @param meanValOutputs [epoch][true class][label neuron] mean validation output time, or null
 * @param stdValOutputs same shape, standard deviation, or null
 */
public record TrainingCurves(
    double[] trainLoss,
    double[] trainAccuracy,
    double[] valLoss,
    double[] valAccuracy,
    double[][][] meanValOutputs,
    double[][][] stdValOutputs) {

  public TrainingCurves {
    int e = trainLoss.length;
    if (trainAccuracy.length != e) {
      throw new IllegalArgumentException(
          "training curves: train_accuracies has " + trainAccuracy.length
              + " entries but train_losses has " + e);
    }
    checkLength("val_losses", valLoss.length, e);
    checkLength("val_accuracies", valAccuracy.length, e);
    if ((meanValOutputs == null) != (stdValOutputs == null)) {
      throw new IllegalArgumentException(
          "training curves: mean_val_outputs_sorted and std_val_outputs_sorted come together");
    }
    if (meanValOutputs != null) {
      checkLength("mean_val_outputs_sorted", meanValOutputs.length, e);
      if (stdValOutputs.length != meanValOutputs.length) {
        throw new IllegalArgumentException(
            "training curves: std_val_outputs_sorted has " + stdValOutputs.length
                + " epochs, mean_val_outputs_sorted " + meanValOutputs.length);
      }
    }
    trainLoss = trainLoss.clone();
    trainAccuracy = trainAccuracy.clone();
    valLoss = valLoss.clone();
    valAccuracy = valAccuracy.clone();
    meanValOutputs = Arrays2.copy(meanValOutputs);
    stdValOutputs = Arrays2.copy(stdValOutputs);
  }

  private static void checkLength(String name, int n, int epochs) {
    if (n != epochs && n != epochs + 1) {
      throw new IllegalArgumentException(
          "training curves: " + name + " has " + n + " entries, expected " + epochs + " or "
              + (epochs + 1) + " (with the initial validation) for " + epochs + " training epochs");
    }
  }

  /** Number of training epochs E. */
  public int epochs() {
    return trainLoss.length;
  }

  /** Epoch number of entry 0 of an array of this length: 0 with initial validation, else 1. */
  public int firstEpoch(int length) {
    return epochs() + 1 - length;
  }

  /** Epoch numbers 1..E of the training arrays. */
  public double[] trainEpochs() {
    return epochAxis(epochs());
  }

  /** Epoch numbers of the validation arrays (0..E or 1..E). */
  public double[] valEpochs() {
    return epochAxis(valLoss.length);
  }

  /** Epoch numbers of the mean/std output arrays; empty without them. */
  public double[] outputEpochs() {
    return meanValOutputs == null ? new double[0] : epochAxis(meanValOutputs.length);
  }

  private double[] epochAxis(int length) {
    double[] x = new double[length];
    int first = firstEpoch(length);
    for (int i = 0; i < length; i++) {
      x[i] = first + i;
    }
    return x;
  }

  public boolean hasOutputs() {
    return meanValOutputs != null && meanValOutputs.length > 0;
  }

  /** Number of true classes in the output arrays (0 without them). */
  public int nClasses() {
    return hasOutputs() ? meanValOutputs[0].length : 0;
  }

  /** Number of label neurons in the output arrays (0 without them). */
  public int nNeurons() {
    return hasOutputs() && meanValOutputs[0].length > 0 ? meanValOutputs[0][0].length : 0;
  }

  /** Mean output time of neuron k for true class c at output entry i (no copy). */
  public double meanOutput(int i, int c, int k) {
    return meanValOutputs[i][c][k];
  }

  public double stdOutput(int i, int c, int k) {
    return stdValOutputs[i][c][k];
  }

  @Override
  public double[] trainLoss() {
    return trainLoss.clone();
  }

  @Override
  public double[] trainAccuracy() {
    return trainAccuracy.clone();
  }

  @Override
  public double[] valLoss() {
    return valLoss.clone();
  }

  @Override
  public double[] valAccuracy() {
    return valAccuracy.clone();
  }

  @Override
  public double[][][] meanValOutputs() {
    return Arrays2.copy(meanValOutputs);
  }

  @Override
  public double[][][] stdValOutputs() {
    return Arrays2.copy(stdValOutputs);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainingCurves c
        && java.util.Arrays.equals(trainLoss, c.trainLoss)
        && java.util.Arrays.equals(trainAccuracy, c.trainAccuracy)
        && java.util.Arrays.equals(valLoss, c.valLoss)
        && java.util.Arrays.equals(valAccuracy, c.valAccuracy)
        && java.util.Arrays.deepEquals(meanValOutputs, c.meanValOutputs)
        && java.util.Arrays.deepEquals(stdValOutputs, c.stdValOutputs);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(trainLoss) * 31 + java.util.Arrays.hashCode(valLoss);
  }

  @Override
  public String toString() {
    return "TrainingCurves[" + epochs() + " epochs, " + valLoss.length + " validations]";
  }
}
