package io.firstspike.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.firstspike.runs.Json;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunMeta;
import io.firstspike.runs.RunStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * A run's identity as the user gives it (issue 22): name, notes, tags and archiving in the run
 * folder's {@value RunMeta#FILE} ({@link RunMeta}), deletion with confirmation, and the runs'
 * hyperparameters for the runs list's columns and search. Handlers of {@link HttpVerticle}'s
 * routes; deletion is the run manager's (it alone knows whether anything runs or is about to
 * start on the run), and so are meta writes ({@link #writeMeta} on its one ordered worker queue,
 * so two updates of a run's meta never interleave and none lands in a folder being deleted).
 */
final class RunIdentity {
  /** A deletion of a run with many snapshots takes a while; this only bounds a hung one. */
  private static final DeliveryOptions DELETION = new DeliveryOptions().setSendTimeout(300_000);
  /** Longest config value shown as a hyperparameter (longer ones are left out of the index). */
  private static final int MAX_PARAM_TEXT = 200;
  private static final YAMLMapper YAML = new YAMLMapper();

  private final Vertx vertx;
  private final RunStore store;

  RunIdentity(Vertx vertx, Path runsDir) {
    this.vertx = vertx;
    this.store = new RunStore(runsDir);
  }

  /** {@code GET /api/runs/:id/meta}: the run's name, notes, tags, archived, updatedAt. */
  void get(RoutingContext ctx) {
    withRun(ctx, run -> vertx.executeBlocking(() -> RunMeta.read(run), false)
        .onSuccess(meta -> ctx.json(meta(run, meta)))
        .onFailure(e -> fail(ctx, e)));
  }

  /**
   * {@code POST /api/runs/:id/meta} with any of {@code name, notes, tags, archived}: those keys
   * replaced, the others kept; 200 with the meta written. An unreadable {@value RunMeta#FILE} is
   * a 409 (nothing is overwritten that could not be read). The write is the run manager's
   * ({@link Addresses#CMD_META_UPDATE}), which orders it with deletions: 409 while the run is
   * being deleted, 404 once it is gone; never a file written into a folder being removed.
   */
  void update(RoutingContext ctx) {
    JsonNode body = jsonBody(ctx, "{\"name\": \"baseline\", \"tags\": [\"lr-sweep\"]}");
    if (body == null) {
      return;
    }
    String id = ctx.pathParam("id");
    if (!RunStore.isValidId(id)) {
      HttpErrors.send(ctx, 400, RunMessages.invalidId(id));
      return;
    }
    JsonObject q = new JsonObject().put("id", id).put("meta", EventJson.toJsonObject((ObjectNode) body));
    vertx.eventBus().<JsonObject>request(Addresses.CMD_META_UPDATE, q)
        .onSuccess(m -> ctx.json(m.body())).onFailure(e -> fail(ctx, e));
  }

  /**
   * The blocking part of a meta update, run by the run manager on its ordered worker queue (so
   * after any deletion of the run it has begun): the keys of {@code changes} replaced, the others
   * kept, written atomically; returns the meta written with the run's id.
   *
   * @throws HttpStatusException 404 when the folder is gone, 409 when its meta cannot be read,
   *     400 for an unknown key or a value of the wrong type
   */
  static JsonObject writeMeta(RunFolder run, JsonObject changes) {
    if (!Files.isDirectory(run.dir())) {
      throw new HttpStatusException(404, RunMessages.notFound(run.id())); // deleted since it was found
    }
    RunMeta old;
    try {
      old = RunMeta.read(run);
    } catch (IllegalArgumentException e) {
      throw new HttpStatusException(409, e.getMessage());
    }
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(changes.encode());
    } catch (IOException e) {
      throw new HttpStatusException(400, "body must be a JSON object: " + e.getMessage());
    }
    try {
      return meta(run, old.with(body, "the request body").write(run));
    } catch (IllegalArgumentException e) {
      throw new HttpStatusException(400, e.getMessage());
    }
  }

  /**
   * {@code POST /api/runs/:id/delete} with {@code {"confirm": "<id>"}}: deletes the run folder.
   * 400 without the confirmation; the rest is the run manager's ({@link Addresses#CMD_DELETE}):
   * 409 while the run is queued, starting, running, stopping, being resumed or evaluated (also
   * trained by another process), 404 unknown id.
   */
  void delete(RoutingContext ctx) {
    JsonNode body = jsonBody(ctx, "{\"confirm\": \"<run id>\"}");
    if (body == null) {
      return;
    }
    String id = ctx.pathParam("id");
    if (!id.equals(body.path("confirm").asText(null))) {
      HttpErrors.send(ctx, 400, "deleting run " + id + " needs {\"confirm\": \"" + id
          + "\"} in the body: the run id again, as a confirmation");
      return;
    }
    if (!RunStore.isValidId(id)) {
      HttpErrors.send(ctx, 400, RunMessages.invalidId(id));
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.CMD_DELETE, new JsonObject().put("id", id), DELETION)
        .onSuccess(m -> ctx.json(m.body())).onFailure(e -> fail(ctx, e));
  }

  /**
   * {@code GET /api/run-params}: {@code {"runs": [{"id", "params": {"training_params.learning_rate":
   * 0.005, "network_layout.layer_sizes": [30, 3], ...}}]}}, every scalar of each run's config.yaml
   * (and lists of scalars) by its key path. Configs never change once a run exists, so the page
   * asks for it once and again only for runs it has not seen.
   */
  void params(RoutingContext ctx) {
    vertx.executeBlocking(() -> {
      JsonArray runs = new JsonArray();
      for (RunFolder run : store.list()) {
        if (!RunStore.isValidId(run.id()) || !Files.isRegularFile(run.configFile())) {
          continue;
        }
        ObjectNode flat = Json.MAPPER.createObjectNode();
        try {
          flatten("", YAML.readTree(run.configFile().toFile()), flat);
        } catch (IOException | RuntimeException e) {
          continue; // a config that cannot be read: its summary says so
        }
        runs.add(new JsonObject().put("id", run.id()).put("params", EventJson.toJsonObject(flat)));
      }
      return new JsonObject().put("runs", runs);
    }, false).onSuccess(ctx::json).onFailure(e -> fail(ctx, e));
  }

  static void flatten(String prefix, JsonNode n, ObjectNode out) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return;
    }
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (n.isArray()) {
      boolean scalars = true;
      for (JsonNode x : n) {
        scalars &= x.isValueNode();
      }
      if (scalars) {
        out.set(prefix, n);
      } else {
        for (int i = 0; i < n.size(); i++) {
          flatten(prefix + "[" + i + "]", n.get(i), out);
        }
      }
    } else if (!n.isTextual() || n.asText().length() <= MAX_PARAM_TEXT) {
      out.set(prefix, n);
    }
  }

  private static JsonObject meta(RunFolder run, RunMeta meta) {
    return EventJson.toJsonObject(meta.toTree()).put("id", run.id());
  }

  private void withRun(RoutingContext ctx, java.util.function.Consumer<RunFolder> action) {
    String id = ctx.pathParam("id");
    if (!RunStore.isValidId(id)) {
      HttpErrors.send(ctx, 400, RunMessages.invalidId(id));
      return;
    }
    vertx.executeBlocking(() -> store.find(id), false).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else if (ar.result().isEmpty()) {
        HttpErrors.send(ctx, 404, "no run '" + id + "' in the folder of runs; GET /api/runs lists them");
      } else {
        action.accept(ar.result().get());
      }
    });
  }

  /** The request body as a JSON object, or null after a 400 naming what was expected. */
  private static JsonNode jsonBody(RoutingContext ctx, String example) {
    JsonNode n;
    try {
      String text = ctx.body().asString();
      n = text == null || text.isBlank() ? null : Json.MAPPER.readTree(text);
    } catch (IOException | RuntimeException e) {
      n = null;
    }
    if (n == null || !n.isObject()) {
      HttpErrors.send(ctx, 400, "body must be a JSON object such as " + example);
      return null;
    }
    return n;
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof HttpStatusException h) {
      HttpErrors.send(ctx, h.status(), h.getMessage());
    } else if (e instanceof IllegalArgumentException) {
      HttpErrors.send(ctx, 400, e.getMessage());
    } else if (e instanceof io.vertx.core.eventbus.ReplyException) {
      HttpErrors.fromReply(ctx, e);
    } else {
      HttpErrors.send(ctx, 500, e.getMessage());
    }
  }
}
