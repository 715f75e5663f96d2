package io.firstspike.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOwner;
import io.firstspike.runs.RunStore;
import io.firstspike.sweep.KeyPath;
import io.firstspike.sweep.RunResult;
import io.firstspike.sweep.SweepException;
import io.firstspike.sweep.SweepPlan;
import io.firstspike.sweep.SweepResults;
import io.firstspike.train.EpochMetrics;
import io.firstspike.train.RunState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON views of a sweep ({@code GET /api/sweeps}, {@code GET /api/sweeps/{id}}), read from
 * the runs folder like every run view. The table and the curves come from the CLI's one
 * aggregation ({@link SweepResults#aggregate}: settings grouped by their swept values, seeds
 * aggregated), here over the runs' own logs: final and best validation accuracy from
 * {@code metrics.jsonl}, test accuracy from the final snapshot's saved test outputs (as
 * {@code sweep eval}), with mean and sample standard deviation per setting. Blocking.
 */
final class SweepViews {
  private SweepViews() {}

  /** The server's table metrics, accuracies in [0, 1]. */
  static final List<SweepResults.Metric> METRICS = List.of(
      new SweepResults.Metric("finalValAccuracy", r -> 1 - r.finalValErr()),
      new SweepResults.Metric("bestValAccuracy", r -> 1 - min(r.valErrByEpoch())),
      new SweepResults.Metric("testAccuracy", r -> 1 - r.finalTestErr()));

  /** Wire names of the run states counted per sweep. */
  static final List<String> STATES = List.of("queued", "running", "stopping", "stopped", "finished",
      "failed", "interrupted", "damaged", "missing");

  /** {@code {id, name, createdAt, config, seeds, total, state, counts, error}}. */
  static JsonObject summary(SweepStore.Sweep s, RunStore runs) {
    Map<String, String> states = new LinkedHashMap<>();
    for (String id : s.runIds()) {
      states.put(id, runState(runs, id));
    }
    return head(s, states);
  }

  /** The state of a run as its folder says ({@code missing} when it was deleted). */
  static String runState(RunStore runs, String id) {
    return runs.find(id).map(r -> {
      try {
        return r.damage().isPresent() ? RunSummaries.DAMAGED
            : RunOwner.effective(r, r.requireStatus()).state().wire();
      } catch (RuntimeException e) {
        return RunSummaries.DAMAGED;
      }
    }).orElse("missing");
  }

  private static JsonObject head(SweepStore.Sweep s, Map<String, String> states) {
    return new JsonObject().put("id", s.id()).put("name", s.name()).put("createdAt", s.createdAt())
        .put("config", s.config()).put("seeds", s.seeds() == null ? null : new JsonArray(new ArrayList<>(s.seeds())))
        .put("total", s.runs().size()).put("state", state(states.values(), s.runs().size()))
        .put("counts", counts(states.values())).put("error", s.error());
  }

  /** Runs per state. */
  static JsonObject counts(Iterable<String> states) {
    JsonObject c = new JsonObject();
    for (String st : STATES) {
      c.put(st, 0);
    }
    for (String st : states) {
      c.put(st, c.getInteger(st, 0) + 1);
    }
    return c;
  }

  /**
   * A sweep's state from its runs': {@code running} while any is queued, running or stopping;
   * then {@code finished} when all finished, {@code stopped} when any was stopped or interrupted
   * (resumable), else {@code failed}; {@code empty} without runs.
   */
  static String state(java.util.Collection<String> states, int planned) {
    if (states.isEmpty()) {
      return "empty";
    }
    if (states.stream().anyMatch(s -> s.equals("queued") || s.equals("running") || s.equals("stopping"))) {
      return "running";
    }
    if (states.size() == planned && states.stream().allMatch(s -> s.equals("finished"))) {
      return "finished";
    }
    if (states.stream().anyMatch(s -> s.equals("stopped") || s.equals("interrupted"))) {
      return "stopped";
    }
    return states.stream().allMatch(s -> s.equals("finished")) ? "finished" : "failed";
  }

