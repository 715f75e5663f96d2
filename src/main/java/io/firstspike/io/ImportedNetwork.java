package io.firstspike.io;

import io.firstspike.core.network.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A network imported from a PyTorch {@code .pt} file of the original program, with what the file
 * says about it beyond the weights.
 *
 * @param network shape, bias times, neuron parameters and weights
 * @param source the file read
 * @param container {@code "legacy"} (pre-1.6 sequence of pickles) or {@code "zip"} (PyTorch >= 1.6)
 * @param networkClass the pickled Python class, e.g. {@code training.Net}
 * @param layerClasses the Python class of each layer, e.g. {@code utils.EqualtimeLayer}
 * @param simParams the network's {@code sim_params} as plain values (neuron parameters plus
 *     simulation flags such as {@code max_dw_norm}, {@code resolution}, {@code sim_time})
 * @param attributes other plain attributes of the network object, e.g. {@code weight_means},
 *     {@code weight_stdevs}, {@code rounding}
 */
public record ImportedNetwork(
    Network network,
    Path source,
    String container,
    String networkClass,
    List<String> layerClasses,
    Map<String, Object> simParams,
    Map<String, Object> attributes) implements PtNetwork {}
