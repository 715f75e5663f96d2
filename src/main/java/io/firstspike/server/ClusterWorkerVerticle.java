package io.firstspike.server;

import io.firstspike.runs.RunEngine;
import io.firstspike.runs.RunFolder;
import io.firstspike.train.TrainingEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A training node of the cluster: announces itself and its slots to the head every second, takes
 * runs the head places on it, trains each in a local copy of its folder with the usual
 * {@link TrainingVerticle} (whose live streams reach the head over the clustered bus), and sends
 * what the training writes back to the head ({@link FolderMirror}) after every epoch, snapshot and
 * state change and once more at the end, before it tells the head the run ended. The head writes
 * the run folder; this node keeps nothing once a run ends.
 */
public final class ClusterWorkerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ClusterWorkerVerticle.class.getName());
  static final long ANNOUNCE_MILLIS = 1000;

  private final RunEngine engine;
  private final String node;
  private final int slots;
  private final int threads;
  private final Path workDir;
  /** Run id to its local copy's scanner (one training each). */
  private final Map<String, FolderMirror.Scanner> scanners = new HashMap<>();
  private final Map<String, String> deployments = new HashMap<>();
  private final AtomicLong bytesSent = new AtomicLong();
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
    timer = vertx.setPeriodic(0, ANNOUNCE_MILLIS, t -> announce());
    return Future.all(start.completion(), ended.completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Bytes of file content sent to the head so far (for docs/CLUSTER.md's figure). */
  public long bytesSent() {
    return bytesSent.get();
  }

  private void announce() {
    vertx.eventBus().publish(Addresses.CLUSTER_ANNOUNCE,
        new JsonObject().put("node", node).put("slots", slots).put("running", scanners.size()));
  }

  private void startHandler(Message<JsonObject> m) {
    String id = m.body().getString("id");
    if (id == null || !id.matches("[A-Za-z0-9._+-]+") || id.startsWith(".")) {
      m.fail(400, "bad run id: " + id);
      return;
    }
    if (scanners.size() >= slots || scanners.containsKey(id)) {
      m.fail(503, "node " + node + " has no free slot for " + id);
      return;
    }
    Path dir = workDir.resolve(id);
    scanners.put(id, null);
    vertx.executeBlocking(() -> {
      FolderMirror.deleteTree(dir);
      Files.createDirectories(dir);
      FolderMirror.writeStart(dir, m.body().getJsonObject("files"));
      return new FolderMirror.Scanner(dir);
    }).compose(scanner -> {
      scanners.put(id, scanner);
      RunFolder run = new RunFolder(dir);
      RunEngine syncing = (r, t, listener, stop) -> engine.execute(r, t, e -> {
        listener.onEvent(e);
        if (!(e instanceof TrainingEvent.Batch)) {
          sync(id, scanner); // on the training thread: the folder is between writes
        }
      }, stop);
      return vertx.deployVerticle(new TrainingVerticle(syncing, run, threads,
          Addresses.Keys.DEFAULT_BATCH_RATE, StatusFiles.DISK, Addresses.clusterEnded(node)),
          new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
    }).onSuccess(dep -> {
      deployments.put(id, dep);
      m.reply(new JsonObject().put("id", id).put("node", node));
    }).onFailure(e -> {
      scanners.remove(id);
      m.fail(500, "node " + node + " cannot start " + id + ": " + e.getMessage());
    });
  }

  /** Sends what changed in the local copy; returns when the head has written it. */
  private Future<?> sync(String id, FolderMirror.Scanner scanner) {
    JsonObject changes;
    synchronized (scanner) {
      changes = scanner.changes();
    }
    if (changes == null) {
      return Future.succeededFuture();
    }
    JsonObject body = new JsonObject().put("id", id).put("node", node).put("changes", changes);
    bytesSent.addAndGet(body.toBuffer().length());
    return vertx.eventBus().request(Addresses.CLUSTER_FILES, body,
        new DeliveryOptions().setSendTimeout(60_000));
  }

  private void endedHandler(Message<JsonObject> m) {
    String id = m.body().getString("id");
    FolderMirror.Scanner scanner = scanners.get(id);
    Future<?> last = scanner == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> sync(id, scanner)).compose(f -> f);
    last.onComplete(ar -> {
      if (ar.failed()) {
        LOG.warning("run " + id + ": the last files did not reach the head: " + ar.cause().getMessage());
      }
      vertx.eventBus().send(Addresses.RUN_ENDED, m.body().copy().put("node", node));
      scanners.remove(id);
      String dep = deployments.remove(id);
      Future<?> gone = dep == null ? Future.succeededFuture() : vertx.undeploy(dep);
      gone.onComplete(x -> vertx.executeBlocking(() -> {
        FolderMirror.deleteTree(workDir.resolve(id));
        return null;
      }));
    });
  }

}
