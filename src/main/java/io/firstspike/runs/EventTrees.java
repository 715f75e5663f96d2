package io.firstspike.runs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.train.TrainingEvent;

/**
 * The JSON of a batch and an epoch event, one shape for the live messages of the workbench
 * ({@code runs.<id>.batch|epoch}) and for the run folder's {@value RunFolder#ACTIVITY}, so that a
 * page reads both alike. Built with {@link Json#MAPPER}: NaN and the infinities (a neuron that
 * never spiked) become {@code null}.
 */
public final class EventTrees {
  private EventTrees() {}

  /** Every component of {@link TrainingEvent.Batch} by name; {@code bumpedLayer} null if none. */
  public static ObjectNode batch(TrainingEvent.Batch b) {
    ObjectNode n = Json.MAPPER.valueToTree(b);
    if (b.bumpedLayer() < 0) {
      n.putNull("bumpedLayer");
    }
    return n;
  }

  /**
   * {@code metrics} (an EpochMetrics object, also the line of metrics.jsonl),
   * {@code weightHistograms}, {@code weightHistogramEdges} and {@code validationPredictions} as
   * rows {@code [x, y, predicted, true]}; with delay layers also {@link #putDelays}.
   */
  public static ObjectNode epoch(TrainingEvent.Epoch e) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.set("metrics", Json.MAPPER.valueToTree(e.metrics()));
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
}
