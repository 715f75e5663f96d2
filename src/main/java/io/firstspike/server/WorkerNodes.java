package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The worker nodes of a cluster as the head sees them: which nodes announced themselves, with how
 * many slots, which runs each one trains, and the files their trainings send back, written into
 * the head's run folders ({@link FolderMirror}). A node silent for {@link #NODE_TIMEOUT_MILLIS} is
 * lost; {@link RunQueue} queues its runs again. Owned by {@link RunManagerVerticle} and used only
 * on its event loop.
 */
final class WorkerNodes {
  private static final Logger LOG = Logger.getLogger(WorkerNodes.class.getName());
  /** A node silent for this long is lost: its runs are interrupted and queued again. */
  static final long NODE_TIMEOUT_MILLIS = 6_000;

  /** A run that trained on a node that was lost. */
  record LostRun(String id, String node) {}

  private final Vertx vertx;
  private final RunStore store;
  /** Worker nodes that announced themselves: node id to slots and last heard. */
  private final Map<String, long[]> nodes = new HashMap<>();
  /** Runs training on a worker node: run id to node id. */
  private final Map<String, String> remote = new HashMap<>();
  /** Remote runs: id to {bytes of file messages received, time placed in ms}, for the log. */
  private final Map<String, long[]> remoteTraffic = new HashMap<>();

  WorkerNodes(Vertx vertx, RunStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** A worker node's heartbeat: it exists, with so many slots. Returns whether it is new. */
  boolean announce(Message<JsonObject> m) {
    String node = m.body().getString("node");
    int slots = m.body().getInteger("slots", 0);
    boolean fresh = !nodes.containsKey(node);
    nodes.put(node, new long[] {slots, System.currentTimeMillis()});
    if (fresh) {
      LOG.info("worker node " + node + " joined with " + slots + " slot(s)");
    }
    return fresh;
  }

  /** Files a worker node's training wrote: written into the head's run folder, in order. */
  void files(Message<JsonObject> m) {
    String id = m.body().getString("id");
    String node = m.body().getString("node");
    if (node == null || !trains(id, node)) {
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
   * Forgets the nodes not heard of for NODE_TIMEOUT_MILLIS and returns the runs they trained, so
   * that they resume elsewhere.
   */
  List<LostRun> dropSilent() {
    long now = System.currentTimeMillis();
    List<LostRun> lost = new ArrayList<>();
    for (String node : List.copyOf(nodes.keySet())) {
      if (now - nodes.get(node)[1] > NODE_TIMEOUT_MILLIS) {
        nodes.remove(node);
        LOG.warning("worker node " + node + " lost (silent for " + NODE_TIMEOUT_MILLIS + " ms)");
        for (String id : remote.entrySet().stream().filter(e -> e.getValue().equals(node))
            .map(Map.Entry::getKey).toList()) {
          lost.add(new LostRun(id, node));
        }
      }
    }
    return lost;
  }

  /** A node with a free slot, or null. */
  String freeNode() {
    for (var e : nodes.entrySet()) {
      long busy = remote.values().stream().filter(e.getKey()::equals).count();
      if (busy < e.getValue()[0]) {
        return e.getKey();
      }
    }
    return null;
  }

  /** The run is sent to this node now. */
  void place(String id, String node) {
    remote.put(id, node);
    remoteTraffic.put(id, new long[] {0, System.currentTimeMillis()});
  }

  /**
   * A node claimed a run this head did not place ({@link RunAdoption}): it trains there now, and
   * the node counts as heard of now if it had not announced itself yet.
   */
  void adopt(String id, String node, int slots) {
    place(id, node);
    nodes.putIfAbsent(node, new long[] {slots, System.currentTimeMillis()});
  }

  /** The node the run trains on, or null. */
  String owner(String id) {
    return remote.get(id);
  }

  /** The run no longer trains on a node (refused, lost or ended). */
  void release(String id) {
    remote.remove(id);
    remoteTraffic.remove(id);
  }

  /** Whether the run trains on this node. */
  boolean trains(String id, String node) {
    return node.equals(remote.get(id));
  }

  /** Whether the run trains on some node. */
  boolean isRemote(String id) {
    return remote.containsKey(id);
  }

  /** How many runs train on nodes. */
  int remoteCount() {
    return remote.size();
  }

  /** The run's training ended ({@code node} null: it trained here); logs a node's traffic. */
  void ended(String id, String node) {
    remote.remove(id);
    long[] traffic = remoteTraffic.remove(id);
    if (node != null && traffic != null) {
      double secs = Math.max(0.001, (System.currentTimeMillis() - traffic[1]) / 1000.0);
      LOG.info(String.format(Locale.ROOT,
          "run %s on node %s ended: %d bytes of file messages in %.1f s, %.0f bytes/s",
          id, node, traffic[0], secs, traffic[0] / secs));
    }
  }
}
