package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
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
      m.fail(400, "invalid run id '" + id + "': expected " + RunStore.ID.pattern() + " without '..'");
      return;
    }
    vertx.executeBlocking(() -> store.find(id), false).onComplete(ar -> {
      if (ar.failed()) {
        failWith(m, ar.cause());
      } else if (ar.result().isEmpty()) {
        m.fail(404, "no run '" + id + "' in " + store.root());
      } else {
        action.accept(ar.result().get());
      }
    });
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

  /** 400 for an invalid config or request, the carried status for HttpStatusException, else 500. */
  static void failWith(Message<?> m, Throwable e) {
    if (e instanceof HttpStatusException h) {
      m.fail(h.status(), h.getMessage());
    } else if (RunRequests.isInvalidConfig(e)) {
      m.fail(400, e.getMessage());
    } else {
      LOG.log(Level.WARNING, "request failed", e);
      m.fail(500, "internal error: " + e);
    }
  }

  /** 409 for a run whose state does not allow {@code what}; the message names the state. */
  static HttpStatusException conflict(RunFolder run, String what) {
    String state = run.status().map(s -> s.state().wire()).orElse("unknown");
    return new HttpStatusException(409, "run " + run.id() + " is " + state + ": " + what);
  }

  /** Where a resumed run continues: "the snapshot of epoch n", or "the start" when it has none. */
  static String snapshotText(int lastSnapshot) {
    return lastSnapshot >= 0 ? "the snapshot of epoch " + lastSnapshot : "the start";
  }
}
