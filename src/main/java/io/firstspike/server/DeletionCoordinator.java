package io.firstspike.server;

import io.firstspike.runs.RunStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Decides when a run may be deleted, so that no training starts in a folder being removed: a
 * deletion is refused while the run is queued, starting, running, stopping, being resumed or
 * evaluated (the evaluator announces each evaluation, {@link Addresses#EVALUATION_BEGIN}), and
 * while it runs, resumes, evaluations and meta updates of that run are refused. The folder itself is removed by
 * {@link RunDeletion} on a worker. Owned by {@link RunManagerVerticle} and used only on its event
 * loop.
 */
final class DeletionCoordinator {
  private final Vertx vertx;
  private final RunStore store;
  private final RunQueue queue;
  private final StatusRecorder recorder;
  /** Runs whose resume is under way (checked, its queued status not yet written). */
  private final Set<String> resuming = new HashSet<>();
  /** Runs the evaluator has announced and not yet ended. */
  private final Set<String> evaluating = new HashSet<>();
  /** Runs whose folder is being deleted: nothing may start on them until it is gone. */
  private final Set<String> deleting = new HashSet<>();

  DeletionCoordinator(Vertx vertx, RunStore store, RunQueue queue, StatusRecorder recorder) {
    this.vertx = vertx;
    this.store = store;
    this.queue = queue;
    this.recorder = recorder;
  }

  /**
   * Deletes a run's folder ({@link RunDeletion}) unless something runs or is about to start on
   * it; the 409 says what. From the check on, the run is marked as being deleted, so a resume or
   * an evaluation asked for before the folder is gone is refused instead of starting in it.
   */
  void delete(Message<JsonObject> m) {
    RunMessages.withRun(vertx, store, m, run -> {
      String id = run.id();
      String busy = queue.closing() ? "not deleted: the server is stopping" : busy(id);
      if (busy != null) {
        m.fail(queue.closing() ? 503 : 409, "run " + id + " is " + busy);
        return;
      }
      deleting.add(id);
      // ordered: after the status writes the manager has started on the run (a stop of a
      // queued run writes "stopped" after it left the queue), so none lands in a removed folder
      vertx.executeBlocking(() -> RunDeletion.delete(run), true).onComplete(ar -> {
        deleting.remove(id);
        if (ar.succeeded()) {
          recorder.forget(id); // the run is gone: nothing is kept about it
          m.reply(ar.result());
        } else if (ar.cause() instanceof UncheckedIOException e) {
          m.fail(500, e.getMessage());
        } else {
          RunMessages.failWith(m, ar.cause());
        }
      });
    });
  }

  /**
   * Changes a run's name, notes or tags ({@link RunIdentity#writeMeta}): refused while the run is
   * being deleted; written on the same ordered worker queue as deletions, so a write asked for
   * before a deletion ends before the deletion begins and one that comes after finds no folder
   * (404) instead of writing into, or bringing back, a folder being removed.
   */
  void updateMeta(Message<JsonObject> m) {
    RunMessages.withRun(vertx, store, m, run -> {
      String id = run.id();
      if (deleting.contains(id)) {
        m.fail(409, "run " + id + " is being deleted: its name, notes and tags cannot be changed");
        return;
      }
      JsonObject changes = m.body().getJsonObject("meta", new JsonObject());
      RunMessages.replyWith(vertx, m, () -> RunIdentity.writeMeta(run, changes), true);
    });
  }

  /** Why the run cannot be deleted now (said after "run <id> is "), or null when it can. */
  private String busy(String id) {
    if (deleting.contains(id)) {
      return "already being deleted";
    } else if (queue.isQueued(id)) {
      return "queued: stop it before deleting it";
    } else if (queue.isStopping(id)) {
      return "stopping: delete it once it has stopped";
    } else if (queue.isActive(id)) {
      return (queue.isStarting(id) ? "starting" : "running") + ": stop it before deleting it";
    } else if (resuming.contains(id)) {
      return "being resumed: stop it before deleting it";
    } else if (evaluating.contains(id)) {
      return "being evaluated: delete it after the evaluation ends";
    }
    return null;
  }

  /**
   * The evaluator is about to evaluate a run: refused while the run is being deleted, else the
   * run is marked as evaluated until {@link Addresses#EVALUATION_ENDED} ({@link #evaluationEnded}).
   */
  void evaluationBegin(Message<JsonObject> m) {
    String id = m.body().getString("id");
    if (deleting.contains(id)) {
      m.fail(409, "run " + id + " is being deleted: it cannot be evaluated");
      return;
    }
    evaluating.add(id);
    m.reply(new JsonObject().put("id", id));
  }

  void evaluationEnded(Message<JsonObject> m) {
    evaluating.remove(m.body().getString("id"));
  }

  /**
   * Marks the run as being resumed, until {@link #resumeEnded}; or returns why it cannot be
   * (said after "run <id>"): it is being deleted or already being resumed.
   */
  String beginResume(String id) {
    if (deleting.contains(id)) {
      return " is being deleted: it cannot be resumed";
    } else if (resuming.contains(id)) {
      return " is already being resumed";
    }
    resuming.add(id); // until it is queued or refused: a deletion is refused meanwhile
    return null;
  }

  /** Whether the run is being resumed or deleted: a worker's claim of it is refused. */
  boolean resumingOrDeleting(String id) {
    return resuming.contains(id) || deleting.contains(id);
  }

  void resumeEnded(String id) {
    resuming.remove(id);
  }
}
