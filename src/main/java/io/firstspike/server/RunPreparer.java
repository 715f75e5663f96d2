package io.firstspike.server;

import io.firstspike.runs.DataFolders;
import io.firstspike.runs.Overrides;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;

/**
 * Validates a config and creates its run folder (config.yaml, status queued): the same step the
 * CLI takes before training, so a config the CLI rejects is rejected here with the same message;
 * and, for configs that come over the network, keeps their data inside the folders the server
 * may read ({@link DataFolders}). Blocking (file I/O): called on a worker thread.
 */
public interface RunPreparer {
  /**
   * @param configName names the folder ({@code <name>_<timestamp>})
   * @param yamlText the config file's text
   * @param data where the config's data may come from
   * @throws IllegalArgumentException (or the config module's exception) when the config is
   *     invalid or names data outside {@code data}; its message names the file, key path and
   *     valid values; nothing is created then
   */
  RunFolder prepare(RunStore store, String configName, String yamlText, Overrides overrides, DataFolders data);

  /**
   * Before a resume: refuses (as {@link #prepare} does) a run whose config names data outside
   * {@code data}, e.g. one a CLI {@code train} created with a file of its user's.
   */
  void checkData(RunFolder run, DataFolders data);
}
