package io.firstspike.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-epoch curves of a run, in the layout of the original's {@code .npy} files: the training
 * lists have one entry per finished epoch, the validation lists one more (index 0 is the initial
 * validation before the first epoch).
 */
public final class Curves {
  public final List<Double> trainLoss = new ArrayList<>();
  public final List<Double> trainAccuracy = new ArrayList<>();
  public final List<Double> valLoss = new ArrayList<>();
  public final List<Double> valAccuracy = new ArrayList<>();
  /** Label-layer weights (row-major, rows x K) after each validation. */
  public final List<double[]> labelWeights = new ArrayList<>();
  /** Per validation: [true class][label neuron] mean output time over finite values. */
  public final List<double[][]> meanValOutputs = new ArrayList<>();
  /** Per validation: the matching standard deviations. */
  public final List<double[][]> stdValOutputs = new ArrayList<>();
  /**
   * New schema: per epoch, the {@code weight_bumping_steps} code of each training batch
   * (DELGRAD-MODEL.md section 7.4: -2 no bump, -1 label layer, i the bumped hidden layer's index);
   * null when unknown (a snapshot written before these were recorded). Empty for 2021 runs.
   */
  public List<long[]> bumpCodes = new ArrayList<>();
  /**
   * New schema: per validation, one record per layer with {@code monitor: true}, in layer order
   * (the tiled effective delays of a Delay layer, the weights of a NeuronLayer; row-major).
   * Empty for 2021 runs and for runs without monitored layers.
   */
  public final List<List<double[]>> parameterRecords = new ArrayList<>();

  /** Drops everything after validation {@code epochs} (keeps epochs 0..epochs). */
  public void truncate(int epochs) {
    cut(trainLoss, epochs);
    cut(trainAccuracy, epochs);
    cut(valLoss, epochs + 1);
    cut(valAccuracy, epochs + 1);
    cut(labelWeights, epochs + 1);
    cut(meanValOutputs, epochs + 1);
    cut(stdValOutputs, epochs + 1);
    cut(parameterRecords, epochs + 1);
    if (bumpCodes != null) {
      cut(bumpCodes, epochs);
    }
  }

  private static void cut(List<?> list, int size) {
    while (list.size() > size) {
      list.remove(list.size() - 1);
    }
  }
}
