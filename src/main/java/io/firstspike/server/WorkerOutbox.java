package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * A worker's outgoing files of one run: what its local copy holds that the head has not written
 * yet ({@link FolderMirror.Scanner}). Nothing is dropped: a change set counts as delivered only
 * when the head replied that it wrote it. One message is in flight at a time, so they arrive in
 * order; a change seen meanwhile goes with the next one.
 *
 * <p>When a message fails (no reply, refused, the head gone) the outbox no longer trusts what it
 * thinks the head holds. Every {@link #tick} (a second) it then <em>claims</em> the run: it tells
 * the head which run it holds, how far it got and whether its training ended; the head adopts the
 * run (or confirms it already has it) and answers with the listing of its copy. The outbox takes
 * that listing as its baseline ({@link FolderMirror.Scanner#rebase}) and sends what the head's copy
 * lacks. Applying a change set twice does no harm (a log tail is written at its byte offset,
 * files and snapshots are replaced whole), so a message whose reply was lost may arrive again.
 * A claim the head refuses with {@value #GONE} (another node trains the run now, it was queued
 * again, it is finished there) ends the outbox: {@link #finish} fails and {@code onGone} runs.
 *
 * <p>Scans happen on the training thread after a training event (the folder is between writes),
 * after a successful claim, and after the training ended ({@link #finish}), on {@code blocking}.
 */
final class WorkerOutbox {
  private static final Logger LOG = Logger.getLogger(WorkerOutbox.class.getName());
  /** The failure code of a claim the head refuses for good. */
  static final int GONE = 410;

  /**
   * The head, as the outbox reaches it. Called on the training thread too, but a reply must reach
   * the outbox after the training ended: requests go from a context that outlives the training's
   * deployment ({@link ClusterWorkerVerticle}).
   */
  interface Head {
    /** Writes a change set: body {id, node, changes}; succeeds once written. */
    Future<?> files(JsonObject body);

    /** Claims a run: body {id, node, slots, epochsDone, ended}; reply {listing}. */
    Future<JsonObject> claim(JsonObject body);
  }

  private final String id;
  private final String node;
  private final int slots;
  private final Path dir;
  private final Head head;
  private final Executor blocking;
  private final Runnable onGone;
  private final FolderMirror.Scanner scanner;
  private final Promise<Void> flushed = Promise.promise();
  private boolean inFlight;
  /** The scanner's baseline is what the head holds (false after a failed message until a claim). */
  private boolean synced = true;
  private boolean claiming;
  private boolean ended;
  private boolean gone;
  /** Counts heads: a reply to a message or claim sent to an earlier head is ignored. */
  private int generation;
  private long failures;

  /**
   * @param dir the local copy, as the head sent it (counted as held by the head)
   * @param blocking runs scans off the event loop
   * @param onGone runs once when the head refuses the run for good
   */
  WorkerOutbox(String id, String node, int slots, Path dir, Head head, Executor blocking, Runnable onGone) {
    this.id = id;
    this.node = node;
    this.slots = slots;
    this.dir = dir;
    this.head = head;
    this.blocking = blocking;
    this.onGone = onGone;
    this.scanner = new FolderMirror.Scanner(dir);
  }

  /**
   * After a training event (on the training thread) and while the ended training's last changes
   * go out: sends what changed unless a message is out.
   */
  synchronized void changed() {
    if (synced && !inFlight && !gone) {
      sendNext();
    }
  }

  /**
   * The head that was there is gone or replaced: what it holds is to be asked again, at once (a
   * message to the old head may wait for its timeout: its reply no longer counts).
   */
  synchronized void headChanged() {
    generation++;
    synced = false;
    inFlight = false;
    claiming = false;
  }

  /** Every second: claims the run again while the head's copy is unknown. */
  synchronized void tick() {
    if (!synced && !inFlight && !claiming && !gone) {
      claim();
    }
  }

  /**
   * The training ended and the folder no longer changes: completes when the head holds all of it,
   * however long that takes (the head may be away); fails when the head refused the run.
   */
  synchronized Future<Void> finish() {
    ended = true;
    blocking.execute(this::changed);
    return flushed.future();
  }

  /** Whether the head holds everything (as far as it replied). */
  synchronized boolean synced() {
    return synced && !inFlight;
  }

  /** Failed messages and claims so far. */
  synchronized long failures() {
    return failures;
  }

  /** Holds the lock. */
  private void sendNext() {
    FolderMirror.Change c;
    try {
      c = scanner.next();
    } catch (RuntimeException e) {
      LOG.warning("run " + id + ": cannot read its local copy: " + e.getMessage());
      synced = false; // retried by the next claim
      return;
    }
    if (c == null) {
      if (ended) {
        flushed.tryComplete();
      }
      return;
    }
    inFlight = true;
    JsonObject body = new JsonObject().put("id", id).put("node", node).put("changes", c.body());
    Future<?> reply;
    try {
      reply = head.files(body);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    int gen = generation;
    reply.onComplete(ar -> delivered(gen, c, ar.succeeded() ? null : ar.cause()));
  }

  private synchronized void delivered(int gen, FolderMirror.Change c, Throwable failure) {
    if (gen != generation) {
      return; // sent to a head that is gone
    }
    inFlight = false;
    if (failure == null) {
      scanner.confirm(c);
      if (ended) {
        blocking.execute(this::changed); // until nothing is left
      }
      return;
    }
    failures++;
    if (synced) {
      LOG.warning("run " + id + ": the head did not take its files (" + failure.getMessage()
          + "); kept, and sent again once the head answers");
    }
    synced = false;
  }

  /** Holds the lock. */
  private void claim() {
    claiming = true;
    int gen = generation;
    blocking.execute(() -> {
      int epochs;
      try {
        epochs = new RunFolder(dir).status().map(RunStatus::epochsDone).orElse(0);
      } catch (RuntimeException e) {
        epochs = 0;
      }
      JsonObject body;
      synchronized (this) {
        body = new JsonObject().put("id", id).put("node", node).put("slots", slots)
            .put("epochsDone", epochs).put("ended", ended);
      }
      Future<JsonObject> reply;
      try {
        reply = head.claim(body);
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(ar -> {
        if (ar.succeeded()) {
          blocking.execute(() -> claimed(gen, ar.result()));
        } else {
          claimFailed(gen, ar.cause());
        }
      });
    });
  }

  private synchronized void claimed(int gen, JsonObject reply) {
    if (gen != generation) {
      return;
    }
    claiming = false;
    try {
      scanner.rebase(reply.getJsonObject("listing", new JsonObject()));
    } catch (RuntimeException e) {
      failures++;
      LOG.warning("run " + id + ": cannot compare its copy with the head's: " + e.getMessage());
      return; // claimed again at the next tick
    }
    LOG.info("run " + id + ": the head holds it again; sending what its copy lacks");
    synced = true;
    sendNext();
  }

  private synchronized void claimFailed(int gen, Throwable cause) {
    if (gen != generation) {
      return;
    }
    claiming = false;
    failures++;
    if (cause instanceof ReplyException r && r.failureCode() == GONE) {
      gone = true;
      LOG.warning("run " + id + ": the head gave it up here: " + r.getMessage());
      flushed.tryFail(cause);
      onGone.run();
    }
  }
}
