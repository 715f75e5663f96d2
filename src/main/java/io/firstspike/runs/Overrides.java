package io.firstspike.runs;

import java.nio.file.Path;

/**
 * Command-line or API overrides of a config; null fields leave the config as it is.
 *
 * @param epochs replaces {@code training_params.epoch_number}
 * @param seed replaces both {@code numpy_seed} and {@code torch_seed}
 * @param dataDir folder of MNIST-style IDX files
 */
public record Overrides(Integer epochs, Long seed, Path dataDir) {
  public static Overrides none() {
    return new Overrides(null, null, null);
  }
}
