package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOwner;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.runs.StopRequest;
import io.firstspike.train.RunState;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The run manager's dealings with runs in its folder that it does not train itself: those a
 * dead server left behind (marked interrupted at start) and those another live process on this
 * host trains, a CLI {@code train} or {@code continue} writing into the same folder (left alone
 * at start, and stopped through a {@link StopRequest}, whose outcome {@link #whenStopped}
 * watches for). Apart from that watch, blocking file work: call it from a worker, not an event
 * loop.
 */
final class OtherProcessRuns {
  private static final Logger LOG = Logger.getLogger(OtherProcessRuns.class.getName());

  /** How often, and how long, the status of a run another process was asked to stop is read. */
  private static final long STOP_POLL_MS = 250;

  private static final long STOP_WATCH_MS = 10 * 60 * 1000;

  private OtherProcessRuns() {}

  /**
   * Reads the status of a run another process was asked to stop every {@value #STOP_POLL_MS} ms
   * (on a worker) until it leaves running, for at most {@value #STOP_WATCH_MS} ms, and then hands
   * it to {@code ended} on the calling context: the run manager publishes it, so a live view
   * learns it as it does for the server's own runs.
   */
  static void whenStopped(Vertx vertx, RunFolder run, Consumer<RunStatus> ended) {
    long deadline = System.currentTimeMillis() + STOP_WATCH_MS;
    vertx.setPeriodic(STOP_POLL_MS, timer -> vertx.executeBlocking(() ->
        run.status().map(s -> RunOwner.effective(run, s)).orElse(null), false).onSuccess(st -> {
          if (st != null && st.state() != RunState.RUNNING) {
            vertx.cancelTimer(timer);
            ended.accept(st);
          } else if (System.currentTimeMillis() > deadline) {
            vertx.cancelTimer(timer);
          }
        }));
  }

  /**
   * At server start: marks runs left queued, running or stopping by a dead server or a killed CLI
   * as interrupted, except those another live process owns, and deletes what interrupted atomic
   * writes left in the folders nobody else writes ({@link RunFolder#removeLeftoverTempFiles}).
   * Damaged folders are left as they are. Returns how many runs were marked.
   */
  static int markInterrupted(RunStore store, StatusFiles statusFiles) {
    int n = 0;
    for (RunFolder run : store.list()) {
      try {
        Optional<String> damage = run.damage();
        if (damage.isPresent()) {
          LOG.warning("run folder " + run.id() + " is damaged (" + damage.get() + "): left as it is");
          continue;
        }
        RunStatus s = run.requireStatus();
        Optional<Long> owner = RunOwner.otherLiveOwner(run);
        if (owner.isPresent()) {
          LOG.info("run " + run.id() + " is " + s.state().wire() + " in process " + owner.get()
              + " (a CLI training in the same folder): left as it is");
          continue;
        }
        if (RunOwner.noOtherLiveOwner(run)) {
          List<String> removed = run.removeLeftoverTempFiles();
          if (!removed.isEmpty()) {
            LOG.info("run " + run.id() + ": removed leftovers of interrupted writes " + removed);
          }
        }
        if (s.state() == RunState.RUNNING || s.state() == RunState.QUEUED
            || s.state() == RunState.STOPPING) {
          Optional<Long> dead = RunOwner.deadOwner(run);
          statusFiles.write(run, RunState.INTERRUPTED, dead.isPresent()
              ? RunOwner.endedReason(dead.get(), s.lastSnapshot())
              : "the server stopped while the run was " + s.state().wire() + "; resume continues from "
                  + RunMessages.snapshotText(s.lastSnapshot()));
          RunOwner.clearIfDead(run);
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
    boolean running = run.damage().isEmpty()
        && RunOwner.effective(run, run.requireStatus()).state() == RunState.RUNNING;
    if (!running) {
      throw RunMessages.conflict(run, "only queued or running runs can be stopped");
    }
    Optional<Long> owner = RunOwner.otherLiveOwner(run);
    if (owner.isEmpty()) {
      throw RunMessages.conflict(run, "no live process on this host trains it (its "
          + "trainer ended without marking it; a restarted server marks it interrupted), so "
          + "there is nothing to stop");
    }
    StopRequest.write(run, "stopped by user from the workbench");
    LOG.info("run " + run.id() + ": asked process " + owner.get() + " to stop it");
    return owner.get();
  }
}
