package io.firstspike.server;

import io.firstspike.runs.RunEngine;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.train.RunState;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which runs wait and which train, and where: at most {@code maxConcurrent} runs train on this
 * host at once, one {@link TrainingVerticle} (a worker) each; when those slots are full a queued
 * run goes to a worker node with a free slot ({@link WorkerNodes}); the rest wait in a FIFO queue.
 * Also the stops asked for and not yet done, and shutdown ({@link #drain}). Owned by
 * {@link RunManagerVerticle}: the queue and the stop set are read and changed only on its event
 * loop (workers read the copies {@link #queued} and {@link #stopping} return).
 */
final class RunQueue {
  private static final Logger LOG = Logger.getLogger(RunQueue.class.getName());
  private static final String STOPPED_BY_USER = "stopped by user";

  private final Vertx vertx;
  private final RunEngine engine;
  private final RunStore store;
  private final StatusFiles statusFiles;
  private final StatusRecorder recorder;
  private final WorkerNodes nodes;
  private final int maxConcurrent;
  private final int threads;
  private final int batchRate;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  /** Active run id to the deployment id of its TrainingVerticle (null while deploying). */
  private final Map<String, String> active = new HashMap<>();
  /** Trainings whose deployment has not completed yet (their entry in {@code active} is null). */
  private final Map<String, Future<String>> pendingDeploys = new HashMap<>();
  private final Set<String> stopPending = new HashSet<>();
  /** Who waits for an active run to leave (a resume that came while it was ending). */
  private final Map<String, List<Promise<Void>>> leaving = new HashMap<>();
  private boolean closing;

  RunQueue(Vertx vertx, RunEngine engine, RunStore store, StatusFiles statusFiles, StatusRecorder recorder,
      WorkerNodes nodes, int maxConcurrent, int threads, int batchRate) {
    this.vertx = vertx;
    this.engine = engine;
    this.store = store;
    this.statusFiles = statusFiles;
    this.recorder = recorder;
    this.nodes = nodes;
    this.maxConcurrent = maxConcurrent;
    this.threads = threads;
    this.batchRate = batchRate;
  }

  /** True once shutdown has begun: nothing starts any more. */
  boolean closing() {
    return closing;
  }

  boolean isQueued(String id) {
    return queue.contains(id);
  }

  /** Training here or on a node, or about to (its deployment under way). */
  boolean isActive(String id) {
    return active.containsKey(id);
  }

  /** Active, its training not yet deployed. */
  boolean isStarting(String id) {
    return active.containsKey(id) && active.get(id) == null;
  }

  boolean isStopping(String id) {
    return stopPending.contains(id);
  }

  /**
   * Completes once the run is no longer active (its training ended, its node was lost, or it
   * never started); at once if it is not active now. Fails when shutdown begins.
   */
  Future<Void> whenInactive(String id) {
    if (!active.containsKey(id)) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    leaving.computeIfAbsent(id, k -> new ArrayList<>()).add(p);
    return p.future();
  }

  /** Takes the run out of the active ones and tells whoever waits for that. */
  private String leave(String id) {
    String deployment = active.remove(id);
    List<Promise<Void>> waiting = leaving.remove(id);
    if (waiting != null) {
      waiting.forEach(Promise::tryComplete);
    }
    return deployment;
  }

  /** A copy of the queue, safe to read on a worker. */
  List<String> queued() {
    return List.copyOf(queue);
  }

  /** A copy of the pending stops, safe to read on a worker. */
  Set<String> stopping() {
    return Set.copyOf(stopPending);
  }

  void enqueue(String id) {
    queue.add(id);
    recorder.publish(id, RunState.QUEUED, "");
    pump();
  }

  /** Takes the run off the queue; returns whether it was queued. */
  boolean removeQueued(String id) {
    return queue.remove(id);
  }

  /** Asks an active run to stop (now, or once its deployment completes). */
  void stop(String id) {
    stopPending.add(id);
    if (active.get(id) != null) {
      sendStop(id);
    }
  }

  /** The run's training has ended ({@code onNode}: on a worker node): its slot is free. */
  void ended(String id, boolean onNode) {
    String deployment = leave(id);
    stopPending.remove(id);
    if (deployment != null && !onNode) {
      vertx.undeploy(deployment);
    }
    pump();
  }

  /** A node's claim of a run not active here ({@link RunAdoption}): it trains on that node now. */
  void adopt(String id, String node, int slots) {
    active.put(id, "node:" + node);
    nodes.adopt(id, node, slots);
  }

  /** An adoption the head's copy refused: the run is no longer active, unless placed since. */
  void releaseAdoption(String id, String node) {
    if (nodes.trains(id, node)) {
      nodes.release(id);
      leave(id);
      pump();
    }
  }

  /** Runs of nodes gone silent are queued again, then queued runs start where there is room. */
  void checkNodes() {
    for (WorkerNodes.LostRun r : nodes.dropSilent()) {
      lost(r.id(), r.node());
    }
    pump();
  }

  /** A run whose node was lost: interrupted, then queued first to resume from its last snapshot. */
  private void lost(String id, String node) {
    nodes.release(id);
    leave(id);
    stopPending.remove(id);
    RunFolder run = new RunFolder(store.root().resolve(id));
    String why = "worker node " + node + " was lost";
    vertx.executeBlocking(() -> {
      RunStatus st = statusFiles.write(run, RunState.INTERRUPTED, why);
      return statusFiles.requeue(run, st, "resumed after " + why);
    }).onComplete(ar -> {
      if (recorder.recorded(id, ar, RunState.INTERRUPTED, why)) {
        queue.addFirst(id);
        recorder.publish(id, RunState.QUEUED, "");
        pump();
      }
    });
  }

  /** Starts queued runs while fewer than maxConcurrent train here, then on nodes with free slots. */
  void pump() {
    while (!closing && !queue.isEmpty() && active.size() - nodes.remoteCount() >= maxConcurrent) {
      String node = nodes.freeNode();
      if (node == null) {
        break;
      }
      placeRemote(queue.poll(), node);
    }
    while (!closing && active.size() - nodes.remoteCount() < maxConcurrent && !queue.isEmpty()) {
      deployLocal(queue.poll());
    }
  }

  /** Sends a queued run to a worker node; on refusal it goes back to the front of the queue. */
  private void placeRemote(String id, String node) {
    active.put(id, "node:" + node);
    nodes.place(id, node);
    RunFolder run = new RunFolder(store.root().resolve(id));
    vertx.executeBlocking(() -> FolderMirror.forStart(run))
        .compose(files -> vertx.eventBus().request(Addresses.clusterStart(node),
            new JsonObject().put("id", id).put("files", files),
            new DeliveryOptions().setSendTimeout(30_000)))
        .onSuccess(r -> {
          LOG.info("run " + id + " placed on node " + node);
          if (stopPending.contains(id)) {
            sendStop(id);
          }
        })
        .onFailure(e -> {
          LOG.warning("node " + node + " did not take " + id + ": " + e.getMessage());
          if (nodes.trains(id, node)) {
            nodes.release(id);
            leave(id);
            if (!closing) {
              queue.addFirst(id);
            }
            vertx.setTimer(1000, t -> pump());
          }
        });
  }

  /** Deploys the run's TrainingVerticle on this host. */
  private void deployLocal(String id) {
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
            // ended() has already let it go, so this late handle must not make it active
            // again (stop would answer 200 and its slot would never be freed).
            vertx.undeploy(dep);
            return;
          }
          active.put(id, dep);
          if (stopPending.contains(id)) {
            sendStop(id);
          }
        })
        .onFailure(e -> {
          LOG.log(Level.WARNING, "cannot start the training of " + id, e);
          leave(id);
          String reason = "could not start: " + e.getMessage();
          vertx.executeBlocking(() -> statusFiles.write(run, RunState.FAILED, reason))
              .onComplete(ar -> recorder.recorded(id, ar, RunState.FAILED, reason));
          pump();
        });
  }

  private void sendStop(String id) {
    vertx.eventBus().request(Addresses.stopCommand(id), new JsonObject().put("reason", STOPPED_BY_USER));
  }

  /**
   * Shutdown: no new trainings; every TrainingVerticle is undeployed (it stops its loop, which
   * writes its snapshot, and marks the run interrupted); queued runs are marked interrupted.
   */
  Future<?> drain() {
    closing = true;
    List<Future<?>> undeploys = new ArrayList<>();
    for (var e : active.entrySet()) {
      String dep = e.getValue();
      if (nodes.isRemote(e.getKey())) {
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
    leaving.values().forEach(ps -> ps.forEach(p -> p.tryFail("the server is shutting down")));
    leaving.clear();
    List<String> waiting = new ArrayList<>(queue);
    queue.clear();
    return Future.join(undeploys).eventually(() -> vertx.executeBlocking(() -> {
      statusFiles.interrupt(store, waiting, "server shut down before the run started");
      return null;
    }));
  }
}
