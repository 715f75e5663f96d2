package io.firstspike.server;

import io.firstspike.runs.Overrides;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;

/**
 * Validates a config and creates its run folder (config.yaml, status queued): the same step the
 * CLI takes before training, so a config the CLI rejects is rejected here with the same message.
 * Blocking (file I/O): called on a worker thread.
 */
@FunctionalInterface
public interface RunPreparer {
  /**
   * @param configName names the folder ({@code <name>_<timestamp>})
   * @param yamlText the config file's text
   * @throws IllegalArgumentException (or the config module's exception) when the config is
   *     invalid; its message names the file, key path and valid values
   */
  RunFolder prepare(RunStore store, String configName, String yamlText, Overrides overrides);
}
