package io.firstspike.core.optim;

import io.firstspike.core.network.Network;

/**
 * Weight bumping (TTFS-MODEL.md section 5, step 3): instead of a gradient step, raise the weights
 * of a layer in which too many neurons stayed silent, since a silent neuron has no gradient that
 * could wake it.
 *
 * <p>Layers are checked in order, hidden layers first and the label layer last. Layer l's missing
 * fraction is the share of its output times over batch x neurons that are +Infinity or NaN; the
 * first layer with {@code fraction > maxMissing[l]} is bumped, and no other layer. The bump value is
 * {@code value}, doubled for each further consecutive batch in which the same layer is bumped
 * (when {@code exponential}); bumping another layer, or a batch that bumps nothing, resets it.
 *
 * <ul>
 *   <li>targeted: {@code value} is added to every incoming weight (bias rows included) of each
 *       neuron of layer l that was silent in at least one sample of the batch;
 *   <li>untargeted: {@code value} is added to every weight of layer l.
 * </ul>
 */
public final class WeightBumper {

  /**
   * What carries over from one batch to the next.
   *
   * @param lastBumpedLayer the layer bumped in the previous batch, -1 if that batch bumped nothing
   * @param value the bump value used in the previous batch (the initial value after a reset)
   */
  public record State(int lastBumpedLayer, double value) {}

  private final double initialValue;
  private final boolean exponential;
  private final boolean targeted;
  private final double[] maxMissing;
  private int lastBumpedLayer = -1;
  private double value;

  /**
   * @param value {@code weight_bumping_value}, the amount added to a weight in a first bump
   * @param exponential {@code weight_bumping_exp}: double the value on consecutive bumps of a layer
   * @param targeted {@code weight_bumping_targeted}: bump only the silent neurons' weights
   * @param maxMissingPerLayer {@code max_num_missing_spikes}, the allowed missing fraction per layer
   *     (hidden layers first, label layer last); a single value applies to every layer
   */
  public WeightBumper(
      double value, boolean exponential, boolean targeted, double[] maxMissingPerLayer) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "training_params.weight_bumping_value must be finite, got " + value);
    }
    if (maxMissingPerLayer.length == 0) {
      throw new IllegalArgumentException(
          "training_params.max_num_missing_spikes needs one value, or one per layer; got none");
    }
    for (double m : maxMissingPerLayer) {
      if (Double.isNaN(m)) {
        throw new IllegalArgumentException(
            "training_params.max_num_missing_spikes must be numbers (fractions 0..1), got NaN");
      }
    }
    this.initialValue = value;
    this.exponential = exponential;
    this.targeted = targeted;
    this.maxMissing = maxMissingPerLayer.clone();
    this.value = value;
  }

  /**
   * Checks this batch's output times and bumps at most one layer of {@code net}.
   *
   * @param net the network whose weights (row-major per layer, bias rows last) are changed in place
   * @param layerTimes output times of every layer for this batch, [layer][B][n]
   * @return the index of the bumped layer, or -1 if no layer exceeded its limit
   * @throws IllegalArgumentException if the layer count or layer widths disagree with {@code net}
   */
  public int apply(Network net, double[][][] layerTimes) {
    int nLayers = net.nLayers();
    if (layerTimes.length != nLayers) {
      throw new IllegalArgumentException(
          "weight bumping: got output times of " + layerTimes.length + " layers, the network has "
              + nLayers);
    }
    if (maxMissing.length != 1 && maxMissing.length != nLayers) {
      throw new IllegalArgumentException(
          "training_params.max_num_missing_spikes has " + maxMissing.length
              + " values; expected 1 or one per layer (" + nLayers + ")");
    }
    for (int l = 0; l < nLayers; l++) {
      int width = net.layerSize(l);
      boolean[] silent = new boolean[width];
      long missing = 0;
      long total = 0;
      for (int b = 0; b < layerTimes[l].length; b++) {
        double[] row = layerTimes[l][b];
        if (row.length != width) {
          throw new IllegalArgumentException(
              "weight bumping: layer " + l + " sample " + b + " has " + row.length
                  + " output times, the layer has " + width + " neurons");
        }
        for (int j = 0; j < width; j++) {
          if (!(row[j] < Double.POSITIVE_INFINITY)) {
            missing++;
            silent[j] = true;
          }
        }
        total += width;
      }
      double limit = maxMissing.length == 1 ? maxMissing[0] : maxMissing[l];
      if (total > 0 && (double) missing / total > limit) {
        value = exponential && lastBumpedLayer == l ? value * 2 : initialValue;
        lastBumpedLayer = l;
        bump(net.weights(l), net.rowsOf(l), width, silent);
        return l;
      }
    }
    lastBumpedLayer = -1;
    value = initialValue;
    return -1;
  }

  private void bump(double[] w, int rows, int width, boolean[] silent) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < width; j++) {
        if (!targeted || silent[j]) {
          w[i * width + j] += value;
        }
      }
    }
  }

  public State state() {
    return new State(lastBumpedLayer, value);
  }

  public void restore(State s) {
    this.lastBumpedLayer = s.lastBumpedLayer();
    this.value = s.value();
  }
}
