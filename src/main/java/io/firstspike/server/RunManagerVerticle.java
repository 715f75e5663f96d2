package io.firstspike.server;

import io.firstspike.runs.DamagedRunException;
import io.firstspike.runs.DataFolders;
import io.firstspike.runs.RunEngine;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOwner;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.train.RunState;
import io.vertx.core.AsyncResult;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
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
 * <p>A status.json that cannot be written (a full disk) does not leave a run shown as queued or
 * running for ever: the run is then failed here, in memory, with the write's error as reason
 * ("cannot write .../status.json: No space left on device"), published on its state stream and
 * shown by list and get in place of the stale file, until a later write of its status succeeds
 * (a resume once there is space again). These failures are the one thing this verticle knows
 * better than the folder.
 *
 * <p>Deleting a run is decided here too, so that no training can start in a folder being
 * removed: a deletion is refused while the run is queued, starting, running, stopping, being
 * resumed or evaluated (the evaluator announces each evaluation here), and while it runs, resumes
 * and evaluations of that run are refused.
 *
 * <p>Request/reply addresses ({@link Addresses}): create, list, get, metrics, stop, resume,
 * delete, evaluation-begin, shutdown. Failures are {@code message.fail(httpStatus, text)} so the
 * HTTP layer maps them 1:1.
 */
