package io.firstspike.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  /**
   * A batch message: every component of {@link TrainingEvent.Batch} by name, plus {@code id}, and
   * {@code bumpedLayer} null when no layer was bumped.
   */
  public static JsonObject batch(String runId, TrainingEvent.Batch b) {
    ObjectNode n = Json.MAPPER.valueToTree(b);
    n.put("id", runId);
    if (b.bumpedLayer() < 0) {
      n.putNull("bumpedLayer");
    }
    return toJsonObject(n);
  }

  /**
   * An epoch message: {@code id}, {@code metrics} (an EpochMetrics object, also the line of
   * metrics.jsonl), {@code weightHistograms}, {@code weightHistogramEdges} and
   * {@code validationPredictions} as rows {@code [x, y, predicted, true]}.
   */
  public static JsonObject epoch(String runId, TrainingEvent.Epoch e) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", runId);
    n.set("metrics", Json.MAPPER.valueToTree(e.metrics()));
    n.set("weightHistograms", Json.MAPPER.valueToTree(e.weightHistograms()));
    n.set("weightHistogramEdges", Json.MAPPER.valueToTree(e.weightHistogramEdges()));
    ArrayNode preds = n.putArray("validationPredictions");
    for (double[] row : e.validationPredictions()) {
      preds.add((ArrayNode) Json.MAPPER.valueToTree(row));
    }
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
