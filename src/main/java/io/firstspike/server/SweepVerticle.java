package io.firstspike.server;

import io.firstspike.runs.RunStore;
import io.firstspike.sweep.SweepException;
import io.firstspike.sweep.SweepSetup;
import io.firstspike.train.RunState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sweeps on the server (docs/SWEEPS.md, "In the workbench"): expands a sweep with the CLI's one
 * plan ({@link SweepSetup}), creates each run through the run manager's own create command (so
 * queueing, {@code maxConcurrent}, stop, resume and the data-folder rule apply to every run
 * unchanged), keeps the sweep's definition in its sweep folder ({@link SweepStore}), and publishes
 * on {@code sweeps.<id>.state} whenever one of its runs changes state or finishes an epoch. Holds
 * no run state of its own beyond the last state seen per run (for that message); every query reads
 * the runs folder. All fields live on this verticle's event loop.
 *
 * <p>Request/reply addresses ({@link Addresses}): sweep create, list, get, stop. Failures are
 * {@code message.fail(httpStatus, text)}, as the run manager's.
 */
public final class SweepVerticle extends VerticleBase {
  private static final DeliveryOptions SLOW = new DeliveryOptions().setSendTimeout(60_000);

  private RunStore runs;
  private SweepStore sweeps;
  private ConfigLibrary configs;
  /** Sweep id to the last state seen of each of its runs (run id to wire state). */
  private final Map<String, Map<String, String>> states = new HashMap<>();
  private final Map<String, Integer> planned = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  /** The default folder of sweep folders: {@code <runsDir>_sweeps} beside the runs folder. */
  public static Path defaultSweepsDir(Path runsDir) {
    Path r = runsDir.toAbsolutePath().normalize();
    return r.resolveSibling(r.getFileName() + "_sweeps");
  }

  @Override
  public Future<?> start() {
    JsonObject c = config();
    Path runsDir = Path.of(c.getString(Addresses.Keys.RUNS_DIR, Addresses.Keys.DEFAULT_RUNS_DIR));
    runs = new RunStore(runsDir);
    String dir = c.getString(Addresses.Keys.SWEEPS_DIR);
    sweeps = new SweepStore(dir != null ? Path.of(dir) : defaultSweepsDir(runsDir));
    configs = new ConfigLibrary(Path.of(c.getString(Addresses.Keys.CONFIGS_DIR, Addresses.Keys.DEFAULT_CONFIGS_DIR)));
    register(Addresses.CMD_SWEEP_CREATE, this::createHandler);
    register(Addresses.CMD_SWEEP_LIST, m -> RunMessages.replyWith(vertx, m, () -> new JsonObject()
        .put("sweeps", new JsonArray(sweeps.list().stream().map(s -> SweepViews.summary(s, runs)).toList())), false));
    register(Addresses.CMD_SWEEP_GET, m -> withSweep(m, s -> RunMessages.replyWith(vertx, m,
        () -> SweepViews.detail(s, runs), false)));
    register(Addresses.CMD_SWEEP_STOP, this::stopHandler);
    // the sweeps of the last server: watch their runs again (they are still ordinary runs)
    return vertx.executeBlocking(() -> {
      Map<SweepStore.Sweep, Map<String, String>> known = new LinkedHashMap<>();
      for (SweepStore.Sweep s : sweeps.list()) {
        Map<String, String> st = new LinkedHashMap<>();
        s.runIds().forEach(id -> st.put(id, SweepViews.runState(runs, id)));
        known.put(s, st);
      }
      return known;
    }).compose(known -> {
      known.forEach((s, st) -> watch(s.id(), s.runs().size(), st));
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    });
  }

