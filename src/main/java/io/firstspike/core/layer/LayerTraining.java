package io.firstspike.core.layer;

import io.firstspike.core.optim.WeightClipping;

/**
 * What a training run does with one entry of the layer list besides computing it: the entry's
 * keys that the forward and backward passes never read (DELGRAD-MODEL.md sections 3.1, 6, 7.2,
 * 7.3 and 7.4). A {@link LayerSpec} says what a layer computes; this says how it is trained.
 *
 * @param learningRate the entry's {@code learning_rate}, null when it has none (then the run's
 *     {@code training_params.learning_rate} applies)
 * @param monitor {@code monitor}: record the layer's parameters every epoch
 * @param maxNumMissingSpikes a NeuronLayer's {@code max_num_missing_spikes} (the fraction of silent
 *     (sample, neuron) pairs above which weights are bumped), null for other layers
 * @param clipWeightsMax a NeuronLayer's {@code neuron_params.clip_weights_max},
 *     {@link WeightClipping.Setting#ABSENT} for other layers
 */
public record LayerTraining(Double learningRate, boolean monitor, Double maxNumMissingSpikes,
    WeightClipping.Setting clipWeightsMax) {

  /** A layer without training options (broadcast, bias and multiplex layers). */
  public static final LayerTraining NONE =
      new LayerTraining(null, false, null, WeightClipping.Setting.ABSENT);

  public LayerTraining {
    if (learningRate != null && !(learningRate >= 0 && Double.isFinite(learningRate))) {
      throw new IllegalArgumentException("learning_rate must be a finite number >= 0, got "
          + learningRate);
    }
    if (maxNumMissingSpikes != null && !(maxNumMissingSpikes >= 0)) {
      throw new IllegalArgumentException("max_num_missing_spikes must be a number >= 0, got "
          + maxNumMissingSpikes);
    }
    if (clipWeightsMax == null) {
      throw new IllegalArgumentException("clip_weights_max: use Setting.ABSENT, not null");
    }
  }
}
