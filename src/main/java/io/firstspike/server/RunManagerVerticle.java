package io.firstspike.server;

import io.firstspike.runs.DataFolders;
import io.firstspike.runs.RunEngine;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.firstspike.train.RunState;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Knows every run and decides which ones train. The folder of runs is the truth: queries read it,
 * and at start every run whose status says queued, running or stopping is marked
 * {@code interrupted} (the previous server died without finishing it), except runs another live
 * process trains ({@link OtherProcessRuns}, which also stops those on request). At most
 * {@code maxConcurrent} runs train at once, one {@link TrainingVerticle} (a worker) each; the rest
 * wait in a FIFO queue. All state below lives on this verticle's event loop: no locks.
 *
 * <p>Request/reply addresses ({@link Addresses}): create, list, get, metrics, stop, resume,
 * shutdown. Failures are {@code message.fail(httpStatus, text)} so the HTTP layer maps them 1:1.
 */
public final class RunManagerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(RunManagerVerticle.class.getName());

  private final RunEngine engine;
  private final RunPreparer preparer;
  private RunStore store;
  private ConfigLibrary configs;
  private int maxConcurrent;
  private int threads;
  private int batchRate;
  /** Where configs sent to this server may read data from. */
  private DataFolders dataFolders;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  /** Active run id to the deployment id of its TrainingVerticle (null while deploying). */
  private final Map<String, String> active = new HashMap<>();
  private final Set<String> stopPending = new HashSet<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private boolean closing;

  public RunManagerVerticle(RunEngine engine, RunPreparer preparer) {
    this.engine = engine;
    this.preparer = preparer;
  }

  @Override
  public Future<?> start() {
    JsonObject c = config();
    store = new RunStore(Path.of(c.getString(Addresses.Keys.RUNS_DIR, Addresses.Keys.DEFAULT_RUNS_DIR)));
    configs = new ConfigLibrary(Path.of(c.getString(Addresses.Keys.CONFIGS_DIR, Addresses.Keys.DEFAULT_CONFIGS_DIR)));
    maxConcurrent = c.getInteger(Addresses.Keys.MAX_CONCURRENT, Addresses.Keys.DEFAULT_MAX_CONCURRENT);
    threads = c.getInteger(Addresses.Keys.THREADS, Runtime.getRuntime().availableProcessors());
    batchRate = c.getInteger(Addresses.Keys.BATCH_RATE, Addresses.Keys.DEFAULT_BATCH_RATE);
    dataFolders = DataFolders.within(c.getJsonArray(Addresses.Keys.DATA_DIRS, new JsonArray()).stream()
        .map(d -> Path.of(d.toString())).toList());
    return vertx.executeBlocking(() -> OtherProcessRuns.markInterrupted(store)).compose(n -> {
      register(Addresses.CMD_CREATE, this::createHandler);
      register(Addresses.CMD_LIST, m -> reply(m, () -> RunSummaries.list(store, run -> summary(run, false)), false));
      register(Addresses.CMD_GET, m -> RunMessages.withRun(vertx, store, m, run -> reply(m, () -> summary(run, true), false)));
      register(Addresses.CMD_METRICS, this::metricsHandler);
      register(Addresses.CMD_STOP, this::stopHandler);
      register(Addresses.CMD_RESUME, this::resumeHandler);
      register(Addresses.CMD_SHUTDOWN, m -> drain().onComplete(ar -> m.reply(new JsonObject())));
      register(Addresses.RUN_ENDED, this::runEndedHandler);
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    });
  }

  @Override
  public Future<?> stop() {
    return drain();
  }

  private void createHandler(Message<JsonObject> m) {
    RunRequests.Create req;
    try {
      req = RunRequests.create(m.body());
    } catch (IllegalArgumentException e) {
      m.fail(400, e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> preparer.prepare(store, req.fileName(), req.text(configs), req.overrides(), dataFolders))
        .onComplete(ar -> {
          if (ar.failed()) {
            RunMessages.failWith(m, ar.cause());
            return;
          }
          String id = ar.result().id();
          enqueue(id);
          m.reply(new JsonObject().put("id", id).put("state", RunState.QUEUED.wire()));
        });
  }

  private void metricsHandler(Message<JsonObject> m) {
    long since = m.body().getLong("since", -1L);
    int points = m.body().getInteger("points", 2000);
    boolean activity = m.body().getBoolean("activity", since < 0);
    RunMessages.withRun(vertx, store, m, run -> reply(m, () -> RunSummaries.metrics(run, since, points, activity), false));
  }

  private void stopHandler(Message<JsonObject> m) {
    RunMessages.withRun(vertx, store, m, run -> {
      String id = run.id();
      if (queue.remove(id)) {
        vertx.executeBlocking(() -> StatusFiles.write(run, RunState.STOPPED, "stopped before it started"))
            .onComplete(ar -> {
              publishState(id, RunState.STOPPED, "stopped before it started");
              m.reply(new JsonObject().put("id", id).put("state", RunState.STOPPED.wire()));
            });
      } else if (active.containsKey(id)) {
        stopPending.add(id);
        if (active.get(id) != null) {
          vertx.eventBus().request(Addresses.stopCommand(id), new JsonObject().put("reason", "stopped by user"));
        } // else: sent when its deployment completes
        m.reply(new JsonObject().put("id", id).put("state", RunState.STOPPING.wire()));
      } else {
        reply(m, () -> {
          long pid = OtherProcessRuns.requestStop(run);
          vertx.runOnContext(v -> {
            publishState(id, RunState.STOPPING,
                "asked process " + pid + " to stop after its current batch");
            OtherProcessRuns.whenStopped(vertx, run, st -> publishState(id, st.state(), st.reason()));
          });
          return new JsonObject().put("id", id).put("state", RunState.STOPPING.wire());
        }, false);
      }
    });
  }

  private void resumeHandler(Message<JsonObject> m) {
    RunMessages.withRun(vertx, store, m, run -> {
      String id = run.id();
      if (queue.contains(id) || active.containsKey(id)) {
        m.fail(409, "run " + id + " is already " + (queue.contains(id) ? "queued" : "running"));
        return;
      }
      vertx.executeBlocking(() -> {
        RunState s = run.status().orElseThrow().state();
        if (s != RunState.STOPPED && s != RunState.INTERRUPTED && s != RunState.FAILED) {
          throw RunMessages.conflict(run, "only stopped, interrupted or failed runs can be resumed");
        }
        preparer.checkData(run, dataFolders);
        return StatusFiles.write(run, RunState.QUEUED, "resumed");
      }).onComplete(ar -> {
        if (ar.failed()) {
          RunMessages.failWith(m, ar.cause());
          return;
        }
        enqueue(id);
        m.reply(new JsonObject().put("id", id).put("state", RunState.QUEUED.wire()));
      });
    });
  }

  private void runEndedHandler(Message<JsonObject> m) {
    String id = m.body().getString("id");
    String deployment = active.remove(id);
    stopPending.remove(id);
    if (deployment != null) {
      vertx.undeploy(deployment);
    }
    pump();
  }

  private void enqueue(String id) {
    queue.add(id);
    publishState(id, RunState.QUEUED, "");
    pump();
  }

  /** Starts queued runs while fewer than maxConcurrent train. */
  private void pump() {
    while (!closing && active.size() < maxConcurrent && !queue.isEmpty()) {
      String id = queue.poll();
      RunFolder run = new RunFolder(store.root().resolve(id));
      active.put(id, null);
      DeploymentOptions opts = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
      vertx.deployVerticle(new TrainingVerticle(engine, run, threads, batchRate), opts)
          .onSuccess(dep -> {
            active.put(id, dep);
            if (stopPending.contains(id)) {
              vertx.eventBus().request(Addresses.stopCommand(id), new JsonObject().put("reason", "stopped by user"));
            }
          })
          .onFailure(e -> {
            LOG.log(Level.WARNING, "cannot start the training of " + id, e);
            active.remove(id);
            String reason = "could not start: " + e.getMessage();
            vertx.executeBlocking(() -> StatusFiles.write(run, RunState.FAILED, reason))
                .onComplete(ar -> publishState(id, RunState.FAILED, reason));
            pump();
          });
    }
  }

  /**
   * Shutdown: no new trainings; every TrainingVerticle is undeployed (it stops its loop, which
   * writes its snapshot, and marks the run interrupted); queued runs are marked interrupted.
   */
  private Future<?> drain() {
    closing = true;
    List<Future<?>> undeploys = new ArrayList<>();
    for (String dep : active.values()) {
      if (dep != null) {
        undeploys.add(vertx.undeploy(dep).recover(e -> Future.succeededFuture()));
      }
    }
    active.clear();
    List<String> waiting = new ArrayList<>(queue);
    queue.clear();
    return Future.join(undeploys).eventually(() -> vertx.executeBlocking(() -> {
      StatusFiles.interrupt(store, waiting, "server shut down before the run started");
      return null;
    }));
  }

  private JsonObject summary(RunFolder run, boolean withConfig) {
    JsonObject s = RunSummaries.summary(run, withConfig, stopPending.contains(run.id()));
    if (queue.contains(run.id())) {
      s.put("queuePosition", new ArrayList<>(queue).indexOf(run.id()));
    }
    return s;
  }

  /** Runs blocking work off the event loop and replies with its result (or its failure). */
  private <T> void reply(Message<JsonObject> m, Callable<T> work, boolean ordered) {
    RunMessages.replyWith(vertx, m, work, ordered);
  }

  private void publishState(String id, RunState state, String reason) {
    vertx.eventBus().publish(Addresses.state(id), EventJson.state(id, state, reason));
  }

  private void register(String address, io.vertx.core.Handler<Message<JsonObject>> handler) {
    consumers.add(vertx.eventBus().consumer(address, handler));
  }
}
