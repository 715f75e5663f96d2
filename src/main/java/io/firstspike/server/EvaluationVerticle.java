package io.firstspike.server;

import io.firstspike.eval.Evaluation;
import io.firstspike.eval.Evaluator;
import io.firstspike.eval.plot.EvaluationPlots;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Evaluates a run's newest snapshot with the one {@link Evaluator} and renders its plots into
 * {@code <run>/plots/} ({@link PlotFolder}), on request over {@link Addresses#CMD_EVALUATE}.
 *
 * <p>The verticle itself lives on an event loop and only keeps the set of runs being evaluated
 * (so a second request for the same run is a 409, decided without locks); each evaluation is
 * announced to the run manager before it starts and when it ends ({@link
 * Addresses#EVALUATION_BEGIN}, {@link Addresses#EVALUATION_ENDED}), which owns deletion and so
 * never deletes a run being evaluated nor lets one being deleted be evaluated. The evaluation runs on
 * a worker executor of its own (short file look-ups use the shared worker pool, so a listing never
 * waits behind an evaluation), whose long tasks do not trip Vert.x's blocked-thread warnings and
 * never hold an event loop. Progress and the end go out on {@code runs.<id>.state} as
 * {@code {"id", "state", "reason", "at", "evaluation": {...}}} (see docs/API.md), sampled to at
 * most {@link #PROGRESS_INTERVAL_NANOS} apart except for phase changes and the end. A failing
 * evaluation is reported there and in the request's log, never thrown out of the verticle.
 */
public final class EvaluationVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(EvaluationVerticle.class.getName());
  /** At most ten progress messages per second and run. */
  static final long PROGRESS_INTERVAL_NANOS = 100_000_000L;
  /** An evaluation of the full MNIST set takes minutes; this only bounds a hung one. */
  private static final long MAX_EVALUATION_MINUTES = 60;
  /** How long a stopping server waits for abandoned evaluations to reach their next progress step. */
  static final long STOP_WAIT_MILLIS = 30_000;

  private RunStore store;
  private int threads;
  private WorkerExecutor executor;
  /** Runs being evaluated, each with its evaluation's end (on this verticle's event loop only). */
  private final Map<String, Future<?>> running = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private volatile boolean closing;

  @Override
  public Future<?> start() {
    JsonObject c = config();
    store = new RunStore(Path.of(c.getString(Addresses.Keys.RUNS_DIR, Addresses.Keys.DEFAULT_RUNS_DIR)));
    threads = Math.max(1, c.getInteger(Addresses.Keys.THREADS, Runtime.getRuntime().availableProcessors()));
    executor = vertx.createSharedWorkerExecutor("firstspike-evaluation", 2,
        MAX_EVALUATION_MINUTES, TimeUnit.MINUTES);
    consumers.add(vertx.eventBus().consumer(Addresses.CMD_EVALUATE, this::evaluateHandler));
    consumers.add(vertx.eventBus().consumer(Addresses.CMD_PLOTS, this::plotsHandler));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  /**
   * Running evaluations are abandoned at their next progress report (a batch of samples or one
   * plot); stopping waits for that, at most {@link #STOP_WAIT_MILLIS}, so no evaluation outlives
   * the event loop it reports to. Their previous plots stay as they were.
   */
  @Override
  public Future<?> stop() {
    closing = true;
    io.vertx.core.Promise<Void> waited = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(STOP_WAIT_MILLIS, t -> waited.tryComplete());
    Future.join(List.copyOf(running.values())).onComplete(x -> {
      vertx.cancelTimer(timer);
      waited.tryComplete();
    });
    return waited.future().eventually(() -> executor == null ? Future.succeededFuture() : executor.close());
  }

  private void evaluateHandler(Message<JsonObject> m) {
    RunMessages.withRun(vertx, store, m, run -> {
      String id = run.id();
      if (closing) {
        m.fail(503, "the server is stopping; evaluate " + id + " after it restarts");
        return;
      }
      if (running.containsKey(id)) {
        m.fail(409, "run " + id + " is already being evaluated; wait for the evaluation phase \"done\" on "
            + Addresses.state(id));
        return;
      }
      io.vertx.core.Promise<Void> ended = io.vertx.core.Promise.promise();
      running.put(id, ended.future());
      // announced to the run manager, which refuses to delete the run until the end is announced
      // too, and refuses the evaluation of a run it is deleting
      Future<?> announced = vertx.eventBus().request(Addresses.EVALUATION_BEGIN, new JsonObject().put("id", id));
      announced.compose(x -> vertx.executeBlocking(() -> {
        if (run.snapshotEpochs().isEmpty()) {
          throw new HttpStatusException(409, "run " + id + " has no snapshot yet (no epoch_<N>/ folder in "
              + id + "/): evaluate it after its first epoch");
        }
        return null;
      }, false)).onComplete(ar -> {
        if (ar.failed()) {
          running.remove(id);
          if (announced.succeeded()) {
            announceEnd(id);
          }
          ended.complete();
          RunMessages.failWith(m, ar.cause());
          return;
        }
        m.reply(new JsonObject().put("id", id).put("status", "started"));
        executor.executeBlocking(() -> evaluate(run), false).onComplete(done -> {
          running.remove(id);
          announceEnd(id); // before the end is published: a deletion asked for after it is not refused
          publish(run, done.succeeded() ? done.result() : failed(done.cause()));
          ended.complete();
        });
      });
    });
  }

  private void announceEnd(String id) {
    vertx.eventBus().send(Addresses.EVALUATION_ENDED, new JsonObject().put("id", id));
  }

  private void plotsHandler(Message<JsonObject> m) {
    RunMessages.withRun(vertx, store, m, run -> vertx.executeBlocking(() -> PlotFolder.of(run).listing(), false)
        .onSuccess(list -> m.reply(list.put("evaluating", running.containsKey(run.id()))))
        .onFailure(e -> RunMessages.failWith(m, e)));
  }

  /**
   * Runs on the worker executor: copy the newest snapshot (a running run replaces its snapshots
   * every epoch), evaluate the copy, render into a temporary folder, move into place.
   */
  private JsonObject evaluate(RunFolder run) {
    long t0 = System.nanoTime();
    ProgressPublisher progress = new ProgressPublisher(run);
    Evaluator evaluator = new Evaluator(threads);
    Evaluation evaluation;
    List<String> notes;
    List<String> files;
    try (SnapshotCopy snapshot = SnapshotCopy.of(run)) {
      progress.epoch = snapshot.epoch();
      evaluation = evaluator.evaluate(snapshot.dir(), progress);
      notes = evaluation.notes().stream().map(n -> snapshot.inRun(n, run)).toList();
      files = PlotFolder.of(run).replace(
          tmp -> EvaluationPlots.render(evaluation, tmp, evaluator.threads(), progress),
          notes, evaluation.origin(), evaluation.epoch());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    LOG.info(() -> String.format("evaluated %s (%s): %d plots in %.1f s", run.id(), evaluation.origin(),
        files.size(), seconds));
    return new JsonObject().put("phase", "done").put("done", files.size()).put("total", files.size())
        .put("files", files).put("notes", notes).put("epoch", evaluation.epoch())
        .put("seconds", Math.round(seconds * 10) / 10.0);
  }

  private static JsonObject failed(Throwable e) {
    if (e instanceof CancellationException) {
      LOG.info(e.getMessage());
    } else {
      LOG.log(Level.WARNING, "evaluation failed", e);
    }
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    return new JsonObject().put("phase", "failed").put("error", msg);
  }

  /** {@code {"id", "state": <the run's current state>, "reason", "at", "evaluation": ...}}. */
  private void publish(RunFolder run, JsonObject evaluation) {
    Optional<RunStatus> s;
    try {
      s = run.status();
    } catch (RuntimeException e) {
      s = Optional.empty();
    }
    JsonObject body = s.map(st -> EventJson.state(run.id(), st.state(), st.reason()))
        .orElseGet(() -> new JsonObject().put("id", run.id()).put("state", "unknown").put("reason", "")
            .put("at", java.time.Instant.now().toString()));
    vertx.eventBus().publish(Addresses.state(run.id()), body.put("evaluation", evaluation));
  }

  /**
   * Forwards the evaluator's progress, at most every 100 ms except phase changes and the last
   * step. Synchronized: parallel rendering reports from several threads.
   */
  private final class ProgressPublisher implements Evaluator.Progress {
    private final RunFolder run;
    /** The snapshot being evaluated, named in every progress message (-1 before it is copied). */
    private volatile int epoch = -1;
    private Evaluator.Phase lastPhase;
    private long lastNanos;

    ProgressPublisher(RunFolder run) {
      this.run = run;
    }

    @Override
    public synchronized void update(Evaluator.Phase phase, int done, int total, String what) {
      if (closing) {
        throw new CancellationException("the server is stopping; evaluation of " + run.id() + " abandoned");
      }
      long now = System.nanoTime();
      if (phase == lastPhase && done < total && now - lastNanos < PROGRESS_INTERVAL_NANOS) {
        return;
      }
      lastPhase = phase;
      lastNanos = now;
      JsonObject e = new JsonObject().put("phase", phase.name().toLowerCase(java.util.Locale.ROOT))
          .put("done", done).put("total", total).put("what", what);
      if (epoch >= 0) {
        e.put("epoch", epoch);
      }
      if (phase == Evaluator.Phase.RENDER) {
        e.put("file", what);
      }
      publish(run, e);
    }
  }


}
