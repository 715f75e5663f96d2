package io.firstspike.io;

import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerTraining;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A DelGrad network ({@code networks.Net} of the original's HEAD, DELGRAD-MODEL.md section 13)
 * imported from a {@code .pt} file: the layer network with its parameters, the training options
 * of every layer entry, and the plain attributes the file holds besides.
 *
 * @param network layers, neuron settings per layer, rounding precision and every parameter (raw
 *     delays, weights, fixed-pattern threshold offsets)
 * @param training per layer entry, in layer order: learning rate, monitor flag,
 *     max_num_missing_spikes, clip_weights_max
 * @param source the file read
 * @param container {@code "zip"} (PyTorch >= 1.6) or {@code "legacy"}
 * @param networkClass the pickled Python class, {@code networks.Net}
 * @param layerClasses the Python class of each layer, e.g. {@code utils.DelayLayer}
 * @param attributes the other plain attributes of the network object: {@code layers_def} (the
 *     layer list of the config, with HEAD's {@code feat_in}/{@code feat_out}),
 *     {@code default_neuron_params}, {@code training_params} (loss, batch sizes, seeds, ...),
 *     {@code substrate}, {@code rounding_precision}, {@code device}, ...
 */
public record ImportedLayerNetwork(
    LayerNetwork network,
    List<LayerTraining> training,
    Path source,
    String container,
    String networkClass,
    List<String> layerClasses,
    Map<String, Object> attributes) implements PtNetwork {

  /** {@code training_params} of the run that saved the network (empty map if absent). */
  @SuppressWarnings("unchecked")
  public Map<String, Object> trainingParams() {
    return attributes.get("training_params") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
  }

  /** {@code default_neuron_params} of the run that saved the network (empty map if absent). */
  @SuppressWarnings("unchecked")
  public Map<String, Object> defaultNeuronParams() {
    return attributes.get("default_neuron_params") instanceof Map<?, ?> m
        ? (Map<String, Object>) m : Map.of();
  }
}
