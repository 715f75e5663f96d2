package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunLifecycle;
import io.firstspike.runs.RunOwner;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.train.RunState;
import java.util.List;

/**
 * The server's side of {@link RunLifecycle}: the few state changes the server makes itself
 * (queue, stop before start, interrupt, the end of a training the engine could not record), all
 * through the lifecycle's one transition, with the writer tests replace by a full disk. A write
 * that fails throws; the run manager then keeps the run as failed in memory
 * ({@link RunManagerVerticle}).
 */
final class StatusFiles {
  /** Writes one status.json: the run folder's atomic write, or in tests a double that fails. */
  @FunctionalInterface
  interface Writer extends RunLifecycle.StatusWriter {}

  /** The real one: {@link RunFolder#writeStatus}. */
  static final StatusFiles DISK = new StatusFiles(RunFolder::writeStatus);

  private final Writer writer;

  StatusFiles(Writer writer) {
    this.writer = writer;
  }

  /** Changes the run's state as its status.json records it, keeping its counters. */
  RunStatus write(RunFolder run, RunState state, String reason) {
    return RunLifecycle.of(run, writer).transition(state, reason);
  }

  /**
   * The status a run has in effect: failed when the server failed it in memory, else its file's
   * as {@link RunOwner#effective} reads it (a dead process's running run is interrupted). Read it
   * before the dead owner's file is cleared.
   */
  RunStatus inEffect(RunFolder run, boolean failedInMemory) {
    RunStatus onDisk = run.requireStatus();
    return failedInMemory ? withState(onDisk, RunState.FAILED) : RunOwner.effective(run, onDisk);
  }

  /** Queues a stopped, interrupted or failed run again, from its state {@link #inEffect}. */
  RunStatus requeue(RunFolder run, RunStatus inEffect, String reason) {
    return RunLifecycle.known(run, inEffect, writer).transition(RunState.QUEUED, reason);
  }

  /** Marks the runs with these ids interrupted, for the given reason (shutdown of a queue). */
  void interrupt(RunStore store, List<String> ids, String reason) {
    for (String id : ids) {
      write(new RunFolder(store.root().resolve(id)), RunState.INTERRUPTED, reason);
    }
  }

  private static RunStatus withState(RunStatus s, RunState state) {
    return new RunStatus(state, s.reason(), s.createdAt(), s.updatedAt(), s.epochsDone(), s.epochs(),
        s.lastSnapshot(), s.node());
  }
}
