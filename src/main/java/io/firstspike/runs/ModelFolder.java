package io.firstspike.runs;

import io.firstspike.core.network.Network;
import io.firstspike.train.config.ExperimentConfig;
import java.nio.file.Path;

/**
 * A trained 2021 network with its 2021-schema experiment config (see {@link TrainedModel} for the
 * folders it is found in; {@link DelgradModel} is the DelGrad counterpart).
 *
 * @param folder the folder the network was read from
 * @param config the experiment config
 * @param network the network
 * @param origin a short description for messages ("FirstSpike snapshot epoch 300", ...)
 * @param epoch the snapshot epoch when known, else -1
 */
public record ModelFolder(
    Path folder, ExperimentConfig config, Network network, String origin, int epoch)
    implements TrainedModel {

  /**
   * Opens {@code path} as {@link TrainedModel#open(Path)} does, for callers that handle 2021
   * networks only.
   *
   * @throws IllegalArgumentException when it is missing, holds no network, or holds a DelGrad
   *     network
   */
  public static ModelFolder open(Path path) {
    TrainedModel model = TrainedModel.open(path);
    if (model instanceof ModelFolder m) {
      return m;
    }
    throw new IllegalArgumentException(path + " holds a DelGrad network (a new-schema config);"
        + " this needs a 2021 network (dataset, neuron_params, network_layout.layer_sizes)");
  }
}