public final class RunManagerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(RunManagerVerticle.class.getName());

  private final RunEngine engine;
  private final RunPreparer preparer;
  private final StatusFiles statusFiles;
  /** Runs failed in memory because their status could not be written: id to reason. */
  private final Map<String, String> unrecorded = new HashMap<>();
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
  /** Trainings whose deployment has not completed yet (their entry in {@code active} is null). */
  private final Map<String, Future<String>> pendingDeploys = new HashMap<>();
  private final Set<String> stopPending = new HashSet<>();
  /** Runs whose resume is under way (checked, its queued status not yet written). */
  private final Set<String> resuming = new HashSet<>();
  /** Runs the evaluator has announced ({@link Addresses#EVALUATION_BEGIN}) and not yet ended. */
  private final Set<String> evaluating = new HashSet<>();
  /** Runs whose folder is being deleted: nothing may start on them until it is gone. */
  private final Set<String> deleting = new HashSet<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private boolean closing;
  /** Worker nodes that announced themselves: node id to slots and last heard (cluster mode). */
  private final Map<String, long[]> nodes = new HashMap<>();
  /** Runs training on a worker node: run id to node id. */
  private final Map<String, String> remote = new HashMap<>();
  /** A node silent for this long is lost: its runs are interrupted and queued again. */
  static final long NODE_TIMEOUT_MILLIS = 6_000;
  private long nodeTimer = -1;
  /** Remote runs: id to {bytes of file messages received, time placed in ms}, for the log. */
  private final Map<String, long[]> remoteTraffic = new HashMap<>();
  /** This head's id in its heartbeat: a worker that hears a new one claims its runs again. */
  private final String headId = java.util.UUID.randomUUID().toString();

  public RunManagerVerticle(RunEngine engine, RunPreparer preparer) {
    this(engine, preparer, StatusFiles.DISK);
  }

  /** @param statusFiles how this verticle and its trainings write status.json (tests: a full disk) */
  RunManagerVerticle(RunEngine engine, RunPreparer preparer, StatusFiles statusFiles) {
    this.engine = engine;
    this.preparer = preparer;
    this.statusFiles = statusFiles;
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
    return vertx.executeBlocking(() -> OtherProcessRuns.markInterrupted(store, statusFiles)).compose(n -> {
      register(Addresses.CMD_CREATE, this::createHandler);
      register(Addresses.CMD_LIST, m -> {
        View view = view();
        reply(m, () -> RunSummaries.list(store, run -> view.summary(run, false, false)), false);
      });
      register(Addresses.CMD_GET, m -> RunMessages.withListedFolder(vertx, store, m, run -> {
        View view = view();
        boolean batches = m.body().getBoolean("batches", true); // false: batches.jsonl unread
        reply(m, () -> view.summary(run, true, batches), false);
      }));
      register(Addresses.CMD_METRICS, this::metricsHandler);
      register(Addresses.CMD_STOP, this::stopHandler);
      register(Addresses.CMD_RESUME, this::resumeHandler);
      register(Addresses.CMD_DELETE, this::deleteHandler);
      register(Addresses.EVALUATION_BEGIN, this::evaluationBeginHandler);
      register(Addresses.EVALUATION_ENDED, m -> evaluating.remove(m.body().getString("id")));
      register(Addresses.CMD_SHUTDOWN, m -> drain().onComplete(ar -> m.reply(new JsonObject())));
      register(Addresses.RUN_ENDED, this::runEndedHandler);
      register(Addresses.CLUSTER_ANNOUNCE, this::announceHandler);
      register(Addresses.CLUSTER_FILES, this::filesHandler);
      register(Addresses.CLUSTER_CLAIM, this::claimHandler);
      nodeTimer = vertx.setPeriodic(1000, t -> checkNodes());
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(nodeTimer);
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
    boolean batches = m.body().getBoolean("batches", true);
    RunMessages.withRun(vertx, store, m,
        run -> reply(m, () -> RunSummaries.metrics(run, since, points, activity, batches), false));
  }

  private void stopHandler(Message<JsonObject> m) {
    RunMessages.withRun(vertx, store, m, run -> {
      String id = run.id();
      if (queue.remove(id)) {
        String why = "stopped before it started";
        vertx.executeBlocking(() -> statusFiles.write(run, RunState.STOPPED, why)).onComplete(ar -> {
          // stopped either way: it left the queue; only where that is recorded differs
          if (recorded(id, ar, RunState.STOPPED, why)) {
            m.reply(new JsonObject().put("id", id).put("state", RunState.STOPPED.wire()));
          } else {
            m.reply(new JsonObject().put("id", id).put("state", RunState.FAILED.wire()).put("reason", unrecorded.get(id)));
          }
        });
      } else if (active.containsKey(id)) {
        stopPending.add(id);
        if (active.get(id) != null) {
          vertx.eventBus().request(Addresses.stopCommand(id), new JsonObject().put("reason", "stopped by user"));
        } // else: sent when its deployment completes
        m.reply(new JsonObject().put("id", id).put("state", RunState.STOPPING.wire()));
      } else if (unrecorded.containsKey(id)) {
        m.fail(409, "run " + id + " is failed (" + unrecorded.get(id) + "): nothing to stop; POST /api/runs/"
            + id + "/resume queues it again once its status can be written");
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
      if (deleting.contains(id) || resuming.contains(id)) {
        m.fail(409, "run " + id + (deleting.contains(id) ? " is being deleted: it cannot be resumed"
            : " is already being resumed"));
        return;
      }
      resuming.add(id); // until it is queued or refused: a deletion is refused meanwhile
      boolean failedHere = unrecorded.containsKey(id);
      vertx.executeBlocking(() -> {
        String only = "only stopped, interrupted or failed runs can be resumed";
        if (!java.nio.file.Files.isDirectory(run.dir())) {
          throw new HttpStatusException(404, RunMessages.notFound(id)); // deleted since it was found
        }
        if (run.damage().isPresent()) {
          throw RunMessages.conflict(run, only);
        }
        // a run whose training process was killed still says running: it is interrupted
        RunStatus from = statusFiles.inEffect(run, failedHere);
        RunState s = from.state();
        if (s != RunState.STOPPED && s != RunState.INTERRUPTED && s != RunState.FAILED) {
          throw RunMessages.conflict(run, only);
        }
        try {
          engine.checkStart(run); // a damaged run is refused here and left as it was
        } catch (DamagedRunException e) {
          throw new HttpStatusException(409, "run " + id + " cannot be resumed: "
              + e.getMessage().replace("\n", "; "));
        }
        preparer.checkData(run, dataFolders);
        RunOwner.clearIfDead(run); // queued here now, not the dead process's
        try {
          return statusFiles.requeue(run, from, "resumed");
        } catch (UncheckedIOException e) {
          throw new StatusWriteException(e);
        }
      }).onComplete(ar -> {
        resuming.remove(id);
        if (ar.failed()) {
          if (ar.cause() instanceof StatusWriteException w) {
            fail(id, w.getMessage());
            m.fail(500, "run " + id + " cannot be queued: " + w.getMessage());
          } else {
            RunMessages.failWith(m, ar.cause());
          }
          return;
        }
        unrecorded.remove(id);
        enqueue(id);
        m.reply(new JsonObject().put("id", id).put("state", RunState.QUEUED.wire()));
      });
    });
  }

  /**
   * Deletes a run's folder ({@link RunDeletion}) unless something runs or is about to start on
   * it; the 409 says what. From the check on, the run is marked as being deleted, so a resume or
   * an evaluation asked for before the folder is gone is refused instead of starting in it.
   */
  private void deleteHandler(Message<JsonObject> m) {
    RunMessages.withRun(vertx, store, m, run -> {
      String id = run.id();
      String busy = closing ? "not deleted: the server is stopping" : busy(id);
      if (busy != null) {
        m.fail(closing ? 503 : 409, "run " + id + " is " + busy);
        return;
      }
      deleting.add(id);
      // ordered: after the status writes this verticle has started on the run (a stop of a
      // queued run writes "stopped" after it left the queue), so none lands in a removed folder
      vertx.executeBlocking(() -> RunDeletion.delete(run), true).onComplete(ar -> {
        deleting.remove(id);
        if (ar.succeeded()) {
          unrecorded.remove(id); // the run is gone: nothing is kept about it
          m.reply(ar.result());
        } else if (ar.cause() instanceof UncheckedIOException e) {
          m.fail(500, e.getMessage());
        } else {
          RunMessages.failWith(m, ar.cause());
        }
      });
    });
  }

  /** Why the run cannot be deleted now (said after "run <id> is "), or null when it can. */
  private String busy(String id) {
    if (deleting.contains(id)) {
      return "already being deleted";
    } else if (queue.contains(id)) {
      return "queued: stop it before deleting it";
    } else if (stopPending.contains(id)) {
      return "stopping: delete it once it has stopped";
    } else if (active.containsKey(id)) {
      return (active.get(id) == null ? "starting" : "running") + ": stop it before deleting it";
    } else if (resuming.contains(id)) {
      return "being resumed: stop it before deleting it";
    } else if (evaluating.contains(id)) {
      return "being evaluated: delete it after the evaluation ends";
    }
    return null;
  }

  /**
   * The evaluator is about to evaluate a run: refused while the run is being deleted, else the
   * run is marked as evaluated until {@link Addresses#EVALUATION_ENDED}.
   */
  private void evaluationBeginHandler(Message<JsonObject> m) {
    String id = m.body().getString("id");
    if (deleting.contains(id)) {
      m.fail(409, "run " + id + " is being deleted: it cannot be evaluated");
      return;
    }
    evaluating.add(id);
    m.reply(new JsonObject().put("id", id));
  }

  private void runEndedHandler(Message<JsonObject> m) {
    String id = m.body().getString("id");
    String node = m.body().getString("node");
    if (node != null && !node.equals(remote.get(id))) {
      LOG.warning("ignoring the end of " + id + " from node " + node + ", which no longer trains it");
      return;
    }
    remote.remove(id);
    long[] traffic = remoteTraffic.remove(id);
    if (node != null && traffic != null) {
      double secs = Math.max(0.001, (System.currentTimeMillis() - traffic[1]) / 1000.0);
      LOG.info(String.format(java.util.Locale.ROOT,
          "run %s on node %s ended: %d bytes of file messages in %.1f s, %.0f bytes/s",
          id, node, traffic[0], secs, traffic[0] / secs));
    }
    if (m.body().getBoolean("recorded", true)) {
      unrecorded.remove(id);
    } else {
      unrecorded.put(id, m.body().getString("reason", "its status could not be written"));
    }
    String deployment = active.remove(id);
    stopPending.remove(id);
    if (deployment != null && node == null) {
      vertx.undeploy(deployment);
    }
    pump();
  }

  /** A worker node's heartbeat: it exists, with so many slots. */
  private void announceHandler(Message<JsonObject> m) {
    String node = m.body().getString("node");
    int slots = m.body().getInteger("slots", 0);
    boolean fresh = !nodes.containsKey(node);
    nodes.put(node, new long[] {slots, System.currentTimeMillis()});
    if (fresh) {
      LOG.info("worker node " + node + " joined with " + slots + " slot(s)");
      pump();
    }
  }

  /** Files a worker node's training wrote: written into the head's run folder, in order. */
  private void filesHandler(Message<JsonObject> m) {
    String id = m.body().getString("id");
    String node = m.body().getString("node");
    if (node == null || !node.equals(remote.get(id))) {
      m.fail(409, "run " + id + " is not training on node " + node);
      return;
    }
    RunFolder run = new RunFolder(store.root().resolve(id));
    JsonObject changes = m.body().getJsonObject("changes");
    long[] traffic = remoteTraffic.get(id);
    if (traffic != null) {
      traffic[0] += m.body().toBuffer().length();
    }
    vertx.executeBlocking(() -> FolderMirror.apply(run.dir(), changes), true).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(new JsonObject().put("bytes", ar.result()));
      } else {
        LOG.warning("run " + id + ": cannot write what node " + node + " sent: " + ar.cause().getMessage());
        m.fail(500, String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  /**
   * A worker node claims a run it holds ({@link WorkerOutbox}): after this head restarted, or
   * after a file message that failed. A run this head does not train elsewhere is adopted
   * ({@link RunAdoption}): it trains on that node again, as if placed there. The reply is the
   * listing of this head's copy, from which the worker sends what it lacks.
   */
  private void claimHandler(Message<JsonObject> m) {
    String id = m.body().getString("id");
    String node = m.body().getString("node");
    if (id == null || node == null || !id.matches("[A-Za-z0-9._+-]+") || id.startsWith(".")) {
      m.fail(400, "bad claim: " + m.body().getString("id") + " from " + node);
      return;
    }
    String owner = remote.get(id);
    String refused = closing ? "the head is shutting down" : RunAdoption.refusal(id, node, owner,
        queue.contains(id) || active.containsKey(id) || resuming.contains(id) || deleting.contains(id));
    if (refused != null) {
      m.fail(closing ? 503 : WorkerOutbox.GONE, refused);
      return;
    }
    boolean known = owner != null;
    if (!known) { // reserved now, so a resume or a second claim meanwhile is refused
      remote.put(id, node);
      active.put(id, "node:" + node);
      remoteTraffic.put(id, new long[] {0, System.currentTimeMillis()});
      nodes.putIfAbsent(node, new long[] {m.body().getInteger("slots", 1), System.currentTimeMillis()});
    }
    int epochs = m.body().getInteger("epochsDone", 0);
    RunFolder run = new RunFolder(store.root().resolve(id));
    vertx.executeBlocking(() -> RunAdoption.listing(run, node, epochs, known)).onComplete(ar -> {
      if (ar.failed()) {
        if (!known && node.equals(remote.get(id))) {
          remote.remove(id);
          active.remove(id);
          remoteTraffic.remove(id);
        }
        LOG.warning("claim of " + id + " by node " + node + " refused: " + ar.cause().getMessage());
        RunMessages.failWith(m, ar.cause());
        return;
      }
      if (!known) {
        LOG.info("run " + id + " adopted from node " + node + " (" + epochs + " epoch(s) done there)");
      }
      m.reply(ar.result());
    });
  }

  /** Nodes not heard of for NODE_TIMEOUT_MILLIS are lost: their runs resume elsewhere. */
  private void checkNodes() {
    vertx.eventBus().publish(Addresses.CLUSTER_HEAD, new JsonObject().put("head", headId));
    long now = System.currentTimeMillis();
    for (String node : List.copyOf(nodes.keySet())) {
      if (now - nodes.get(node)[1] > NODE_TIMEOUT_MILLIS) {
        nodes.remove(node);
        LOG.warning("worker node " + node + " lost (silent for " + NODE_TIMEOUT_MILLIS + " ms)");
        for (String id : remote.entrySet().stream().filter(e -> e.getValue().equals(node))
            .map(Map.Entry::getKey).toList()) {
          lost(id, node);
        }
      }
    }
    pump();
  }

  /** A run whose node was lost: interrupted, then queued first to resume from its last snapshot. */
  private void lost(String id, String node) {
    remote.remove(id);
    remoteTraffic.remove(id);
    active.remove(id);
    stopPending.remove(id);
    RunFolder run = new RunFolder(store.root().resolve(id));
    String why = "worker node " + node + " was lost";
    vertx.executeBlocking(() -> {
      RunStatus st = statusFiles.write(run, RunState.INTERRUPTED, why);
      return statusFiles.requeue(run, st, "resumed after " + why);
    }).onComplete(ar -> {
      if (recorded(id, ar, RunState.INTERRUPTED, why)) {
        queue.addFirst(id);
        publishState(id, RunState.QUEUED, "");
        pump();
      }
    });
  }

  /** A node with a free slot, or null. */
  private String freeNode() {
    for (var e : nodes.entrySet()) {
      long busy = remote.values().stream().filter(e.getKey()::equals).count();
      if (busy < e.getValue()[0]) {
        return e.getKey();
      }
    }
    return null;
  }

  /** Sends a queued run to a worker node; on refusal it goes back to the front of the queue. */
  private void placeRemote(String id, String node) {
    active.put(id, "node:" + node);
    remote.put(id, node);
    remoteTraffic.put(id, new long[] {0, System.currentTimeMillis()});
    RunFolder run = new RunFolder(store.root().resolve(id));
    vertx.executeBlocking(() -> FolderMirror.forStart(run))
        .compose(files -> vertx.eventBus().request(Addresses.clusterStart(node),
            new JsonObject().put("id", id).put("files", files),
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(30_000)))
        .onSuccess(r -> {
          LOG.info("run " + id + " placed on node " + node);
          if (stopPending.contains(id)) {
            vertx.eventBus().request(Addresses.stopCommand(id), new JsonObject().put("reason", "stopped by user"));
          }
        })
        .onFailure(e -> {
          LOG.warning("node " + node + " did not take " + id + ": " + e.getMessage());
          if (node.equals(remote.get(id))) {
            remote.remove(id);
            active.remove(id);
            if (!closing) {
              queue.addFirst(id);
            }
            vertx.setTimer(1000, t -> pump());
          }
        });
  }

  private void enqueue(String id) {
    queue.add(id);
    publishState(id, RunState.QUEUED, "");
    pump();
  }

  /** Starts queued runs while fewer than maxConcurrent train. */
  private void pump() {
    while (!closing && !queue.isEmpty() && active.size() - remote.size() >= maxConcurrent) {
      String node = freeNode();
      if (node == null) {
        break;
      }
      placeRemote(queue.poll(), node);
    }
    while (!closing && active.size() - remote.size() < maxConcurrent && !queue.isEmpty()) {
      String id = queue.poll();
      RunFolder run = new RunFolder(store.root().resolve(id));
      active.put(id, null);
      DeploymentOptions opts = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
      Future<String> deploying = vertx.deployVerticle(new TrainingVerticle(engine, run, threads, batchRate, statusFiles), opts);
      pendingDeploys.put(id, deploying);
      deploying.onComplete(ar -> pendingDeploys.remove(id));
      deploying
          .onSuccess(dep -> {
            if (closing) {
              return; // drain() waits for this deployment and undeploys it
            }
            if (!active.containsKey(id)) {
              // It ended before its deployment completed (a failure in its first status write):
              // runEndedHandler has already let it go, so this late handle must not make it
              // active again (stop would answer 200 and its slot would never be freed).
              vertx.undeploy(dep);
              return;
            }
            active.put(id, dep);
            if (stopPending.contains(id)) {
              vertx.eventBus().request(Addresses.stopCommand(id), new JsonObject().put("reason", "stopped by user"));
            }
          })
          .onFailure(e -> {
            LOG.log(Level.WARNING, "cannot start the training of " + id, e);
            active.remove(id);
            String reason = "could not start: " + e.getMessage();
            vertx.executeBlocking(() -> statusFiles.write(run, RunState.FAILED, reason))
                .onComplete(ar -> recorded(id, ar, RunState.FAILED, reason));
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
    for (var e : active.entrySet()) {
      String dep = e.getValue();
      if (remote.containsKey(e.getKey())) {
        // trains on a worker node: ask it to stop (it writes its snapshot, which reaches the head)
        vertx.eventBus().request(Addresses.stopCommand(e.getKey()),
            new JsonObject().put("reason", "head shut down"));
      } else if (dep != null) {
        undeploys.add(vertx.undeploy(dep).recover(x -> Future.succeededFuture()));
      } else if (pendingDeploys.containsKey(e.getKey())) {
        // still deploying: shutdown must wait for it and stop it, or its training would go on
        // writing into the runs folder after the server said it had stopped
        undeploys.add(pendingDeploys.get(e.getKey()).compose(vertx::undeploy).recover(x -> Future.succeededFuture()));
      }
    }
    active.clear();
    List<String> waiting = new ArrayList<>(queue);
    queue.clear();
    return Future.join(undeploys).eventually(() -> vertx.executeBlocking(() -> {
      statusFiles.interrupt(store, waiting, "server shut down before the run started");
      return null;
    }));
  }

  /**
   * After a status write of this verticle: publishes {@code state} if it was written; else fails
   * the run in memory with the write's error. Returns whether it was written.
   */
  private boolean recorded(String id, AsyncResult<?> write, RunState state, String reason) {
    if (write.succeeded()) {
      unrecorded.remove(id);
      publishState(id, state, reason);
      return true;
    }
    fail(id, write.cause() instanceof UncheckedIOException ? write.cause().getMessage()
        : "cannot write its status: " + write.cause());
    return false;
  }

  /** The run failed because its status could not be written: kept here, published. */
  private void fail(String id, String reason) {
    LOG.warning("run " + id + " failed: " + reason);
    unrecorded.put(id, reason);
    publishState(id, RunState.FAILED, reason);
  }

  /** What the summaries need from this verticle's state, copied on its event loop. */
  private View view() {
    return new View(List.copyOf(queue), Set.copyOf(stopPending), Map.copyOf(unrecorded));
  }

  /** A copy of the queue, pending stops and in-memory failures, safe to read on a worker. */
  private record View(List<String> queue, Set<String> stopPending, Map<String, String> unrecorded) {
    JsonObject summary(RunFolder run, boolean withConfig, boolean checkBatches) {
      JsonObject s = RunSummaries.summary(run, withConfig, stopPending.contains(run.id()),
          checkBatches);
      String failure = unrecorded.get(run.id());
      if (failure != null) {
        s.put("state", RunState.FAILED.wire()).put("reason", failure).put("etaSeconds", (Object) null);
      } else if (queue.contains(run.id())) {
        s.put("queuePosition", queue.indexOf(run.id()));
      }
      return s;
    }
  }

  /** A status write that failed during a request; its message is the write's error. */
  private static final class StatusWriteException extends RuntimeException {
    StatusWriteException(UncheckedIOException cause) {
      super(cause.getMessage(), cause);
    }
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
