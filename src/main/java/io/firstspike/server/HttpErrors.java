package io.firstspike.server;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one error body of the API: {@code {"status": <code>, "error": "<what is wrong>"}}. */
final class HttpErrors {
  private HttpErrors() {}

  static void send(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("status", status).put("error", message).encode());
  }

  /**
   * Maps a failed event-bus request to HTTP: the run manager's failure code is the status;
   * no handler or a timeout is 503 (the run manager is not there or busy).
   */
  static void fromReply(RoutingContext ctx, Throwable e) {
    if (e instanceof ReplyException r) {
      if (r.failureType() == ReplyFailure.RECIPIENT_FAILURE && r.failureCode() >= 400 && r.failureCode() < 600) {
        send(ctx, r.failureCode(), r.getMessage());
      } else {
        send(ctx, 503, "run manager unavailable: " + r.failureType() + " " + r.getMessage());
      }
    } else {
      send(ctx, 500, "internal error: " + e);
    }
  }
}
