package io.firstspike.train;

import java.util.List;

/**
 * What a training reports while it runs. The CLI draws a progress bar from these, the run store
 * logs them, the server turns them into JSON event-bus messages.
 */
public sealed interface TrainingEvent
    permits TrainingEvent.Batch, TrainingEvent.Epoch, TrainingEvent.StateChange,
        TrainingEvent.Snapshot {

  /**
   * One training batch.
   *
   * @param epoch 1-based epoch
   * @param batch 0-based batch within the epoch
   * @param batchesPerEpoch number of batches per epoch
   * @param step global batch counter over the whole run (0-based, continues across resumes)
   * @param loss batch loss, NaN when the batch was a weight bump
   * @param accuracy batch accuracy
   * @param runningError running mean of the error rate over the epoch's batches so far
   * @param learningRate current learning rate
   * @param bumpedLayer layer whose weights were bumped instead of a step, -1 if none
   * @param classMeanTimes per true class (row) the mean output time of each label neuron
   *     (columns), over the batch's finite times; NaN where none
   * @param classStdTimes the matching standard deviations
   * @param silentFraction per layer the fraction of (sample, neuron) pairs that did not spike
   * @param spikeHistograms per layer counts of finite output times in {@link #HISTOGRAM_BINS}
   *     equal bins over [0, histogramMax)
   * @param histogramMax upper edge of the histogram range
   * @param raster input, hidden and output times of the batch's first sample, one row per layer
   *     (row 0 the inputs without biases)
   * @param rasterLabel true label of that sample
   */
  record Batch(
      int epoch,
      int batch,
      int batchesPerEpoch,
      long step,
      double loss,
      double accuracy,
      double runningError,
      double learningRate,
      int bumpedLayer,
      double[][] classMeanTimes,
      double[][] classStdTimes,
      double[] silentFraction,
      int[][] spikeHistograms,
      double histogramMax,
      double[][] raster,
      int rasterLabel)
      implements TrainingEvent {}

  /** Bins of {@link Batch#spikeHistograms()}. */
  int HISTOGRAM_BINS = 30;

  /**
   * One finished epoch (epoch 0 is the initial validation before training).
   *
   * @param metrics the numbers written to the run's metrics log
   * @param weightHistograms per layer: counts over {@code weightHistogramEdges[l]}
   * @param weightHistogramEdges per layer the bin edges (counts.length + 1 values)
   * @param validationPredictions per validation sample (x, y, predicted, true) for two-input
   *     maps such as Yin-Yang; empty when the data set has no 2-D picture
   * @param delayLayers per delay layer of a new-schema network its name ({@code layers.<i>
   *     DelaySynaptic}); empty for a network without delay layers (every 2021 one)
   * @param delayHistograms per delay layer: counts of its effective delays (one per trainable
   *     delay, sharing not tiled out) over {@code delayHistogramEdges[l]}
   * @param delayHistogramEdges per delay layer the bin edges (counts.length + 1 values)
   */
  record Epoch(
      EpochMetrics metrics,
      int[][] weightHistograms,
      double[][] weightHistogramEdges,
      List<double[]> validationPredictions,
      List<String> delayLayers,
      int[][] delayHistograms,
      double[][] delayHistogramEdges)
      implements TrainingEvent {

    public Epoch {
      delayLayers = List.copyOf(delayLayers);
      if (delayHistograms.length != delayLayers.size()
          || delayHistogramEdges.length != delayLayers.size()) {
        throw new IllegalArgumentException(delayLayers.size() + " delay layers need as many"
            + " histograms and edge arrays, got " + delayHistograms.length + " and "
            + delayHistogramEdges.length);
      }
    }

    /** An epoch of a network without delay layers. */
    public Epoch(EpochMetrics metrics, int[][] weightHistograms, double[][] weightHistogramEdges,
        List<double[]> validationPredictions) {
      this(metrics, weightHistograms, weightHistogramEdges, validationPredictions, List.of(),
          new int[0][], new double[0][]);
    }
  }

  /** A lifecycle change; {@code reason} explains failed, stopped and interrupted states. */
  record StateChange(RunState state, String reason) implements TrainingEvent {}

  /** A snapshot of epoch {@code epoch} has been written completely. */
  record Snapshot(int epoch) implements TrainingEvent {}
}
