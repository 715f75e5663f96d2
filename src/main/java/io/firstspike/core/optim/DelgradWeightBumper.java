package io.firstspike.core.optim;

import java.util.Collection;
import java.util.List;

/**
 * Weight bumping of new-schema configs (the original's HEAD, DELGRAD-MODEL.md section 7.2): when
 * too many neurons of a layer stayed silent in a batch, raise that layer's weights instead of
 * taking a gradient step. Old-schema configs keep {@link WeightBumper} (2021 codes and limits).
 *
 * <p>The check: the hidden NeuronLayers in layer order, then the label layer. For each, the
 * fraction of its output times over B x M that are +Infinity or NaN is compared with its {@code
 * max_num_missing_spikes}; the first layer whose fraction is strictly greater is bumped. The
 * batch's code (recorded in {@code weight_bumping_steps}): the layer index i of a bumped hidden
 * NeuronLayer, {@link #LABEL_LAYER} (-1) for the label layer, {@link #NO_BUMP} (-2) for none.
 *
 * <p>The value: on a bump, if {@code weight_bumping_exp} and the code equals the previous
 * batch's code, the previous value doubled; otherwise {@code weight_bumping_value}. A batch without
 * bump leaves the value as it is but still becomes the "previous batch" (so a -2 between two bumps
 * of the same layer makes the second start again from {@code weight_bumping_value}). Targeted: the
 * value is added to every incoming weight (all N rows) of each neuron of the layer that was silent
 * in at least one sample of the batch; untargeted: to every weight of the layer. Only NeuronLayer
 * weights are bumped, never delays.
 *
 * <p>The state (value and previous code) is local to one of HEAD's {@code run_epochs} calls, one
 * per snapshot segment: {@link #restart} at every snapshot boundary and when a run is continued
 * ({@link #restartsBefore}); it is not saved in a snapshot.
 *
 * <p>Call order per batch (after the forward pass and the class selection): {@link #check}, then
 * {@link #bump} when {@link Decision#bumped}; record {@link Decision#code}; the loss, backward and
 * optimizer step run only when nothing was bumped; weight clipping runs in both cases.
 */
public final class DelgradWeightBumper {
  /** Code of a batch without bump. */
  public static final int NO_BUMP = -2;
  /** Code of a batch that bumped the label layer. */
  public static final int LABEL_LAYER = -1;

  private final double initialValue;
  private final boolean exponential;
  private final boolean targeted;
  private double value;
  private int previousCode = NO_BUMP;

  /**
   * The output times of one NeuronLayer for this batch.
   *
   * @param layerIndex its index in {@code network_layout.layers}
   * @param times [B][M] (+Infinity = no spike)
   * @param maxMissing its {@code max_num_missing_spikes}, the largest tolerated silent fraction
   */
  public record LayerTimes(int layerIndex, double[][] times, double maxMissing) {
    public LayerTimes {
      if (Double.isNaN(maxMissing)) {
        throw new IllegalArgumentException("network_layout.layers[" + layerIndex
            + "].max_num_missing_spikes must be a number (a fraction 0..1), got NaN");
      }
    }
  }

  /**
   * The outcome of one batch's check.
   *
   * @param code the {@code weight_bumping_steps} code: a hidden layer index, -1 or -2
   * @param layerIndex the layer whose weights are bumped (the label layer's index for code -1),
   *     -1 when nothing is bumped
   * @param value the bump value after this batch (for -2: the value carried on unchanged)
   * @param silentNeurons per neuron of the bumped layer: silent in at least one sample (empty when
   *     nothing is bumped)
   */
  public record Decision(int code, int layerIndex, double value, boolean[] silentNeurons) {
    public Decision {
      silentNeurons = silentNeurons.clone();
    }

    public boolean bumped() {
      return code != NO_BUMP;
    }

    @Override
    public boolean[] silentNeurons() {
      return silentNeurons.clone();
    }
  }

