package io.firstspike.server;

import io.firstspike.train.RunState;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The states the run manager writes, published on each run's state stream, and the runs it failed
 * in memory because their status.json could not be written (a full disk). Such a run is not left
 * shown as queued or running for ever: it is failed here with the write's error as reason
 * ("cannot write .../status.json: No space left on device"), and list and get show that in place
 * of the stale file until a later write of its status succeeds (a resume once there is space
 * again). These failures are the one thing the manager knows better than the folder.
 *
 * <p>Owned by {@link RunManagerVerticle} and used only on its event loop; {@link #copy} is what a
 * worker may read.
 */
final class StatusRecorder {
  private static final Logger LOG = Logger.getLogger(StatusRecorder.class.getName());

  private final Vertx vertx;
  /** Runs failed in memory because their status could not be written: id to reason. */
  private final Map<String, String> unrecorded = new HashMap<>();

  StatusRecorder(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * After a status write of the manager: publishes {@code state} if it was written; else fails
   * the run in memory with the write's error. Returns whether it was written.
   */
  boolean recorded(String id, AsyncResult<?> write, RunState state, String reason) {
    if (write.succeeded()) {
      unrecorded.remove(id);
      publish(id, state, reason);
      return true;
    }
    fail(id, write.cause() instanceof UncheckedIOException ? write.cause().getMessage()
        : "cannot write its status: " + write.cause());
    return false;
  }

  /** The run failed because its status could not be written: kept here, published. */
  void fail(String id, String reason) {
    LOG.warning("run " + id + " failed: " + reason);
    unrecorded.put(id, reason);
    publish(id, RunState.FAILED, reason);
  }

  /** A training ended without writing its status: kept here (it has published its end itself). */
  void unrecorded(String id, String reason) {
    unrecorded.put(id, reason);
  }

  /** The run's status is on disk again (or the run is gone): nothing is kept about it. */
  void forget(String id) {
    unrecorded.remove(id);
  }

  boolean isFailed(String id) {
    return unrecorded.containsKey(id);
  }

  /** Why the run failed here, or null. */
  String reason(String id) {
    return unrecorded.get(id);
  }

  /** The failures kept here, copied for a worker. */
  Map<String, String> copy() {
    return Map.copyOf(unrecorded);
  }

  void publish(String id, RunState state, String reason) {
    vertx.eventBus().publish(Addresses.state(id), EventJson.state(id, state, reason));
  }
}
