package io.firstspike.core.optim;

import java.util.List;

/**
 * One parameter group (DELGRAD-MODEL.md section 6): the tensors of one layer entry and the
 * learning rate they start with. HEAD makes one group per entry of {@code network_layout.layers},
 * in layer order, with the layer's parameters (Delay: raw delays; NeuronLayer: weights; others:
 * none, an empty group) and {@code lr = layer.learning_rate} if the layer dict has one, else
 * {@code training_params.learning_rate}. The optimizer owns the current learning rate; this is the
 * initial one.
 *
 * @param name a label for messages, e.g. {@code layers.2}
 * @param tensors the group's tensors (may be empty)
 * @param learningRate the initial learning rate, a finite number >= 0
 */
public record ParameterGroup(String name, List<ParameterTensor> tensors, double learningRate) {
  public ParameterGroup {
    tensors = List.copyOf(tensors);
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate of parameter group " + name
          + " (the layer's learning_rate, else training_params.learning_rate) must be a finite"
          + " number >= 0, got " + learningRate);
    }
  }

  /**
   * The group of one layer entry: its own {@code learning_rate} when it has one (not null),
   * else the global one.
   */
  public static ParameterGroup ofLayer(
      String name, List<ParameterTensor> tensors, Double layerLearningRate, double globalLearningRate) {
    return new ParameterGroup(
        name, tensors, layerLearningRate != null ? layerLearningRate : globalLearningRate);
  }
}
