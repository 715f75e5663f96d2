package io.firstspike.server;

import io.firstspike.runs.RunEngine;
import io.firstspike.runs.RunExecutor;

/** The production engine and preparer: the one executor the CLI uses too. */
final class DefaultEngine {
  private DefaultEngine() {}

  /**
   * The run executor with a resume checkpoint after every epoch, so a killed server loses at most
   * the epoch in progress.
   */
  static RunEngine engine() {
    return new RunExecutor(true);
  }

  static RunPreparer preparer() {
    return RunExecutor::prepare;
  }
}
