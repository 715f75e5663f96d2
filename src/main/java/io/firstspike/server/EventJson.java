package io.firstspike.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.runs.EventTrees;
import io.firstspike.runs.Json;
import io.firstspike.train.RunState;
import io.firstspike.train.TrainingEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Turns training events into the JSON bodies of {@code runs.<id>.batch|epoch|state}. Goes through
 * {@link Json#MAPPER} so NaN and the infinities (a neuron that never spiked) become {@code null}:
 * Vert.x's own encoder would write the invalid token {@code NaN} and break the browser's parser.
 * Bodies are plain JSON so they can cross a clustered event bus unchanged.
 */
public final class EventJson {
  private EventJson() {}

  /** A batch message: the fields of {@link EventTrees#batch}, plus {@code id}. */
  public static JsonObject batch(String runId, TrainingEvent.Batch b) {
    return toJsonObject(EventTrees.batch(b).put("id", runId));
  }

  /**
   * An epoch message: {@code id} and {@code metrics} (the EpochMetrics object, as in
   * metrics.jsonl), about 1 KB. The heavy part of the epoch (weight histograms, validation
   * predictions: ~50 KB for Yin-Yang) is not streamed: it goes to the run folder's activity.json,
   * which the page fetches from {@code GET /api/runs/<id>/activity} when it shows the run.
   */
  public static JsonObject epoch(String runId, TrainingEvent.Epoch e) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", runId);
    n.set("metrics", Json.MAPPER.valueToTree(e.metrics()));
    return toJsonObject(n);
  }

  /** A state message: {@code id}, {@code state} (wire name), {@code reason} (may be empty), {@code at}. */
  public static JsonObject state(String runId, RunState state, String reason) {
    return new JsonObject()
        .put("id", runId)
        .put("state", state.wire())
        .put("reason", reason == null ? "" : reason)
        .put("at", Instant.now().toString());
  }

  static JsonObject toJsonObject(ObjectNode n) {
    return new JsonObject(n.toString());
  }
}
