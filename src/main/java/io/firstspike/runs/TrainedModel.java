package io.firstspike.runs;

import io.firstspike.train.config.AnyConfig;
import java.nio.file.Path;

/**
 * A trained network with its experiment config, as {@code inference} and {@code eval} (and the
 * server's evaluation) find it in a folder: a 2021 network ({@link ModelFolder}) or a DelGrad
 * layer network ({@link DelgradModel}), told apart by the schema of the config (DELGRAD-MODEL.md
 * section 0). The folders accepted:
 *
 * <ul>
 *   <li>a FirstSpike run folder: its newest snapshot {@code epoch_<N>/network/};
 *   <li>one {@code epoch_<N>/} folder of a run (config from the run folder);
 *   <li>a folder with {@code config.yaml} and a {@code network/} folder ({@code pretrained/...});
 *   <li>a run folder of the original (the 2021 release or its newest version, HEAD): {@code
 *       config.yaml} plus a {@code *_network.pt} (not {@code *_untrained_network.pt}), directly
 *       or in its newest {@code epoch_<N>/}, or one of its {@code epoch_<N>/} folders.
 * </ul>
 */
public sealed interface TrainedModel permits ModelFolder, DelgradModel {

  /** The folder the network was read from (an {@code epoch_<N>/} for a run). */
  Path folder();

  /** The experiment config (its schema matches the network's kind). */
  AnyConfig config();

  /** A short description for messages ("snapshot of epoch 300", ...). */
  String origin();

  /** The snapshot epoch when known, else -1. */
  int epoch();

  /**
   * Opens {@code path} as described in the class comment.
   *
   * @throws IllegalArgumentException when it is missing or holds no network, naming what was
   *     looked for
   * @throws io.firstspike.train.config.ConfigException for a bad config (a chip config first)
   * @throws java.io.UncheckedIOException when the network file cannot be read or imported
   */
  static TrainedModel open(Path path) {
    return ModelFinder.open(path, null);
  }

  /**
   * Opens snapshot {@code epoch_<epoch>/} of the run folder {@code run} (the original's {@code
   * inference <run folder> <epoch>}); {@code epoch} null opens {@code run} as {@link #open(Path)}.
   *
   * @throws IllegalArgumentException when {@code run} has no such snapshot (naming the ones it
   *     has) or is itself an {@code epoch_<N>/} folder
   */
  static TrainedModel open(Path run, Integer epoch) {
    return ModelFinder.open(run, epoch);
  }
}
