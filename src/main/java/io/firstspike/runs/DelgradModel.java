package io.firstspike.runs;

import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.train.config.DelgradExperiment;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A trained DelGrad network (a list of layers, DELGRAD-MODEL.md section 1) with its new-schema
 * config: the original's HEAD {@code *_network.pt} or FirstSpike's layer-network folder.
 *
 * @param folder the folder the network was read from
 * @param config the new-schema config (data set, loss, {@code batch_size_eval}, seeds)
 * @param network the network; its own layer list and neuron settings are used for inference
 * @param origin a short description for messages
 * @param epoch the snapshot epoch when known, else -1
 */
public record DelgradModel(
    Path folder, DelgradExperiment config, LayerNetwork network, String origin, int epoch)
    implements TrainedModel {

  public DelgradModel {
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(origin, "origin");
  }
}
