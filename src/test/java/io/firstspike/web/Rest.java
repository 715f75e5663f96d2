package io.firstspike.web;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The workbench's REST API from a browser test (JSON in and out, as the page calls it). */
final class Rest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  Rest(String base) {
    this.base = base;
  }

  JsonObject get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  JsonObject post(String path, JsonObject body) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.encode())));
  }

  /** Starts a run: {@code POST /api/runs}; returns its id. */
  String startRun(String config, int epochs) {
    return post("api/runs", new JsonObject().put("config", config)
        .put("overrides", new JsonObject().put("epochs", epochs))).getString("id");
  }

  /** Waits until the run's summary satisfies {@code until}; returns that summary. */
  JsonObject await(String id, java.util.function.Predicate<JsonObject> until, Duration max) {
    long end = System.nanoTime() + max.toNanos();
    JsonObject s = null;
    while (System.nanoTime() < end) {
      s = get("api/runs/" + id);
      if (until.test(s)) {
        return s;
      }
      Browser.sleep(50);
    }
    throw new AssertionError("run " + id + " did not get there in " + max + "; last summary " + s);
  }

  private JsonObject send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new AssertionError(r.request().method() + " " + r.uri() + ": " + r.statusCode() + " " + r.body());
      }
      return new JsonObject(r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
