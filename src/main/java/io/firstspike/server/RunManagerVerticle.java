package io.firstspike.server;

import io.firstspike.runs.DamagedRunException;
import io.firstspike.runs.DataFolders;
import io.firstspike.runs.RunEngine;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOwner;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.train.RunState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Knows every run and decides which ones train: the event-bus façade of the run manager, which
 * owns its state on its event loop (no locks) and hands each request to the class that knows:
 * {@link RunQueue} (the queue, the trainings here and on worker nodes, shutdown),
 * {@link WorkerNodes} (a cluster's nodes), {@link DeletionCoordinator} (deletion, and what may
 * start meanwhile), {@link StatusRecorder} (published states, failures it could not write) and
 * {@link RunReads} (list, get, metrics). Those objects are used only on this verticle's event loop;
 * workers get copies.
 *
 * <p>The folder of runs is the truth: queries read it, and at start every run whose status says
 * queued, running or stopping is marked {@code interrupted} (the previous server died without
 * finishing it), except runs another live process trains ({@link OtherProcessRuns}, which also
 * stops those on request).
 *
 * <p>Request/reply addresses ({@link Addresses}): create, list, get, metrics, stop, resume,
 * delete, meta-update, evaluation-begin, shutdown; from worker nodes: announce, files, claim.
 * Failures are {@code message.fail(httpStatus, text)} so the HTTP layer maps them 1:1. Every second
 * it publishes its heartbeat ({@link Addresses#CLUSTER_HEAD}) and checks its nodes.
 */
public final class RunManagerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(RunManagerVerticle.class.getName());
  /** How long a resume waits for a stopping run to end (the HTTP request waits 60 s). */
  static final long END_WAIT_MS = 20_000;

  private final RunEngine engine;
  private final RunPreparer preparer;
  private final StatusFiles statusFiles;
  private RunStore store;
  private ConfigLibrary configs;
  /** Where configs sent to this server may read data from. */
  private DataFolders dataFolders;
  private StatusRecorder recorder;
  private WorkerNodes nodes;
  private RunQueue queue;
  private DeletionCoordinator deletions;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long nodeTimer = -1;
  /** This head's id in its heartbeat: a worker that hears a new one claims its runs again. */
  private final String headId = UUID.randomUUID().toString();

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
    dataFolders = DataFolders.within(c.getJsonArray(Addresses.Keys.DATA_DIRS, new JsonArray()).stream()
        .map(d -> Path.of(d.toString())).toList());
    recorder = new StatusRecorder(vertx);
    nodes = new WorkerNodes(vertx, store);
    queue = new RunQueue(vertx, engine, store, statusFiles, recorder, nodes,
        c.getInteger(Addresses.Keys.MAX_CONCURRENT, Addresses.Keys.DEFAULT_MAX_CONCURRENT),
        c.getInteger(Addresses.Keys.THREADS, Runtime.getRuntime().availableProcessors()),
        c.getInteger(Addresses.Keys.BATCH_RATE, Addresses.Keys.DEFAULT_BATCH_RATE));
    deletions = new DeletionCoordinator(vertx, store, queue, recorder);
    RunReads reads = new RunReads(vertx, store,
        () -> new RunReads.View(queue.queued(), queue.stopping(), recorder.copy()));
    return vertx.executeBlocking(() -> OtherProcessRuns.markInterrupted(store, statusFiles)).compose(n -> {
      register(Addresses.CMD_CREATE, this::createHandler);
      register(Addresses.CMD_LIST, reads::list);
      register(Addresses.CMD_GET, reads::get);
      register(Addresses.CMD_METRICS, reads::metrics);
      register(Addresses.CMD_STOP, this::stopHandler);
      register(Addresses.CMD_RESUME, this::resumeHandler);
      register(Addresses.CMD_DELETE, deletions::delete);
      register(Addresses.CMD_META_UPDATE, deletions::updateMeta);
      register(Addresses.EVALUATION_BEGIN, deletions::evaluationBegin);
      register(Addresses.EVALUATION_ENDED, deletions::evaluationEnded);
      register(Addresses.CMD_SHUTDOWN, m -> queue.drain().onComplete(ar -> m.reply(new JsonObject())));
      register(Addresses.RUN_ENDED, this::runEndedHandler);
      register(Addresses.CLUSTER_ANNOUNCE, m -> {
        if (nodes.announce(m)) {
          queue.pump();
        }
      });
      register(Addresses.CLUSTER_FILES, nodes::files);
      register(Addresses.CLUSTER_CLAIM, this::claimHandler);
      nodeTimer = vertx.setPeriodic(1000, t -> {
        vertx.eventBus().publish(Addresses.CLUSTER_HEAD, new JsonObject().put("head", headId));
        queue.checkNodes();
      });
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(nodeTimer);
    return queue == null ? Future.succeededFuture() : queue.drain(); // null: start failed early
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
          queue.enqueue(id);
          m.reply(new JsonObject().put("id", id).put("state", RunState.QUEUED.wire()));
        });
  }

  private void stopHandler(Message<JsonObject> m) {
    RunMessages.withRun(vertx, store, m, run -> {
      String id = run.id();
      if (queue.removeQueued(id)) {
        String why = "stopped before it started";
        vertx.executeBlocking(() -> statusFiles.write(run, RunState.STOPPED, why)).onComplete(ar -> {
          // stopped either way: it left the queue; only where that is recorded differs
          if (recorder.recorded(id, ar, RunState.STOPPED, why)) {
            m.reply(new JsonObject().put("id", id).put("state", RunState.STOPPED.wire()));
          } else {
            m.reply(new JsonObject().put("id", id).put("state", RunState.FAILED.wire()).put("reason", recorder.reason(id)));
          }
        });
      } else if (queue.isActive(id)) {
        queue.stop(id); // sent now, or when its deployment completes
        m.reply(new JsonObject().put("id", id).put("state", RunState.STOPPING.wire()));
      } else if (recorder.isFailed(id)) {
        m.fail(409, "run " + id + " is failed (" + recorder.reason(id) + "): nothing to stop; POST /api/runs/"
            + id + "/resume queues it again once its status can be written");
      } else {
        RunMessages.replyWith(vertx, m, () -> {
          long pid = OtherProcessRuns.requestStop(run);
          vertx.runOnContext(v -> {
            recorder.publish(id, RunState.STOPPING,
                "asked process " + pid + " to stop after its current batch");
            OtherProcessRuns.whenStopped(vertx, run, st -> recorder.publish(id, st.state(), st.reason()));
          });
          return new JsonObject().put("id", id).put("state", RunState.STOPPING.wire());
        }, false);
      }
    });
  }

  private void resumeHandler(Message<JsonObject> m) {
    RunMessages.withRun(vertx, store, m, run -> {
      String id = run.id();
      if (queue.isQueued(id)) {
        m.fail(409, "run " + id + " is already queued");
        return;
      }
      if (queue.isActive(id)) {
        resumeWhenEnded(m, run);
        return;
      }
      String refused = deletions.beginResume(id); // a deletion is refused until it is queued or refused
      if (refused != null) {
        m.fail(409, "run " + id + refused);
        return;
      }
      boolean failedHere = recorder.isFailed(id);
      vertx.executeBlocking(() -> {
        String only = "only stopped, interrupted or failed runs can be resumed";
        if (!Files.isDirectory(run.dir())) {
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
        deletions.resumeEnded(id);
        if (ar.failed()) {
          if (ar.cause() instanceof StatusWriteException w) {
            recorder.fail(id, w.getMessage());
            m.fail(500, "run " + id + " cannot be queued: " + w.getMessage());
          } else {
            RunMessages.failWith(m, ar.cause());
          }
          return;
        }
        recorder.forget(id);
        queue.enqueue(id);
        m.reply(new JsonObject().put("id", id).put("state", RunState.QUEUED.wire()));
      });
    });
  }

  /**
   * A resume of a run still active here: refused if it trains on, but if it is ending (a stop
   * asked for, or its end already in status.json, which the page may show before that end
   * reaches this verticle) the resume waits for the end, at most {@link #END_WAIT_MS}, and is
   * then handled as if it had come just after it.
   */
  private void resumeWhenEnded(Message<JsonObject> m, RunFolder run) {
    String id = run.id();
    Future<Boolean> ending = queue.isStopping(id) ? Future.succeededFuture(true)
        : vertx.executeBlocking(() -> run.status().map(st -> st.state().isTerminal()).orElse(false));
    ending.onComplete(ar -> {
      if (!queue.isActive(id)) {
        resumeHandler(m); // ended meanwhile
      } else if (ar.failed() || !ar.result()) {
        m.fail(409, "run " + id + " is already running");
      } else {
        long timer = vertx.setTimer(END_WAIT_MS, t -> m.fail(409, "run " + id
            + " is still stopping after " + END_WAIT_MS / 1000 + " s; resume it once it has stopped"));
        queue.whenInactive(id).onComplete(done -> {
          if (vertx.cancelTimer(timer)) {
            if (done.succeeded()) {
              resumeHandler(m);
            } else {
              m.fail(503, "run " + id + " was not resumed: " + done.cause().getMessage());
            }
          }
        });
      }
    });
  }

  /** A training ended (here, or on the node the message names): its slot is free. */
  private void runEndedHandler(Message<JsonObject> m) {
    String id = m.body().getString("id");
    String node = m.body().getString("node");
    if (node != null && !nodes.trains(id, node)) {
      LOG.warning("ignoring the end of " + id + " from node " + node + ", which no longer trains it");
      return;
    }
    nodes.ended(id, node);
    if (m.body().getBoolean("recorded", true)) {
      recorder.forget(id);
    } else {
      recorder.unrecorded(id, m.body().getString("reason", "its status could not be written"));
    }
    queue.ended(id, node != null);
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
    if (node == null || !RunStore.isValidId(id)) {
      m.fail(400, "bad claim: " + m.body().getString("id") + " from " + node);
      return;
    }
    String owner = nodes.owner(id);
    boolean busyHere = queue.isQueued(id) || queue.isActive(id) || deletions.resumingOrDeleting(id);
    String refused = queue.closing() ? "the head is shutting down" : RunAdoption.refusal(id, node, owner, busyHere);
    if (refused != null) {
      m.fail(queue.closing() ? 503 : WorkerOutbox.GONE, refused);
      return;
    }
    boolean known = owner != null;
    if (!known) { // reserved now, so a resume or a second claim meanwhile is refused
      queue.adopt(id, node, m.body().getInteger("slots", 1));
    }
    int epochs = m.body().getInteger("epochsDone", 0);
    RunFolder run = new RunFolder(store.root().resolve(id));
    vertx.executeBlocking(() -> RunAdoption.listing(run, node, epochs, known)).onComplete(ar -> {
      if (ar.failed()) {
        if (!known) {
          queue.releaseAdoption(id, node);
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

  /** A status write that failed during a request; its message is the write's error. */
  private static final class StatusWriteException extends RuntimeException {
    StatusWriteException(UncheckedIOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private void register(String address, Handler<Message<JsonObject>> handler) {
    consumers.add(vertx.eventBus().consumer(address, handler));
  }
}
