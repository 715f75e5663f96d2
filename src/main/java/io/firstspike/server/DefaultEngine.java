package io.firstspike.server;

import io.firstspike.runs.RunEngine;

/** The production engine and preparer: the one executor the CLI uses too. */
final class DefaultEngine {
  private DefaultEngine() {}

  /** Null until the run executor is merged; {@link Workbench#start} then refuses to start. */
  static RunEngine engine() {
    return null;
  }

  static RunPreparer preparer() {
    return null;
  }
}
