package io.firstspike.server;

import io.firstspike.runs.DataFolders;
import io.firstspike.runs.Overrides;
import io.firstspike.runs.RunEngine;
import io.firstspike.runs.RunExecutor;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.firstspike.train.config.ConfigLoader;

/** The production engine and preparer: the one executor the CLI uses too. */
final class DefaultEngine {
  private DefaultEngine() {}

  /**
   * The run executor with a resume checkpoint after every epoch, so a killed server loses at most
   * the epoch in progress. It watches no stop file: the server stops its trainings over the event
   * bus ({@link Addresses#stopCommand}).
   */
  static RunEngine engine() {
    return new RunExecutor(true, false);
  }

  static RunPreparer preparer() {
    return new RunPreparer() {
      @Override
      public RunFolder prepare(RunStore store, String configName, String yamlText, Overrides overrides,
          DataFolders data) {
        return RunExecutor.prepare(store, configName, yamlText, overrides, data);
      }

      @Override
      public void checkData(RunFolder run, DataFolders data) {
        data.check(ConfigLoader.loadAny(run.configFile()), run.configFile().toString());
      }
    };
  }
}
