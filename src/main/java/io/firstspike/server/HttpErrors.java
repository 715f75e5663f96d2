package io.firstspike.server;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one error body of the API: {@code {"status": <code>, "error": "<what is wrong>"}}. */
final class HttpErrors {
  static final int QUOTE_MAX = 100;

  private HttpErrors() {}

  static void send(RoutingContext ctx, int status, String message) {
    send(ctx.response(), status, message);
  }

  static void send(HttpServerResponse response, int status, String message) {
    if (response.ended()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("status", status).put("error", message).encode());
  }

  /**
   * A client-supplied value for an error message: in single quotes, control and non-ASCII
   * characters as '?', cut to {@value #QUOTE_MAX} characters, so a request cannot make the
   * answer (or a log line) large or multi-line.
   */
  static String quote(String value) {
    return value == null ? "none" : "'" + printable(value, QUOTE_MAX) + "'";
  }

  /** Control and non-ASCII characters as '?', cut to {@code max} characters ("..." then). */
  static String printable(String value, int max) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < value.length() && i < max; i++) {
      char c = value.charAt(i);
      b.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    return value.length() > max ? b.append("...").toString() : b.toString();
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
