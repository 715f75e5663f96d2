package io.firstspike.train;

import java.util.Locale;

/** Lifecycle of a run, as stored in its folder and shown by the workbench. */
public enum RunState {
  QUEUED,
  RUNNING,
  STOPPING,
  STOPPED,
  FINISHED,
  FAILED,
  INTERRUPTED;

  /** Lower-case name used in JSON and files ({@code running}, ...). */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #wire()} names, case-insensitively. */
  public static RunState fromWire(String s) {
    return valueOf(s.trim().toUpperCase(Locale.ROOT));
  }

  /** True when no training is going on and none will start without a command. */
  public boolean isTerminal() {
    return this == STOPPED || this == FINISHED || this == FAILED || this == INTERRUPTED;
  }
}
