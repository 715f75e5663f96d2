package io.firstspike.train;

import java.util.concurrent.atomic.AtomicBoolean;

/** A request to stop a training, checked by the loop between batches. */
public final class StopFlag {
  private final AtomicBoolean requested = new AtomicBoolean();
  private volatile String reason = "stopped by user";

  /** Asks the loop to stop after the current batch. */
  public void request(String why) {
    reason = why;
    requested.set(true);
  }

  public boolean isRequested() {
    return requested.get();
  }

  public String reason() {
    return reason;
  }
}