  /**
   * @param value {@code weight_bumping_value}
   * @param exponential {@code weight_bumping_exp}
   * @param targeted {@code weight_bumping_targeted}
   */
  public DelgradWeightBumper(double value, boolean exponential, boolean targeted) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "training_params.weight_bumping_value must be finite, got " + value);
    }
    this.initialValue = value;
    this.exponential = exponential;
    this.targeted = targeted;
    this.value = value;
  }

  /** Starts a new snapshot segment: value = {@code weight_bumping_value}, previous code = -2. */
  public void restart() {
    value = initialValue;
    previousCode = NO_BUMP;
  }

  /**
   * Continues a segment from a saved {@link #value} and {@link #previousCode} (a run resumed
   * from a checkpoint inside a snapshot segment, where HEAD would not have restarted).
   *
   * @throws IllegalArgumentException for a value that is not a finite number >= 0 or a code
   *     below {@link #NO_BUMP}
   */
  public void restore(double savedValue, int savedPreviousCode) {
    if (!(savedValue >= 0) || Double.isInfinite(savedValue) || savedPreviousCode < NO_BUMP) {
      throw new IllegalArgumentException("weight bumping: cannot restore value " + savedValue
          + " and previous code " + savedPreviousCode + " (a finite value >= 0 and a code >= -2"
          + " expected)");
    }
    value = savedValue;
    previousCode = savedPreviousCode;
  }

  /**
   * Whether the bump state restarts before epoch {@code epoch} (1-based): at the start of the
   * training, after each snapshot epoch (HEAD runs one segment per snapshot), and when a run is
   * continued from a saved epoch.
   *
   * @param firstEpochOfThisCall the first epoch trained by this process (1, or the continued
   *     epoch + 1)
   */
  public static boolean restartsBefore(
      int epoch, int firstEpochOfThisCall, Collection<Integer> snapshotEpochs) {
    return epoch == firstEpochOfThisCall || snapshotEpochs.contains(epoch - 1);
  }

  /** The current bump value. */
  public double value() {
    return value;
  }

  /** The code of the previous batch of this segment (-2 at its start). */
  public int previousCode() {
    return previousCode;
  }

  /**
   * Checks one batch and updates the value and the previous code.
   *
   * @param hidden the hidden NeuronLayers (every NeuronLayer but the last), in layer order
   * @param label the label layer (the last NeuronLayer) with its {@code max_num_missing_spikes}
   * @throws IllegalArgumentException if a layer's rows have different widths
   */
  public Decision check(List<LayerTimes> hidden, LayerTimes label) {
    LayerTimes bumpedLayer = null;
    int code = NO_BUMP;
    for (LayerTimes l : hidden) {
      if (tooManyMissing(l)) {
        bumpedLayer = l;
        code = l.layerIndex();
        break;
      }
    }
    if (bumpedLayer == null && tooManyMissing(label)) {
      bumpedLayer = label;
      code = LABEL_LAYER;
    }
    if (bumpedLayer == null) {
      previousCode = NO_BUMP;
      return new Decision(NO_BUMP, -1, value, new boolean[0]);
    }
    value = exponential && code == previousCode ? value * 2 : initialValue;
    previousCode = code;
    return new Decision(code, bumpedLayer.layerIndex(), value, silent(bumpedLayer));
  }

  /**
   * Adds the decision's value to the bumped layer's weights, in place.
   *
   * @param weights the weights of layer {@code decision.layerIndex()}, row-major [N][M]
   * @throws IllegalArgumentException if nothing was bumped or the weights are not N x M
   */
  public void bump(Decision decision, double[] weights) {
    if (!decision.bumped()) {
      throw new IllegalArgumentException("weight bumping: the batch bumped no layer");
    }
    boolean[] silent = decision.silentNeurons;
    int m = silent.length;
    if (m == 0 || weights.length % m != 0) {
      throw new IllegalArgumentException("weight bumping: layer " + decision.layerIndex()
          + " has " + m + " neurons but " + weights.length + " weights (expected N x " + m + ")");
    }
    for (int i = 0; i < weights.length; i++) {
      if (!targeted || silent[i % m]) {
        weights[i] += decision.value();
      }
    }
  }

  private static boolean tooManyMissing(LayerTimes l) {
    long missing = 0;
    long total = 0;
    int width = l.times().length == 0 ? 0 : l.times()[0].length;
    for (int b = 0; b < l.times().length; b++) {
      double[] row = l.times()[b];
      if (row.length != width) {
        throw new IllegalArgumentException("weight bumping: layer " + l.layerIndex() + " sample "
            + b + " has " + row.length + " output times, sample 0 has " + width);
      }
      for (double t : row) {
        missing += t < Double.POSITIVE_INFINITY ? 0 : 1;
      }
      total += width;
    }
    return total > 0 && (double) missing / total > l.maxMissing();
  }

  private static boolean[] silent(LayerTimes l) {
    int width = l.times()[0].length;
    boolean[] out = new boolean[width];
    for (double[] row : l.times()) {
      for (int j = 0; j < width; j++) {
        out[j] |= !(row[j] < Double.POSITIVE_INFINITY);
      }
    }
    return out;
  }
}
