package io.firstspike.server;

import io.firstspike.runs.RunEngine;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.firstspike.train.TrainingEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A training node of the cluster: announces itself and its slots to the head every second, takes
 * runs the head places on it, trains each in a local copy of its folder with the usual
 * {@link TrainingVerticle} (whose live streams reach the head over the clustered bus), and sends
 * what the training writes back to the head ({@link WorkerOutbox}) after every epoch, snapshot and
 * state change and once more at the end, before it tells the head the run ended.
 *
 * <p>A run's local copy is kept until the head has written all of it: while the head is away the
 * training goes on and its files wait; when a head is back (a new one says so in its heartbeat,
 * {@link Addresses#CLUSTER_HEAD}) each run is claimed again and what the head's copy lacks is sent.
 * Only then is the copy deleted.
 */
public final class ClusterWorkerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ClusterWorkerVerticle.class.getName());
  static final long ANNOUNCE_MILLIS = 1000;

  private final RunEngine engine;
  private final String node;
  private final int slots;
  private final int threads;
  private final Path workDir;
  /** Runs training here (event loop): run id to the deployment id of its training, null while starting. */
  private final Map<String, String> training = new HashMap<>();
  /** Runs whose local copy is kept (training, or ended with files the head has not written). */
  private final Map<String, WorkerOutbox> outboxes = new ConcurrentHashMap<>();
  private String headId;
  private long timer = -1;

  public ClusterWorkerVerticle(RunEngine engine, String node, int slots, int threads, Path workDir) {
    this.engine = engine;
    this.node = node;
    this.slots = slots;
    this.threads = threads;
    this.workDir = workDir;
  }

  /** A worker node with the production engine. */
  public static ClusterWorkerVerticle withDefaultEngine(String node, int slots, int threads, Path workDir) {
    return new ClusterWorkerVerticle(DefaultEngine.engine(), node, slots, threads, workDir);
  }

  @Override
  public Future<?> start() {
    var start = vertx.eventBus().<JsonObject>consumer(Addresses.clusterStart(node), this::startHandler);
    var ended = vertx.eventBus().<JsonObject>consumer(Addresses.clusterEnded(node), this::endedHandler);
    var head = vertx.eventBus().<JsonObject>consumer(Addresses.CLUSTER_HEAD, this::headHandler);
    timer = vertx.setPeriodic(0, ANNOUNCE_MILLIS, t -> {
      announce();
      outboxes.values().forEach(WorkerOutbox::tick);
    });
    return Future.all(start.completion(), ended.completion(), head.completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void announce() {
    vertx.eventBus().publish(Addresses.CLUSTER_ANNOUNCE,
        new JsonObject().put("node", node).put("slots", slots).put("running", training.size()));
  }

  /** The head's heartbeat: a head other than the last one heard holds what it holds; ask it. */
  private void headHandler(Message<JsonObject> m) {
    String id = m.body().getString("head");
    if (id != null && !id.equals(headId)) {
      if (headId != null) {
        LOG.info("a new head (" + id + ") is here: claiming the " + outboxes.size() + " run(s) held here");
        outboxes.values().forEach(WorkerOutbox::headChanged);
      }
      headId = id;
    }
  }

  private void startHandler(Message<JsonObject> m) {
    String id = m.body().getString("id");
    if (!RunStore.isValidId(id)) {
      m.fail(400, "bad run id: " + id);
      return;
    }
    if (training.size() >= slots || training.containsKey(id) || outboxes.containsKey(id)) {
      m.fail(503, "node " + node + " has no free slot for " + id);
      return;
    }
    Path dir = workDir.resolve(id);
    training.put(id, null);
    WorkerOutbox.Head head = new WorkerOutbox.Head() {
      @Override
      public Future<?> files(JsonObject body) {
        return onOwnContext(() -> vertx.eventBus().request(Addresses.CLUSTER_FILES, body,
            new DeliveryOptions().setSendTimeout(30_000)));
      }

      @Override
      public Future<JsonObject> claim(JsonObject body) {
        return onOwnContext(() -> vertx.eventBus().<JsonObject>request(Addresses.CLUSTER_CLAIM, body,
            new DeliveryOptions().setSendTimeout(15_000)).map(Message::body));
      }
    };
    vertx.executeBlocking(() -> {
      FolderMirror.deleteTree(dir);
      Files.createDirectories(dir);
      FolderMirror.writeStart(dir, m.body().getJsonObject("files"));
      return new WorkerOutbox(id, node, slots, dir, head,
          r -> context.executeBlocking(() -> {
            r.run();
            return null;
          }, false), () -> context.runOnContext(v -> gone(id)));
    }).compose(outbox -> {
      outboxes.put(id, outbox);
      RunFolder run = new RunFolder(dir);
      RunEngine syncing = (r, t, listener, stop) -> engine.execute(r, t, e -> {
        listener.onEvent(e);
        if (!(e instanceof TrainingEvent.Batch)) {
          outbox.changed(); // on the training thread: the folder is between writes
        }
      }, stop);
      return vertx.deployVerticle(new TrainingVerticle(syncing, run, threads,
          Addresses.Keys.DEFAULT_BATCH_RATE, StatusFiles.DISK, Addresses.clusterEnded(node)),
          new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
    }).onSuccess(dep -> {
      if (training.containsKey(id)) {
        training.put(id, dep);
      } else {
        vertx.undeploy(dep); // it ended (or was given up) before its deployment completed
      }
      m.reply(new JsonObject().put("id", id).put("node", node));
    }).onFailure(e -> {
      training.remove(id);
      outboxes.remove(id);
      m.fail(500, "node " + node + " cannot start " + id + ": " + e.getMessage());
    });
  }

  /**
   * Sends a request of an outbox from this verticle's context, whatever thread asks (the training
   * thread does, after each event). A request belongs to the context it is sent from: its reply
   * handler is unregistered when that context's deployment is undeployed. Sent from a training's
   * context, the reply to a run's last file message, which comes after the training ended and was
   * undeployed, would find no handler and be dropped, and the outbox would wait for the request's
   * timeout. This verticle lives as long as the outboxes.
   */
  private <T> Future<T> onOwnContext(Supplier<Future<T>> request) {
    Promise<T> reply = Promise.promise();
    context.runOnContext(v -> request.get().onComplete(reply));
    return reply.future();
  }

  /**
   * A training here ended: its deployment goes; its copy stays until the head holds all of it
   * (however long the head is away), then the head hears of the end and the copy is deleted.
   */
  private void endedHandler(Message<JsonObject> m) {
    String id = m.body().getString("id");
    String dep = training.remove(id);
    if (dep != null) {
      vertx.undeploy(dep);
    }
    WorkerOutbox outbox = outboxes.get(id);
    if (outbox == null) {
      return; // the head gave it up (gone): its copy is dropped
    }
    outbox.finish().onSuccess(v -> context.runOnContext(x -> {
      vertx.eventBus().send(Addresses.RUN_ENDED, m.body().copy().put("node", node));
      drop(id);
    })); // on failure the head gave the run up: gone() drops it
  }

  /** The head gave the run up (another node trains it now): stop it here and drop the copy. */
  private void gone(String id) {
    String dep = training.remove(id);
    outboxes.remove(id);
    Future<?> stopped = dep == null ? Future.succeededFuture() : vertx.undeploy(dep);
    stopped.onComplete(x -> drop(id));
  }

  private void drop(String id) {
    outboxes.remove(id);
    vertx.executeBlocking(() -> {
      FolderMirror.deleteTree(workDir.resolve(id));
      return null;
    });
  }
}
