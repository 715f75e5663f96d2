package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.train.RunState;
import java.time.Instant;
import java.util.List;

/**
 * The few status.json changes the server makes itself (queue, stop before start, interrupt, the
 * end of a training the engine could not record). A write that fails (a full disk) throws; the
 * run manager then keeps the run as failed in memory ({@link RunManagerVerticle}).
 */
final class StatusFiles {
  /** Writes one status.json: the run folder's atomic write, or in tests a double that fails. */
  @FunctionalInterface
  interface Writer {
    void write(RunFolder run, RunStatus status);
  }

  /** The real one: {@link RunFolder#writeStatus}. */
  static final StatusFiles DISK = new StatusFiles(RunFolder::writeStatus);

  private final Writer writer;

  StatusFiles(Writer writer) {
    this.writer = writer;
  }

  /** Replaces state and reason of the run's status, keeping its counters; atomic on disk. */
  RunStatus write(RunFolder run, RunState state, String reason) {
    String now = Instant.now().toString();
    RunStatus old =
        run.status().orElseGet(() -> new RunStatus(state, "", now, now, 0, 0, -1, ServerNode.name()));
    RunStatus next =
        new RunStatus(
            state,
            reason == null ? "" : reason,
            old.createdAt(),
            now,
            old.epochsDone(),
            old.epochs(),
            old.lastSnapshot(),
            old.node());
    writer.write(run, next);
    return next;
  }

  /** Marks the runs with these ids interrupted, for the given reason (shutdown of a queue). */
  void interrupt(RunStore store, List<String> ids, String reason) {
    for (String id : ids) {
      write(new RunFolder(store.root().resolve(id)), RunState.INTERRUPTED, reason);
    }
  }
}
