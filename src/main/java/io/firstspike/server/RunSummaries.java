package io.firstspike.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.runs.Json;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOwner;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.runs.StopRequest;
import io.firstspike.train.EpochMetrics;
import io.firstspike.train.RunState;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JSON views of a run folder served by the API: everything is read from the folder, so a
 * restarted server shows exactly what the last one did. Blocking (file I/O).
 */
final class RunSummaries {
  private RunSummaries() {}

  /**
   * {@code {"runs": [...]}}: the summary of every run folder in the store, skipping (and logging)
   * folders that cannot be read, so that one damaged run does not hide the others.
   */
  static JsonObject list(RunStore store, Function<RunFolder, JsonObject> summary) {
    List<JsonObject> runs = new ArrayList<>();
    for (RunFolder run : store.list()) {
      try {
        runs.add(summary.apply(run));
      } catch (RuntimeException e) {
        Logger.getLogger(RunSummaries.class.getName())
            .log(Level.WARNING, "skipping unreadable run folder " + run.dir(), e);
      }
    }
    return new JsonObject().put("runs", runs);
  }

  /**
   * {@code {id, state, reason, createdAt, updatedAt, epochsDone, epochs, lastSnapshot, node,
   * progress, etaSeconds, samplesPerSecond, bestValAccuracy, bestEpoch, lastValAccuracy,
   * lastValLoss, lastTrainAccuracy, lastTrainLoss, snapshots}} plus {@code config} (the YAML
   * text) when asked. progress = epochsDone / epochs in [0, 1]; accuracies are null before the
   * first epoch; {@code stopping} replaces {@code running} while a stop request is pending (here,
   * or as a {@link StopRequest} file for a training in another process).
   */
  static JsonObject summary(RunFolder run, boolean withConfig, boolean stopPending) {
    RunStatus st = run.status().orElseThrow(
        () -> new IllegalStateException("run " + run.id() + " has no " + RunFolder.STATUS));
    List<EpochMetrics> metrics = run.metrics();
    RunState state = st.state();
    // a stop request file: another process (a CLI train) has been asked to stop this run
    boolean requested = state == RunState.RUNNING && StopRequest.read(run).isPresent();
    if ((stopPending || requested) && (state == RunState.RUNNING || state == RunState.QUEUED)) {
      state = RunState.STOPPING;
    }
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", run.id());
    n.put("state", state.wire());
    n.put("reason", st.reason() == null ? "" : st.reason());
    n.put("createdAt", st.createdAt());
    n.put("updatedAt", st.updatedAt());
    n.put("epochsDone", st.epochsDone());
    n.put("epochs", st.epochs());
    n.put("lastSnapshot", st.lastSnapshot());
    n.put("node", st.node());
    // trained by another live process on this host (a CLI train): no live streams for it
    n.put("otherProcess", RunOwner.otherLiveOwner(run).isPresent());
    putNumber(n, "progress", st.epochs() > 0 ? Math.min(1.0, (double) st.epochsDone() / st.epochs()) : Double.NaN);
    EpochMetrics last = metrics.isEmpty() ? null : metrics.get(metrics.size() - 1);
    EpochMetrics best = null;
    for (EpochMetrics m : metrics) {
      if (Double.isFinite(m.valAccuracy()) && (best == null || m.valAccuracy() > best.valAccuracy())) {
        best = m;
      }
    }
    boolean live = state == RunState.RUNNING || state == RunState.STOPPING;
    putNumber(n, "etaSeconds", last != null && live ? last.etaSeconds() : Double.NaN);
    putNumber(n, "samplesPerSecond", last != null ? last.samplesPerSecond() : Double.NaN);
    putNumber(n, "bestValAccuracy", best != null ? best.valAccuracy() : Double.NaN);
    if (best != null) {
      n.put("bestEpoch", best.epoch());
    } else {
      n.putNull("bestEpoch");
    }
    putNumber(n, "lastValAccuracy", last != null ? last.valAccuracy() : Double.NaN);
    putNumber(n, "lastValLoss", last != null ? last.valLoss() : Double.NaN);
    putNumber(n, "lastTrainAccuracy", last != null ? last.trainAccuracy() : Double.NaN);
    putNumber(n, "lastTrainLoss", last != null ? last.trainLoss() : Double.NaN);
    ArrayNode snaps = n.putArray("snapshots");
    run.snapshotEpochs().forEach(snaps::add);
    if (withConfig) {
      try {
        n.put("config", Files.readString(run.configFile(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + run.configFile() + ": " + e.getMessage(), e);
      }
    }
    return EventJson.toJsonObject(n);
  }

  /**
   * {@code {id, epochs: [EpochMetrics with step > since], batches: [decimated lines with step >
   * since], totalBatches, decimated}}; {@code since} = -1 returns everything. With
   * {@code withActivity} also {@code activity}: the run folder's activity.json (the newest epoch
   * and batch events), or null when it has none yet.
   */
  static JsonObject metrics(RunFolder run, long since, int maxPoints, boolean withActivity) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", run.id());
    ArrayNode epochs = n.putArray("epochs");
    for (EpochMetrics m : run.metrics()) {
      if (since < 0 || m.step() > since) {
        epochs.add(Json.MAPPER.valueToTree(m));
      }
    }
    List<JsonNode> lines = run.batches().stream()
        .filter(l -> since < 0 || l.path("step").asLong(-1) > since)
        .toList();
    List<JsonNode> kept = BatchDecimator.decimate(lines, maxPoints);
    n.putArray("batches").addAll(kept);
    n.put("totalBatches", lines.size());
    n.put("decimated", kept.size() < lines.size());
    if (withActivity) {
      n.set("activity", run.activity().orElse(NullNode.getInstance()));
    }
    return EventJson.toJsonObject(n);
  }

  private static void putNumber(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }
}