  private void createHandler(Message<JsonObject> m) {
    SweepRequests.Create req;
    try {
      req = SweepRequests.create(m.body());
    } catch (IllegalArgumentException e) {
      m.fail(400, e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> {
      String text;
      try {
        text = req.run().text(configs);
      } catch (IllegalArgumentException e) {
        throw new HttpStatusException(400, e.getMessage());
      }
      SweepSetup setup;
      try {
        setup = SweepSetup.parse(text, req.configFileName(), req.sweepText(), "sweep", req.seeds());
      } catch (SweepException e) {
        throw new HttpStatusException(400, e.getMessage());
      }
      int n = setup.plan().runs().size();
      if (n > SweepRequests.MAX_RUNS) {
        throw new HttpStatusException(400, "the sweep has " + n + " runs; a sweep sent to the"
            + " workbench may have at most " + SweepRequests.MAX_RUNS + " (use the CLI's sweep run)");
      }
      return new Object[] {sweeps.create(req.name(), setup, req.run().configName(), req.seeds()), setup};
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        RunMessages.failWith(m, ar.cause());
        return;
      }
      SweepStore.Sweep sweep = (SweepStore.Sweep) ar.result()[0];
      SweepSetup setup = (SweepSetup) ar.result()[1];
      states.put(sweep.id(), new LinkedHashMap<>());
      planned.put(sweep.id(), sweep.runs().size());
      int[] refusal = {400};
      createRuns(sweep, setup, 0, new ArrayList<>(sweep.runs()), refusal).onComplete(done -> {
        SweepStore.Sweep s = done.result();
        if (s.runIds().isEmpty()) {
          states.remove(s.id());
          planned.remove(s.id());
          vertx.executeBlocking(() -> {
            sweeps.delete(s.id()); // nothing was created: leave nothing behind
            return null;
          }).onComplete(x -> m.fail(refusal[0], s.error()));
          return;
        }
        vertx.executeBlocking(() -> {
          sweeps.save(s);
          return null;
        }, false).onComplete(saved -> {
          publish(s.id(), null, null);
          if (s.error() != null) {
            // a later run was refused (its swept value named data outside the allowed folders,
            // or failed validation): the sweep is incomplete, so the runs made so far are
            // stopped (resumable, listed with the sweep and its error) and the request fails
            stopRuns(s).onComplete(x -> m.fail(refusal[0], s.error() + " and stopped (sweep " + s.id() + ")"));
            return;
          }
          JsonObject reply = new JsonObject().put("id", s.id()).put("runs", new JsonArray(new ArrayList<>(s.runIds())));
          if (saved.failed()) {
            reply.put("warning", "the sweep's definition could not be saved: " + saved.cause().getMessage());
          }
          m.reply(reply);
        });
      });
    });
  }

