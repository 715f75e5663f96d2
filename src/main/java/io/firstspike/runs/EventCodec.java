package io.firstspike.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.train.RunState;
import io.firstspike.train.TrainingEvent;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one JSON shape of a training event, on disk and on the event bus: the live messages of the
 * workbench ({@code runs.<id>.batch|epoch|state}), the run folder's {@value RunFolder#ACTIVITY}
 * and the lines of {@value RunFolder#BATCHES} are built here, so a page reads all of them alike.
 * Built with {@link Json#MAPPER}: NaN and the infinities (a neuron that never spiked, the loss of
 * a weight-bumped batch) become {@code null}.
 *
 * <p>A batch line is the batch message without its big arrays ({@link #LINE_FIELDS}), the same
 * names and values. Lines written before this codec used other names ({@code running_error, lr,
 * bump} with -1 for none, {@code silent}); {@link #readBatchLine} reads both, so the files on
 * users' disks load unchanged and every reader sees the one shape.
 */
public final class EventCodec {
  /** The fields of a batch that batches.jsonl keeps, one line per batch. */
  public static final List<String> LINE_FIELDS = List.of("epoch", "batch", "batchesPerEpoch", "step",
      "loss", "accuracy", "runningError", "learningRate", "bumpedLayer", "silentFraction");

  /** Names of the batch lines written before the one shape, and their names now. */
  private static final Map<String, String> LEGACY_NAMES = Map.of(
      "running_error", "runningError", "lr", "learningRate", "bump", "bumpedLayer",
      "silent", "silentFraction");

  /** Parses a batches.jsonl line into the one shape (null for a line that is not a JSON object). */
  public static final JsonLines.Parser<JsonNode> BATCH_LINES = line -> {
    JsonNode n = Json.MAPPER.readTree(line);
    return n != null && n.isObject() ? readBatchLine((ObjectNode) n) : null;
  };

  private EventCodec() {}

  /** A batch: every component of {@link TrainingEvent.Batch} by name; {@code bumpedLayer} null if none. */
  public static ObjectNode batch(TrainingEvent.Batch b) {
    ObjectNode n = Json.MAPPER.valueToTree(b);
    if (b.bumpedLayer() < 0) {
      n.putNull("bumpedLayer");
    }
    return n;
  }

  /** The batch's line of batches.jsonl: {@link #batch} restricted to {@link #LINE_FIELDS}. */
  public static ObjectNode batchLine(TrainingEvent.Batch b) {
    ObjectNode all = batch(b);
    ObjectNode line = Json.MAPPER.createObjectNode();
    for (String f : LINE_FIELDS) {
      line.set(f, all.get(f));
    }
    return line;
  }

  /**
   * A batch line as read from disk, in the one shape: a line of an earlier version has its old
   * names replaced ({@code bump} -1, no bump, becomes {@code bumpedLayer} null); other fields are
   * kept as they are. Changes and returns {@code line}.
   */
  public static ObjectNode readBatchLine(ObjectNode line) {
    boolean legacy = false;
    for (Iterator<String> it = line.fieldNames(); it.hasNext() && !legacy; ) {
      legacy = LEGACY_NAMES.containsKey(it.next());
    }
    if (!legacy) {
      return line;
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    line.fields().forEachRemaining(e -> {
      String name = LEGACY_NAMES.getOrDefault(e.getKey(), e.getKey());
      if (!e.getKey().equals(name) && line.has(name)) {
        return; // both names: the new one wins
      }
      JsonNode v = e.getValue();
      if (name.equals("bumpedLayer") && v.isNumber() && v.asInt() < 0) {
        out.putNull(name);
      } else {
        out.set(name, v);
      }
    });
    return out;
  }

  /**
   * An epoch: {@code metrics} (an EpochMetrics object, also the line of metrics.jsonl),
   * {@code weightHistograms}, {@code weightHistogramEdges} and {@code validationPredictions} as
   * rows {@code [x, y, predicted, true]}: activity.json's {@code epoch}.
   */
  public static ObjectNode epoch(TrainingEvent.Epoch e) {
    ObjectNode n = epochMetrics(e);
    n.set("weightHistograms", Json.MAPPER.valueToTree(e.weightHistograms()));
    n.set("weightHistogramEdges", Json.MAPPER.valueToTree(e.weightHistogramEdges()));
    ArrayNode preds = n.putArray("validationPredictions");
    for (double[] row : e.validationPredictions()) {
      preds.add((ArrayNode) Json.MAPPER.valueToTree(row));
    }
    putDelays(n, e);
    return n;
  }

  /**
   * {@code delayLayers}, {@code delayHistograms} and {@code delayHistogramEdges} of a network
   * with delay layers (30 bins each, like the weights); nothing for one without, so the files of
   * a 2021 run are unchanged.
   */
  public static void putDelays(ObjectNode n, TrainingEvent.Epoch e) {
    if (e.delayLayers().isEmpty()) {
      return;
    }
    n.set("delayLayers", Json.MAPPER.valueToTree(e.delayLayers()));
    n.set("delayHistograms", Json.MAPPER.valueToTree(e.delayHistograms()));
    n.set("delayHistogramEdges", Json.MAPPER.valueToTree(e.delayHistogramEdges()));
  }

  /**
   * An epoch with its metrics only, {@code {metrics}} (about 1 KB): the live epoch message. The
   * heavy rest of {@link #epoch} goes to activity.json, which a page fetches when it shows the run.
   */
  public static ObjectNode epochMetrics(TrainingEvent.Epoch e) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.set("metrics", Json.MAPPER.valueToTree(e.metrics()));
    return n;
  }

  /** A state change: {@code state} (wire name), {@code reason} (may be empty), {@code at}. */
  public static ObjectNode state(RunState state, String reason) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("state", state.wire());
    n.put("reason", reason == null ? "" : reason);
    n.put("at", Instant.now().toString());
    return n;
  }
}
