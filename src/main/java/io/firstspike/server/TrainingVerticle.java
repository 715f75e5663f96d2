package io.firstspike.server;

import io.firstspike.runs.RunEngine;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOutcome;
import io.firstspike.runs.Throttle;
import io.firstspike.train.RunState;
import io.firstspike.train.StopFlag;
import io.firstspike.train.TrainingEvent;
import io.reactivex.rxjava3.core.Scheduler;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.rxjava3.RxHelper;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives one run: {@link RunEngine#execute} on a dedicated worker thread (the run's folder is
 * written by the engine, exactly as from the CLI), its events adapted to JSON on the run's three
 * stream addresses. Deployed by the run manager as a worker verticle, one per active run.
 *
 * <p>Batches go through the run's one kind of {@link Throttle} (RxJava's {@code throttleLatest}):
 * at most {@code r} messages per second, always the newest batch, and the last batch of the run is
 * always sent when the training ends. Only the newest batch is held, so a slow browser never
 * makes the training wait or memory grow. Epoch messages (metrics only, see
 * {@link EventJson#epoch}) go through another, at most one per {@link #EPOCH_MESSAGE_MILLIS} (the
 * newest, and always the last one): a small Yin-Yang run finishes 30 epochs a second, and each
 * message is a frame to every watching browser, whose page fetches the epochs in between from
 * the run's files anyway (at most once a second). A held item is published when its interval is
 * over by the throttle's scheduler, bound to this verticle's Vert.x context
 * ({@link RxHelper#scheduler(io.vertx.core.Context)}: Vert.x timers, cancelled when the throttles
 * end with the training). State messages are sent as they happen.
 *
 * <p>Stopping: a message on {@link Addresses#stopCommand} sets the {@link StopFlag} the loop checks
 * between batches. Undeploying the verticle while the training runs (server shutdown) interrupts
 * it ({@link StopFlag#interrupt}): the engine ends the run {@code interrupted}, so {@code resume}
 * continues it later. Every status write goes through the run's {@link io.firstspike.runs.RunLifecycle}.
 */
public final class TrainingVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(TrainingVerticle.class.getName());

  private final RunEngine engine;
  private final RunFolder run;
  private final int threads;
  private final int batchRate;
  private final StatusFiles statusFiles;
  private final String endedAddress;
  private final StopFlag stopFlag = new StopFlag();
  private final Promise<RunOutcome> done = Promise.promise();
  private Throttle<TrainingEvent.Batch> batches;
  private Throttle<TrainingEvent.Epoch> epochs;
  /** At most one epoch message per this many milliseconds (the newest; the last always). */
  static final long EPOCH_MESSAGE_MILLIS = 250;
  private volatile RunState lastPublished = RunState.QUEUED;
  private volatile boolean conversionFailureLogged;
  /** The end could not be written to status.json (set on the event loop in trainingEnded). */
  private boolean unrecordedEnd;
  private WorkerExecutor executor;
  private MessageConsumer<JsonObject> stopConsumer;

  /**
   * @param batchRate upper bound of batch messages per second
   */
  public TrainingVerticle(RunEngine engine, RunFolder run, int threads, int batchRate) {
    this(engine, run, threads, batchRate, StatusFiles.DISK);
  }

  TrainingVerticle(RunEngine engine, RunFolder run, int threads, int batchRate, StatusFiles statusFiles) {
    this(engine, run, threads, batchRate, statusFiles, Addresses.RUN_ENDED);
  }

  /** @param endedAddress where the end of the training is sent (a cluster worker's own address) */
  TrainingVerticle(RunEngine engine, RunFolder run, int threads, int batchRate, StatusFiles statusFiles,
      String endedAddress) {
    this.endedAddress = endedAddress;
    this.engine = engine;
    this.run = run;
    this.threads = threads;
    this.batchRate = batchRate;
    this.statusFiles = statusFiles;
  }

  /** Completes with the outcome when the engine returns (or fails). */
  public Future<RunOutcome> outcome() {
    return done.future();
  }

  @Override
  public Future<?> start() {
    String id = run.id();
    EventBus bus = vertx.eventBus();
    long batchMillis = Math.max(1, 1000L / batchRate);
    Scheduler timers = RxHelper.scheduler(context);
    batches = new Throttle<>(batchMillis, TimeUnit.MILLISECONDS, timers,
        b -> publishSafely(Addresses.batch(id), () -> EventJson.batch(id, b)));
    epochs = new Throttle<>(EPOCH_MESSAGE_MILLIS, TimeUnit.MILLISECONDS, timers,
        e -> publishSafely(Addresses.epoch(id), () -> EventJson.epoch(id, e)));
    stopConsumer = bus.consumer(Addresses.stopCommand(id), this::stopHandler);
    // One long task per run: a pool of its own with no blocked-thread warnings for hours of work.
    executor = vertx.createSharedWorkerExecutor("firstspike-training-" + id, 1, 365, TimeUnit.DAYS);
    executor.<RunOutcome>executeBlocking(this::train, false).onComplete(this::trainingEnded);
    return stopConsumer.completion();
  }

  /** Server shutdown while training: ask the loop to stop, wait for it, then release resources. */
  @Override
  public Future<?> stop() {
    if (!done.future().isComplete()) {
      stopFlag.interrupt("server shut down during training");
    }
    return done.future().eventually(() -> executor.close());
  }

  private RunOutcome train() {
    try {
      return engine.execute(run, threads, this::onEvent, stopFlag);
    } finally {
      batches.flush(); // the newest batch, its timer cancelled
      epochs.flush(); // and the newest epoch, before the final state is published
    }
  }

  private void stopHandler(Message<JsonObject> msg) {
    String reason = msg.body() == null ? "stopped by user" : msg.body().getString("reason", "stopped by user");
    stopFlag.request(reason);
    if (!lastPublished.isTerminal()) {
      publishState(RunState.STOPPING, reason);
    }
    msg.reply(new JsonObject().put("id", run.id()).put("state", RunState.STOPPING.wire()));
  }

  /** Runs on the training thread: must return quickly, never throw into the loop. */
  private void onEvent(TrainingEvent event) {
    String id = run.id();
    if (event instanceof TrainingEvent.Batch b) {
      batches.offer(b);
    } else if (event instanceof TrainingEvent.Epoch e) {
      epochs.offer(e);
    } else if (event instanceof TrainingEvent.StateChange s) {
      publishState(s.state(), s.reason());
    }
    // Snapshot events: the folder records snapshots; no stream needs them.
  }

  /**
   * Records how the run ended: the engine's outcome, or FAILED when it threw (a status or log
   * write on a full disk throws out of the executor). If status.json does not say so already,
   * it is written here; when that fails too, the run ends FAILED with the write's error and
   * {@code recorded: false} tells the run manager to keep that state in memory.
   */
  private void trainingEnded(AsyncResult<RunOutcome> ar) {
    RunOutcome outcome;
    if (ar.succeeded()) {
      outcome = ar.result();
    } else if (ar.cause() instanceof UncheckedIOException io) {
      LOG.warning("training of " + run.id() + " ended: " + io.getMessage());
      outcome = failed(io.getMessage());
    } else {
      // The engine broke its contract (it should return FAILED): record it, keep the server up.
      LOG.log(Level.WARNING, "training of " + run.id() + " threw", ar.cause());
      outcome = failed("internal error: " + ar.cause());
    }
    // a shutdown ends the run interrupted in the engine itself (StopFlag#interrupt)
    String error = onDisk(outcome.state()) ? null : writeStatus(outcome.state(), outcome.reason());
    if (error != null) {
      outcome = unrecorded(outcome, error);
    }
    boolean recorded = !unrecordedEnd;
    if (lastPublished != outcome.state() || !recorded) {
      publishState(outcome.state(), outcome.reason());
    }
    vertx.eventBus()
        .send(endedAddress,
            new JsonObject().put("id", run.id()).put("state", outcome.state().wire())
                .put("reason", outcome.reason()).put("recorded", recorded));
    done.complete(outcome);
  }

  private RunOutcome failed(String reason) {
    int done = 0;
    int snap = -1;
    try {
      done = run.status().map(s -> s.epochsDone()).orElse(0);
      snap = run.status().map(s -> s.lastSnapshot()).orElse(-1);
    } catch (RuntimeException e) {
      // an unreadable status: the counters stay unknown
    }
    return new RunOutcome(RunState.FAILED, reason, done, snap);
  }

  /** The end that status.json could not take: FAILED, with the write's error first. */
  private RunOutcome unrecorded(RunOutcome outcome, String error) {
    unrecordedEnd = true;
    String reason = outcome.state() == RunState.FAILED && outcome.reason().equals(error) ? error
        : error + " (the run " + (outcome.state() == RunState.FAILED ? "failed: " + outcome.reason()
            : "ended " + outcome.state().wire()) + ")";
    return new RunOutcome(RunState.FAILED, reason, outcome.epochsDone(), outcome.lastSnapshot());
  }

  /** True if status.json already holds {@code state} (the engine wrote its end). */
  private boolean onDisk(RunState state) {
    try {
      return run.status().map(s -> s.state() == state).orElse(false);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Writes the status; returns null, or the error when it cannot be written. */
  private String writeStatus(RunState state, String reason) {
    try {
      statusFiles.write(run, state, reason);
      return null;
    } catch (RuntimeException e) {
      LOG.warning("cannot write the status of " + run.id() + ": " + e.getMessage());
      return e instanceof UncheckedIOException ? e.getMessage() : "cannot write its status: " + e;
    }
  }

  private void publishState(RunState state, String reason) {
    lastPublished = state;
    publishSafely(Addresses.state(run.id()), () -> EventJson.state(run.id(), state, reason));
  }

  /** A message that cannot be converted is skipped (and logged once), never the training. */
  private void publishSafely(String address, java.util.function.Supplier<JsonObject> body) {
    try {
      vertx.eventBus().publish(address, body.get());
    } catch (RuntimeException e) {
      if (!conversionFailureLogged) {
        conversionFailureLogged = true;
        LOG.log(Level.WARNING, "cannot publish on " + address + "; skipping such messages", e);
      }
    }
  }
}
