package io.firstspike.train;

import java.util.concurrent.atomic.AtomicBoolean;

/** A request to stop a training, checked by the loop between batches. */
public final class StopFlag {
  private final AtomicBoolean requested = new AtomicBoolean();
  private volatile String reason = "stopped by user";
  private volatile RunState ending = RunState.STOPPED;

  /** Asks the loop to stop after the current batch; the run ends stopped. */
  public void request(String why) {
    reason = why;
    requested.set(true);
  }

  /**
   * Asks the loop to stop after the current batch because its process goes away (a workbench
   * shutting down): the run ends interrupted, to be resumed later.
   */
  public void interrupt(String why) {
    ending = RunState.INTERRUPTED;
    request(why);
  }

  /** The state a stopped training ends in: stopped, or interrupted after {@link #interrupt}. */
  public RunState ending() {
    return ending;
  }

  public boolean isRequested() {
    return requested.get();
  }

  public String reason() {
    return reason;
  }
}
