package io.firstspike.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.runs.EventCodec;
import io.firstspike.runs.Json;
import io.firstspike.train.RunState;
import io.firstspike.train.TrainingEvent;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus bodies of {@code runs.<id>.batch|epoch|state}: the {@link EventCodec} JSON of the
 * event (the shape of activity.json and batches.jsonl too) with the run's {@code id} first. The
 * codec's trees go through {@link Json#MAPPER}, so NaN and the infinities are {@code null}:
 * Vert.x's own encoder would write the invalid token {@code NaN} and break the browser's parser.
 * Bodies are plain JSON so they can cross a clustered event bus unchanged.
 */
public final class EventJson {
  private EventJson() {}

  /** A batch message: {@link EventCodec#batch} plus {@code id}. */
  public static JsonObject batch(String runId, TrainingEvent.Batch b) {
    return withId(runId, EventCodec.batch(b));
  }

  /**
   * An epoch message: {@code id} and {@code metrics} ({@link EventCodec#epochMetrics}), about 1 KB.
   * The heavy part of the epoch (weight histograms, validation predictions: ~50 KB for Yin-Yang)
   * is not streamed: it goes to the run folder's activity.json, which the page fetches from
   * {@code GET /api/runs/<id>/activity} when it shows the run.
   */
  public static JsonObject epoch(String runId, TrainingEvent.Epoch e) {
    return withId(runId, EventCodec.epochMetrics(e));
  }

  /** A state message: {@code id}, {@code state} (wire name), {@code reason} (may be empty), {@code at}. */
  public static JsonObject state(String runId, RunState state, String reason) {
    return withId(runId, EventCodec.state(state, reason));
  }

  private static JsonObject withId(String runId, ObjectNode event) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", runId);
    n.setAll(event);
    return toJsonObject(n);
  }

  static JsonObject toJsonObject(ObjectNode n) {
    return new JsonObject(n.toString());
  }
}
