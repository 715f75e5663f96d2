package io.firstspike.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.runs.Json;
import io.firstspike.runs.JsonLines;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunMeta;
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
import java.util.Optional;
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
   * {@code {"runs": [...]}}: the summary of every folder in the store. A folder that cannot be
   * read as a run (or whose summary fails) is listed as {@value #DAMAGED} with the reason, so one
   * damaged run neither hides the others nor vanishes itself.
   */
  static JsonObject list(RunStore store, Function<RunFolder, JsonObject> summary) {
    List<JsonObject> runs = new ArrayList<>();
    for (RunFolder run : store.list()) {
      try {
        runs.add(summary.apply(run));
      } catch (RuntimeException e) {
        Logger.getLogger(RunSummaries.class.getName())
            .log(Level.WARNING, "run folder " + run.dir() + " cannot be summarized", e);
        runs.add(damaged(run, "cannot be read: " + e.getMessage(), false));
      }
    }
    return new JsonObject().put("runs", runs);
  }

  /** The state shown for a folder that cannot be read as a run; never written to a status.json. */
  static final String DAMAGED = "damaged";

  /**
   * {@code {id, state, reason, createdAt, updatedAt, epochsDone, epochs, lastSnapshot, node,
   * progress, etaSeconds, samplesPerSecond, bestValAccuracy, bestEpoch, lastValAccuracy,
   * lastValLoss, lastTrainAccuracy, lastTrainLoss, snapshots, warnings}} plus {@code config} (the
   * YAML text) when asked. progress = epochsDone / epochs in [0, 1]; accuracies are null before
   * the first epoch; {@code stopping} replaces {@code running} while a stop request is pending
   * (here, or as a {@link StopRequest} file for a training in another process); a run whose
   * training process ended without finishing is {@code interrupted} ({@link RunOwner#effective});
   * a folder that is not a usable run is {@value #DAMAGED} with the reason. {@code checkBatches}
   * reads batches.jsonl for its warning (a long file: for the one run asked about, and not for
   * the Compare view, which needs the config only).
   */
  static JsonObject summary(RunFolder run, boolean withConfig, boolean stopPending,
      boolean checkBatches) {
    Optional<String> damage = run.damage();
    if (damage.isPresent()) {
      return damaged(run, damage.get(), withConfig);
    }
    RunStatus st = RunOwner.effective(run, run.requireStatus());
    JsonLines.Read<EpochMetrics> log = run.metricsLog();
    List<EpochMetrics> metrics = log.values();
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
    putNumber(n, "trainingSeconds", trainingSeconds(metrics));
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
    ArrayNode warnings = n.putArray("warnings");
    run.warnings().forEach(warnings::add);
    log.warning(RunFolder.METRICS).ifPresent(warnings::add);
    putMeta(n, run, warnings);
    if (checkBatches) {
      // batches.jsonl is long: read for the one run asked about, not for every run listed
      run.batchesLog().warning(RunFolder.BATCHES).ifPresent(warnings::add);
    }
    if (withConfig) {
      n.put("config", config(run));
    }
    return EventJson.toJsonObject(n);
  }

  /**
   * The summary of a folder that cannot be read as a run: every key of {@link #summary}, state
   * {@value #DAMAGED}, the reason, and what could still be read (snapshots, warnings, config).
   */
  static JsonObject damaged(RunFolder run, String reason, boolean withConfig) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", run.id());
    n.put("state", DAMAGED);
    n.put("reason", reason);
    n.putNull("createdAt");
    n.putNull("updatedAt");
    n.put("epochsDone", 0);
    n.put("epochs", 0);
    n.put("lastSnapshot", -1);
    n.putNull("node");
    n.put("otherProcess", false);
    for (String k : List.of("progress", "etaSeconds", "samplesPerSecond", "trainingSeconds",
        "bestValAccuracy", "bestEpoch", "lastValAccuracy", "lastValLoss", "lastTrainAccuracy", "lastTrainLoss")) {
      n.putNull(k);
    }
    ArrayNode snaps = n.putArray("snapshots");
    ArrayNode warnings = n.putArray("warnings");
    try {
      run.snapshotEpochs().forEach(snaps::add);
      run.warnings().forEach(warnings::add);
    } catch (RuntimeException e) {
      warnings.add("the folder cannot be listed: " + e.getMessage());
    }
    putMeta(n, run, warnings);
    if (withConfig) {
      String text = null;
      try {
        text = config(run);
      } catch (RuntimeException e) {
        // the reason says what is wrong with it
      }
      n.put("config", text);
    }
    return EventJson.toJsonObject(n);
  }

  private static String config(RunFolder run) {
    try {
      return Files.readString(run.configFile(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RunFolder.CONFIG + " of run " + run.id() + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * What {@code GET /api/runs/<id>/metrics} asks for (the run manager's {@code CMD_METRICS} body).
   *
   * @param since only epochs and batches with a greater step; -1 for everything
   * @param points at most this many batch lines ({@link BatchDecimator})
   * @param width the narrowest bucket width of the decimation (the page's whole-series load's)
   * @param activity with the run folder's activity.json
   * @param batches read batches.jsonl at all
   * @param epochs read metrics.jsonl at all (a page refetching its batch series needs no epochs)
   */
  record MetricsQuery(long since, int points, long width, boolean activity, boolean batches, boolean epochs) {
    /** From a command body, with the API's defaults. */
    static MetricsQuery of(JsonObject body) {
      long since = body.getLong("since", -1L);
      return new MetricsQuery(since, body.getInteger("points", BatchDecimator.MAX_POINTS),
          body.getLong("width", 1L), body.getBoolean("activity", since < 0), body.getBoolean("batches", true),
          body.getBoolean("epochs", true));
    }
  }

  /**
   * {@code {id, epochs: [EpochMetrics with step > since], warnings: [unreadable lines skipped;
   * with since >= 0 those after since only], batches: [lines with step > since, decimated by
   * {@link BatchDecimator}], bucketWidth, totalBatches, decimated}}; {@code since} = -1 returns
   * everything. With {@code activity} also {@code activity}: the run folder's activity.json (the
   * newest epoch and batch events), or null when it has none yet. Without {@code batches}
   * batches.jsonl is not read at all: {@code batches} is empty, {@code totalBatches} 0 (the
   * Compare view, which draws epochs only, over long runs); without {@code epochs} metrics.jsonl
   * is not read and {@code epochs} is empty.
   */
  static JsonObject metrics(RunFolder run, MetricsQuery q) {
    long since = q.since();
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", run.id());
    ArrayNode epochs = n.putArray("epochs");
    ArrayNode warnings = n.putArray("warnings");
    if (q.epochs()) {
      // A backfill (since >= 0) reads the files from their ends: its cost follows the new lines.
      JsonLines.Read<EpochMetrics> metricsLog = since < 0 ? run.metricsLog() : run.metricsLogAfter(since);
      for (EpochMetrics m : metricsLog.values()) {
        if (since < 0 || m.step() > since) {
          epochs.add(Json.MAPPER.valueToTree(m));
        }
      }
      metricsLog.warning(RunFolder.METRICS).ifPresent(warnings::add);
    }
    List<JsonNode> lines = List.of();
    if (q.batches()) {
      JsonLines.Read<JsonNode> batchesLog = since < 0 ? run.batchesLog() : run.batchesLogAfter(since);
      batchesLog.warning(RunFolder.BATCHES).ifPresent(warnings::add);
      lines = batchesLog.values().stream()
          .filter(l -> since < 0 || l.path("step").asLong(-1) > since)
          .toList();
    }
    BatchDecimator.Decimated kept = BatchDecimator.decimate(lines, q.points(), q.width());
    n.putArray("batches").addAll(kept.lines());
    n.put("bucketWidth", kept.width());
    n.put("totalBatches", lines.size());
    n.put("decimated", kept.lines().size() < lines.size());
    if (q.activity()) {
      n.set("activity", run.activity().orElse(NullNode.getInstance()));
    }
    return EventJson.toJsonObject(n);
  }

  /**
   * Seconds spent training: each session (a start or a resume, whose {@code elapsedSeconds}
   * restart) counts its last epoch's elapsedSeconds; time queued or stopped does not count. NaN
   * without an epoch.
   */
  static double trainingSeconds(List<EpochMetrics> metrics) {
    double total = 0;
    double session = Double.NaN;
    for (EpochMetrics m : metrics) {
      double t = m.elapsedSeconds();
      if (!Double.isFinite(t)) {
        continue;
      }
      if (Double.isFinite(session) && t < session) {
        total += session; // a new session began
      }
      session = t;
    }
    return Double.isFinite(session) ? total + session : Double.NaN;
  }

  /**
   * {@code meta}: the run's name, notes, tags and archived flag ({@link RunMeta}); the defaults
   * and a warning when its file cannot be read.
   */
  private static void putMeta(ObjectNode n, RunFolder run, ArrayNode warnings) {
    RunMeta meta;
    try {
      meta = RunMeta.read(run);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      warnings.add(e.getMessage());
      meta = RunMeta.NONE;
    }
    n.set("meta", meta.toTree());
  }

  private static void putNumber(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }
}
