package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOwner;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Request/reply helpers shared by the verticles that answer commands about one run. */
final class RunMessages {
  private static final Logger LOG = Logger.getLogger(RunMessages.class.getName());

  private RunMessages() {}

  /**
   * Resolves the body's {@code id} to a run folder (looked up off the event loop) and hands it to
   * {@code action}, or fails the message with 400 (invalid id) or 404 (no such run).
   */
  static void withRun(Vertx vertx, RunStore store, Message<JsonObject> m, Consumer<RunFolder> action) {
    String id = m.body() == null ? null : m.body().getString("id");
    if (!RunStore.isValidId(id)) {
      m.fail(400, RunMessages.invalidId(id));
      return;
    }
    vertx.executeBlocking(() -> store.find(id), false).onComplete(ar -> {
      if (ar.failed()) {
        failWith(m, ar.cause());
      } else if (ar.result().isEmpty()) {
        m.fail(404, notFound(id));
      } else {
        action.accept(ar.result().get());
      }
    });
  }

  /**
   * As {@link #withRun}, for any name {@code GET /api/runs} lists ({@link RunStore#folder}): a
   * folder whose name is not a run id can still be read (its summary says why it is damaged).
   * 400 for a name that is not a plain folder name, 404 when there is no such folder.
   */
  static void withListedFolder(Vertx vertx, RunStore store, Message<JsonObject> m, Consumer<RunFolder> action) {
    String name = m.body() == null ? null : m.body().getString("id");
    if (!isPlainName(name)) {
      m.fail(400, "invalid run id '" + name + "': expected a folder name of the runs folder without '/'");
      return;
    }
    vertx.executeBlocking(() -> store.folder(name), false).onComplete(ar -> {
      if (ar.failed()) {
        failWith(m, ar.cause());
      } else if (ar.result().isEmpty()) {
        m.fail(404, notFound(name));
      } else {
        action.accept(ar.result().get());
      }
    });
  }

  /** A name that can only mean a folder directly in the runs folder. */
  static boolean isPlainName(String name) {
    return name != null && !name.isEmpty() && name.length() <= RunStore.MAX_ID_LENGTH && !name.equals(".")
        && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf(0) < 0;
  }

  /**
   * The 400 message for a name that is not a run id: the name and why ({@link RunStore#idProblem}),
   * so a folder listed as damaged for its name explains the 400 of its other endpoints.
   */
  static String invalidId(String id) {
    return "invalid run id '" + id + "': " + RunStore.idProblem(id).orElse("")
        + " (run ids: " + RunStore.ID.pattern() + " without '..')";
  }

  static String notFound(String id) {
    return "no run '" + id + "' in the folder of runs; GET /api/runs lists them";
  }

  /**
   * Runs {@code work} off the event loop ({@code ordered}: one at a time for this context) and
   * replies with its result, or fails the message as {@link #failWith} does.
   */
  static <T> void replyWith(Vertx vertx, Message<?> m, Callable<T> work, boolean ordered) {
    vertx.executeBlocking(work, ordered).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result());
      } else {
        failWith(m, ar.cause());
      }
    });
  }

  /**
   * 400 for an invalid config or request, 409 for a damaged run folder, the carried status for
   * HttpStatusException and for another verticle's failed reply, else 500.
   */
  static void failWith(Message<?> m, Throwable e) {
    if (e instanceof RunFolder.DamagedException d) {
      m.fail(409, d.getMessage());
    } else if (e instanceof HttpStatusException h) {
      m.fail(h.status(), h.getMessage());
    } else if (e instanceof io.vertx.core.eventbus.ReplyException r
        && r.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE) {
      m.fail(r.failureCode(), r.getMessage()); // another verticle's refusal, passed on as it is
    } else if (RunRequests.isInvalidConfig(e)) {
      m.fail(400, e.getMessage());
    } else {
      LOG.log(Level.WARNING, "request failed", e);
      m.fail(500, "internal error: " + e);
    }
  }

  /** 409 for a run whose state does not allow {@code what}; the message names the state. */
  static HttpStatusException conflict(RunFolder run, String what) {
    Optional<String> damage = run.damage();
    if (damage.isPresent()) {
      return new HttpStatusException(409, "run " + run.id() + " is " + RunSummaries.DAMAGED + " ("
          + damage.get() + "): " + what);
    }
    RunStatus st = RunOwner.effective(run, run.requireStatus());
    return new HttpStatusException(409, "run " + run.id() + " is " + st.state().wire() + ": " + what);
  }

  /** Where a resumed run continues: "the snapshot of epoch n", or "the start" when it has none. */
  static String snapshotText(int lastSnapshot) {
    return lastSnapshot >= 0 ? "the snapshot of epoch " + lastSnapshot : "the start";
  }
}