  /**
   * Creates run {@code k} and the rest, one after the other, through the run manager's create
   * command; stops at the first refusal, recording it as the sweep's error (the runs created so
   * far stay, queued like any run).
   */
  private Future<SweepStore.Sweep> createRuns(SweepStore.Sweep s, SweepSetup setup, int k,
      List<SweepStore.PlannedRun> done, int[] refusal) {
    if (k == done.size()) {
      return Future.succeededFuture(s.with(done, null));
    }
    var run = setup.plan().runs().get(k);
    JsonObject body = new JsonObject().put("yaml", io.firstspike.sweep.SweepYaml.write(run.config()))
        .put("name", s.name() + "-" + k);
    return vertx.eventBus().<JsonObject>request(Addresses.CMD_CREATE, body, SLOW).transform(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof io.vertx.core.eventbus.ReplyException r && r.failureCode() >= 400) {
          refusal[0] = r.failureCode();
        }
        String why = "sweep run " + k + " (" + run.name() + ") was refused: " + ar.cause().getMessage()
            + (k > 0 ? "; the " + k + " runs before it were created" : "");
        return Future.succeededFuture(s.with(done, why));
      }
      String id = ar.result().body().getString("id");
      done.set(k, done.get(k).withRunId(id));
      watchRun(s.id(), id, RunState.QUEUED.wire());
      return createRuns(s, setup, k + 1, done, refusal);
    });
  }

  private void stopHandler(Message<JsonObject> m) {
    withSweep(m, s -> stopRuns(s).onComplete(ar -> m.reply(new JsonObject().put("id", s.id())
        .put("stopped", new JsonArray(ar.result())))));
  }

  /** Asks the run manager to stop every queued or running run of the sweep; the ids it stopped. */
  private Future<List<String>> stopRuns(SweepStore.Sweep s) {
    List<Future<JsonObject>> stops = new ArrayList<>();
    for (String id : s.runIds()) {
      String st = states.getOrDefault(s.id(), Map.of()).get(id);
      if (st != null && !st.equals("queued") && !st.equals("running")) {
        continue; // ended: nothing to stop (the run manager would answer 409)
      }
      stops.add(vertx.eventBus().<JsonObject>request(Addresses.CMD_STOP, new JsonObject().put("id", id), SLOW)
          .map(r -> r.body()).recover(e -> Future.succeededFuture(null)));
    }
    return Future.join(stops).transform(x -> {
      List<String> stopped = new ArrayList<>();
      stops.forEach(f -> {
        if (f.result() != null) {
          stopped.add(f.result().getString("id"));
        }
      });
      return Future.succeededFuture(stopped);
    });
  }

  /** Runs {@code action} with the sweep named by the message's {@code id}; 404 naming it if none. */
  private void withSweep(Message<JsonObject> m, java.util.function.Consumer<SweepStore.Sweep> action) {
    String id = m.body().getString("id");
    vertx.executeBlocking(() -> sweeps.get(id), false).onComplete(ar -> {
      if (ar.failed()) {
        RunMessages.failWith(m, ar.cause());
      } else if (ar.result().isEmpty()) {
        m.fail(404, "no sweep '" + id + "'; GET /api/sweeps lists them");
      } else {
        action.accept(ar.result().get());
      }
    });
  }

  /** Follows the state and epoch streams of a sweep's runs, re-published on the sweep's stream. */
  private void watch(String sweepId, int total, Map<String, String> runStates) {
    states.put(sweepId, new LinkedHashMap<>());
    planned.put(sweepId, total);
    runStates.forEach((runId, st) -> watchRun(sweepId, runId, st));
  }

  private void watchRun(String sweepId, String runId, String initial) {
    Map<String, String> runStates = states.get(sweepId);
    runStates.putIfAbsent(runId, initial);
    MessageConsumer<JsonObject> state = vertx.eventBus().consumer(Addresses.state(runId), msg -> {
      JsonObject b = msg.body();
      if (b == null || b.containsKey("evaluation") || b.getString("state") == null) {
        return; // an evaluation's progress, not a lifecycle change
      }
      runStates.put(runId, b.getString("state"));
      publish(sweepId, runId, new JsonObject().put("state", b.getString("state")));
    });
    MessageConsumer<JsonObject> epoch = vertx.eventBus().consumer(Addresses.epoch(runId), msg -> {
      JsonObject metrics = msg.body() == null ? null : msg.body().getJsonObject("metrics");
      if (metrics != null) {
        runStates.replace(runId, RunState.QUEUED.wire(), RunState.RUNNING.wire()); // its start may precede our consumer
        publish(sweepId, runId, new JsonObject().put("epoch", metrics.getValue("epoch"))
            .put("valAccuracy", metrics.getValue("valAccuracy")));
      }
    });
    consumers.add(state);
    consumers.add(epoch);
  }

  /**
   * {@code sweeps.<id>.state}: {@code {id, state, counts, run?, runState?, epoch?, valAccuracy?}},
   * the sweep's state from the last state seen of each run.
   */
  private void publish(String sweepId, String runId, JsonObject what) {
    Map<String, String> st = states.getOrDefault(sweepId, Map.of());
    JsonObject body = new JsonObject().put("id", sweepId)
        .put("state", SweepViews.state(st.values(), planned.getOrDefault(sweepId, st.size())))
        .put("counts", SweepViews.counts(st.values()));
    if (runId != null) {
      body.put("run", runId);
      if (what.containsKey("state")) {
        body.put("runState", what.getString("state"));
      }
      if (what.containsKey("epoch")) {
        body.put("epoch", what.getValue("epoch")).put("valAccuracy", what.getValue("valAccuracy"));
      }
    }
    vertx.eventBus().publish(Addresses.sweepState(sweepId), body);
  }

  private void register(String address, io.vertx.core.Handler<Message<JsonObject>> handler) {
    consumers.add(vertx.eventBus().consumer(address, handler));
  }
}
