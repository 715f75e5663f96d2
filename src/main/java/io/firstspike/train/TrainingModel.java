package io.firstspike.train;

import io.firstspike.data.Dataset;
import java.util.List;
import java.util.Set;

/**
 * The model seam of the one training loop ({@link Trainer}): what changes between the 2021
 * schema ({@link TtfsModel}: a {@code Network} of LIF layers on the {@code NetworkEngine}) and
 * the new DelGrad schema ({@link DelgradModel}: a {@code LayerNetwork} trained by
 * {@code DelgradTrainingStep}). The loop owns epochs, shuffling, batch inputs, events, the stop
 * flag, validation records, curves and snapshots; a model owns one batch's update (forward, weight
 * bumping or loss + backward + optimizer step, clipping, the divergence check), the scheduler,
 * inference over a set and the optimizer state a snapshot needs.
 *
 * <p>Call order: {@link #startEpoch}, then {@link #trainBatch} per batch, then {@link #endEpoch}
 * (the scheduler), then {@link #validate}; {@link #saveState} after each epoch; {@link
 * #snapshotOutputs} when a full snapshot is written. Not for concurrent callers.
 */
interface TrainingModel extends AutoCloseable {

  /**
   * What one training batch did.
   *
   * @param loss the batch loss; NaN for a weight-bumped batch
   * @param correct samples whose selected class is the label
   * @param bumpedLayer the weight layer bumped instead of a step, -1 if none
   * @param layerTimes per weight layer the batch's output times [sample][neuron] (copies)
   */
  record BatchOutcome(double loss, int correct, int bumpedLayer, double[][][] layerTimes) {}

  /**
   * Before epoch {@code epoch}'s batches.
   *
   * @param fullSnapshots the epochs whose snapshots are full (config's and extra ones)
   */
  void startEpoch(int epoch, Set<Integer> fullSnapshots);

  /**
   * Trains on one batch.
   *
   * @param inputs [B][n_inputs] input times (the loop's buffer: not kept after the call)
   * @throws TrainingDivergedException on a non-finite loss or gradient or a runaway parameter
   */
  BatchOutcome trainBatch(int epoch, int batch, double[][] inputs, int[] labels);

  /** After an epoch's batches: the learning-rate scheduler's step. */
  void endEpoch();

  /** Inference over the validation set in batches of {@code batchSize}. */
  EvaluationPass validate(Dataset set, int batchSize);

  /** Inference over the test or training set for a full snapshot's output files. */
  EvaluationPass snapshotOutputs(Dataset set, int batchSize, int epoch);

  /** The learning rate reported in events (the first parameter group's). */
  double learningRate();

  /** Per weight layer its weights (read only), for the weight histograms. */
  double[][] layerWeights();

  /**
   * Per delay layer its name and effective delays (one per trainable delay), for the delay
   * histograms; none for a network without delay layers.
   */
  default List<NamedValues> layerDelays() {
    return List.of();
  }

  /** A layer's name and values. */
  record NamedValues(String name, double[] values) {}

  /** A copy of the label layer's weights, row-major, for the curves. */
  double[] labelWeights();

  /** Upper edge of the spike-time histograms of the batch events. */
  double histogramMax();

  /** Euler spikes skipped so far (see {@code NetworkEngine#integratorSkips}); 0 if none. */
  long integratorSkips();

  /** Copies the optimizer, scheduler, bumper and noise state into {@code state}. */
  void saveState(TrainingState state);

  @Override
  void close();

  /**
   * The {@code weight_bumping_steps} code of the last {@link #trainBatch} (new schema), or null
   * when the model records none (2021).
   */
  default Integer lastBumpCode() {
    return null;
  }

  /**
   * The current record of every layer with {@code monitor: true}, in layer order (new schema:
   * DELGRAD-MODEL.md section 7.4); empty when none is monitored.
   */
  default java.util.List<double[]> monitorRecord() {
    return java.util.List.of();
  }
}