  /**
   * The summary plus {@code runs} (each run's summary with {@code index}, {@code setting} (its
   * row's key), {@code name} (the original's run name) and {@code testAccuracy}),
   * {@code columns} (the swept parameters, seeds excluded), {@code table} (per setting, finished
   * runs only: {@code key, params, n, runs} and for each metric {@code {mean, std}}, std the
   * sample standard deviation, null for one run), {@code curves} (per setting: validation
   * accuracy after each epoch, {@code [{epoch, mean, std, n}]}, over every run that reached it)
   * and {@code notes}.
   */
  static JsonObject detail(SweepStore.Sweep s, RunStore runs) {
    Map<String, String> states = new LinkedHashMap<>();
    JsonArray runViews = new JsonArray();
    List<RunResult> finished = new ArrayList<>();
    List<RunResult> started = new ArrayList<>();
    Map<String, String> runIdOf = new LinkedHashMap<>(); // result dir name -> run id
    for (SweepStore.PlannedRun p : s.runs()) {
      if (p.runId() == null) {
        continue;
      }
      JsonObject view;
      RunFolder run = runs.find(p.runId()).orElse(null);
      if (run == null) {
        view = new JsonObject().put("id", p.runId()).put("state", "missing")
            .put("reason", "its run folder was deleted");
      } else {
        try {
          view = RunSummaries.summary(run, false, false, false);
        } catch (RuntimeException e) {
          view = RunSummaries.damaged(run, "cannot be read: " + e.getMessage(), false);
        }
      }
      String st = view.getString("state");
      states.put(p.runId(), st);
      view.put("index", p.index()).put("name", p.setting()).put("setting", settingKey(p));
      if (run != null && !st.equals(RunSummaries.DAMAGED)) {
        RunResult r = result(run, p, st.equals(RunState.FINISHED.wire()));
        if (r.valErrByEpoch().length > 0) {
          started.add(r);
          runIdOf.put(run.id(), p.runId());
        }
        if (st.equals(RunState.FINISHED.wire()) && r.valErrByEpoch().length > 0) {
          finished.add(r);
        }
        putNumber(view, "testAccuracy", 1 - r.finalTestErr());
      }
      runViews.add(view);
    }
    JsonObject out = head(s, states);
    JsonArray table = new JsonArray();
    JsonArray curves = new JsonArray();
    JsonArray notes = new JsonArray();
    List<String> columns = new ArrayList<>();
    if (!finished.isEmpty()) {
      SweepResults res = SweepResults.aggregate(finished, 0, METRICS);
      columns = res.paramColumns();
      res.notes().forEach(notes::add);
      for (SweepResults.Setting st : res.settings()) {
        JsonObject row = settingHead(res.paramColumns(), st, runIdOf);
        for (SweepResults.Metric m : METRICS) {
          JsonObject agg = new JsonObject();
          putNumber(agg, "mean", st.metrics().get(m.name()).get("mean"));
          putNumber(agg, "std", st.sampleStd(m.name()));
          row.put(m.name(), agg);
        }
        table.add(row);
      }
    }
    if (!started.isEmpty()) {
      SweepResults res = SweepResults.aggregate(started, 0, List.of());
      columns = res.paramColumns();
      for (SweepResults.Setting st : res.settings()) {
        JsonObject c = settingHead(res.paramColumns(), st, runIdOf);
        JsonArray points = new JsonArray();
        double[][] ms = st.valErrMeanStd();
        for (int e = 0; e < ms.length; e++) {
          JsonObject p = new JsonObject().put("epoch", e + 1);
          putNumber(p, "mean", 1 - ms[e][0]);
          putNumber(p, "std", ms[e][1]);
          p.put("n", (int) ms[e][2]);
          points.add(p);
        }
        curves.add(c.put("epochs", points));
      }
    }
    return out.put("runs", runViews).put("columns", new JsonArray(columns.stream().map(c -> c.replaceFirst("^params/", "")).toList()))
        .put("table", table).put("curves", curves).put("notes", notes);
  }

  /** {@code {key, params: [values], n, runs: [ids]}} of a setting. */
  private static JsonObject settingHead(List<String> columns, SweepResults.Setting st, Map<String, String> runIdOf) {
    JsonArray params = new JsonArray();
    st.params().forEach(v -> params.add(plain(v)));
    JsonArray ids = new JsonArray();
    st.runs().forEach(r -> ids.add(runIdOf.get(r.dir().getFileName().toString())));
    return new JsonObject().put("key", key(columns, st.params())).put("params", params)
        .put("n", st.frequency()).put("runs", ids);
  }

  /** The setting key of a run: its non-seed values, as the rows' {@code key}. */
  private static String settingKey(SweepStore.PlannedRun p) {
    List<String> cols = new ArrayList<>();
    List<JsonNode> vals = new ArrayList<>();
    for (SweepPlan.Update u : p.updates()) {
      if (!u.path().isSeed()) {
        cols.add("params/" + u.path().column());
        vals.add(u.value());
      }
    }
    return key(cols, vals);
  }

  private static String key(List<String> columns, List<JsonNode> values) {
    String d = SweepResults.describe(columns, values).replace("params/", "");
    return d.isEmpty() ? "all runs" : d;
  }

  /** A run's numbers as a {@link RunResult} (its test accuracy NaN unless finished with saved test outputs). */
  private static RunResult result(RunFolder run, SweepStore.PlannedRun p, boolean finished) {
    Map<String, JsonNode> params = new LinkedHashMap<>();
    Map<String, JsonNode> seeds = new LinkedHashMap<>();
    for (SweepPlan.Update u : p.updates()) {
      KeyPath path = u.path();
      (path.isSeed() ? seeds : params).put(path.column(), u.value());
    }
    // after each trained epoch, as sweep eval's curves: the initial validation (epoch 0) is left out
    List<EpochMetrics> metrics = run.metricsLog().values().stream().filter(m -> m.epoch() >= 1).toList();
    double[] valErr = metrics.stream().mapToDouble(m -> 1 - m.valAccuracy()).toArray();
    EpochMetrics last = metrics.isEmpty() ? null : metrics.get(metrics.size() - 1);
    double test = Double.NaN;
    if (finished) {
      try {
        test = RunResult.testAccuracy(run);
      } catch (SweepException e) {
        // no saved test outputs (or a config the sweep evaluation cannot read): no test accuracy
      }
    }
    return new RunResult(run.dir(), params, seeds, 0, last == null ? Double.NaN : 1 - last.valAccuracy(),
        last == null ? Double.NaN : 1 - last.trainAccuracy(), 1 - test, valErr);
  }

  private static double min(double[] x) {
    double m = Double.NaN;
    for (double v : x) {
      if (Double.isFinite(v) && !(v >= m)) {
        m = v;
      }
    }
    return m;
  }

  /** A YAML value as a plain JSON value (number, text, boolean, list, mapping). */
  private static Object plain(JsonNode v) {
    return v == null || v.isNull() ? null : new JsonObject("{\"v\":" + v + "}").getValue("v");
  }

  private static void putNumber(JsonObject o, String key, double v) {
    o.put(key, Double.isFinite(v) ? v : null);
  }
}
