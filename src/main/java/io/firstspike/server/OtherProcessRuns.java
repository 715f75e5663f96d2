package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOwner;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.runs.StopRequest;
import io.firstspike.train.RunState;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The run manager's dealings with runs in its folder that it does not train itself: those a
 * dead server left behind (marked interrupted at start) and those another live process on this
 * host trains, a CLI {@code train} or {@code continue} writing into the same folder (left alone
 * at start, and stopped through a {@link StopRequest}). Blocking file work: call it from a
 * worker, not an event loop.
 */
final class OtherProcessRuns {
  private static final Logger LOG = Logger.getLogger(OtherProcessRuns.class.getName());

  private OtherProcessRuns() {}

  /**
   * Marks runs left queued, running or stopping by a dead server as interrupted, except those
   * another live process owns; returns how many were marked.
   */
  static int markInterrupted(RunStore store) {
    int n = 0;
    for (RunFolder run : store.list()) {
      try {
        RunStatus s = run.status().orElseThrow();
        Optional<Long> owner = RunOwner.otherLiveOwner(run);
        if (owner.isPresent()) {
          LOG.info("run " + run.id() + " is " + s.state().wire() + " in process " + owner.get()
              + " (a CLI training in the same folder): left as it is");
          continue;
        }
        if (s.state() == RunState.RUNNING || s.state() == RunState.QUEUED
            || s.state() == RunState.STOPPING) {
          StatusFiles.write(run, RunState.INTERRUPTED, "the server stopped while the run was "
              + s.state().wire() + "; resume continues from "
              + RunManagerVerticle.snapshotText(s.lastSnapshot()));
          n++;
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "skipping unreadable run folder " + run.dir(), e);
      }
    }
    return n;
  }

  /**
   * Asks the live process that trains this run (not this server) to stop it: it stops after its
   * current batch and marks the run stopped itself.
   *
   * @return that process's id
   * @throws HttpStatusException 409 when the run is not running or nobody alive trains it
   */
  static long requestStop(RunFolder run) {
    boolean running = run.status().map(s -> s.state() == RunState.RUNNING).orElse(false);
    if (!running) {
      throw RunManagerVerticle.conflict(run, "only queued or running runs can be stopped");
    }
    Optional<Long> owner = RunOwner.otherLiveOwner(run);
    if (owner.isEmpty()) {
      throw RunManagerVerticle.conflict(run, "no live process on this host trains it (its "
          + "trainer ended without marking it; a restarted server marks it interrupted), so "
          + "there is nothing to stop");
    }
    StopRequest.write(run, "stopped by user from the workbench");
    LOG.info("run " + run.id() + ": asked process " + owner.get() + " to stop it");
    return owner.get();
  }
}
