package io.firstspike.server;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * Every event-bus address and every verticle config key of the workbench, in one place. The page
 * receives the browser-visible ones from {@code GET /api/meta} so JavaScript never repeats them.
 *
 * <p>Live streams live in the {@code runs.<id>.*} namespace, the only one the live stream lets
 * out; commands and internal notices live under {@code firstspike.*}, which the stream never
 * forwards in either direction.
 */
public final class Addresses {
  private Addresses() {}

  /** Prefix of the per-run live streams. */
  public static final String RUNS_PREFIX = "runs.";

  /** Suffixes of the three per-run streams: {@code runs.<id>.<kind>}. */
  public static final String BATCH = "batch";

  public static final String EPOCH = "epoch";
  public static final String STATE = "state";

  /**
   * The only addresses the live stream lets out to browsers: anchored, so {@code runs.x.batch.y} or
   * {@code xruns.a.batch} do not match; the id part uses the characters of a run id.
   */
  public static final String OUTBOUND_REGEX =
      "^(runs\\.[A-Za-z0-9._+-]+\\.(batch|epoch|state)|sweeps\\.[A-Za-z0-9._+-]+\\.state)$";

  public static final Pattern OUTBOUND = Pattern.compile(OUTBOUND_REGEX);

  /** Prefix of the per-sweep state streams: {@code sweeps.<id>.state}. */
  public static final String SWEEPS_PREFIX = "sweeps.";

  /**
   * Request/reply: create a sweep. Body {config | yaml, sweep (YAML text or object), name?,
   * seeds?}; reply {id, runs: [run ids]}.
   */
  public static final String CMD_SWEEP_CREATE = "firstspike.sweeps.create";

  /** Request/reply: all sweeps, newest first. Reply {sweeps: [summary]}. */
  public static final String CMD_SWEEP_LIST = "firstspike.sweeps.list";

  /** Request/reply: one sweep with its runs and its aggregated table. Body {id}. */
  public static final String CMD_SWEEP_GET = "firstspike.sweeps.get";

  /** Request/reply: stop every queued or running run of a sweep. Body {id}; reply {id, stopped}. */
  public static final String CMD_SWEEP_STOP = "firstspike.sweeps.stop";

  /** Request/reply: create a run. Body {config | yaml, name?, overrides?}; reply {id}. */
  public static final String CMD_CREATE = "firstspike.runs.create";

  /** Request/reply: all runs, newest first. Reply {runs: [summary]}. */
  public static final String CMD_LIST = "firstspike.runs.list";

  /** Request/reply: one run. Body {id}; reply the summary plus its config. */
  public static final String CMD_GET = "firstspike.runs.get";

  /** Request/reply: the logged curves. Body {id, since, points}; reply {epochs, batches}. */
  public static final String CMD_METRICS = "firstspike.runs.metrics";

  /** Request/reply: stop a queued or running run. Body {id}; reply {id, state}. */
  public static final String CMD_STOP = "firstspike.runs.stop";

  /** Request/reply: queue a stopped, interrupted or failed run again. Body {id}; reply {id, state}. */
  public static final String CMD_RESUME = "firstspike.runs.resume";

  /**
   * Request/reply: delete a run's folder. Body {id}; reply {id, deleted: true}; 409 (naming why)
   * while the run is queued, starting, running, stopping, being resumed, evaluated or deleted, or
   * trained by another process. Decided by the run manager, which refuses resuming or evaluating
   * the run until the folder is gone.
   */
  public static final String CMD_DELETE = "firstspike.runs.delete";

  /**
   * Request/reply: replace some of a run's name, notes, tags and archived flag ({@link RunIdentity}).
   * Body {id, meta: {name?, notes?, tags?, archived?}}; reply the meta written. Decided by the run
   * manager, in order with deletions: 409 while the run is being deleted, 404 once it is gone.
   */
  public static final String CMD_META_UPDATE = "firstspike.runs.meta-update";

  /**
   * Request/reply: evaluate a run's newest snapshot and render its plots. Body {id}; reply
   * {id, status: "started"} at once (409 while one runs or without a snapshot); progress and the end
   * follow on {@code runs.<id>.state} with an {@code evaluation} object.
   */
  public static final String CMD_EVALUATE = "firstspike.eval.start";

  /** Request/reply: a run's rendered plots. Body {id}; reply {plots: [{file, bytes, modified}], evaluating, notes}. */
  public static final String CMD_PLOTS = "firstspike.eval.plots";

  /** Request/reply, internal: stop every training (they are marked interrupted), start none. */
  public static final String CMD_SHUTDOWN = "firstspike.internal.shutdown";

  /**
   * Request/reply, internal: the evaluator tells the run manager that it is about to evaluate a
   * run, so the run is not deleted meanwhile. Body {id}; reply {id}; 409 while it is being deleted.
   */
  public static final String EVALUATION_BEGIN = "firstspike.internal.evaluation-begin";

  /** Internal: the evaluator tells the run manager that an announced evaluation ended. Body {id}. */
  public static final String EVALUATION_ENDED = "firstspike.internal.evaluation-ended";

  /** Publish, every second from each worker node: {node, slots}. */
  public static final String CLUSTER_ANNOUNCE = "firstspike.cluster.announce";

  /** Request/reply to the head: {id, node, changes} of a run trained on a worker ({@link FolderMirror}). */
  public static final String CLUSTER_FILES = "firstspike.cluster.files";

  /**
   * Request/reply to the head: a worker node claims a run it holds, body {id, node, slots,
   * epochsDone, ended}; reply {listing} of the head's copy ({@link FolderMirror#listing}); 410 when
   * the head gave the run up ({@link RunAdoption}).
   */
  public static final String CLUSTER_CLAIM = "firstspike.cluster.claim";

  /** Publish, every second from the head: {head}, an id new at each start of a head. */
  public static final String CLUSTER_HEAD = "firstspike.cluster.head";

  /** Request/reply to one worker node: start a run, body {id, files}. */
  public static String clusterStart(String node) {
    return "firstspike.cluster.node." + node + ".start";
  }

  /** A worker node's own address for the end of its trainings (it syncs, then tells the head). */
  public static String clusterEnded(String node) {
    return "firstspike.cluster.node." + node + ".ended";
  }

  /** Internal: a TrainingVerticle tells the run manager that its run ended. Body {id, state}. */
  public static final String RUN_ENDED = "firstspike.internal.run-ended";

  /** {@code runs.<id>.batch}: sampled per-batch messages. */
  public static String batch(String runId) {
    return RUNS_PREFIX + runId + "." + BATCH;
  }

  /** {@code runs.<id>.epoch}: one message per finished epoch. */
  public static String epoch(String runId) {
    return RUNS_PREFIX + runId + "." + EPOCH;
  }

  /** {@code runs.<id>.state}: every lifecycle change. */
  public static String state(String runId) {
    return RUNS_PREFIX + runId + "." + STATE;
  }

  /** {@code sweeps.<id>.state}: a sweep's run changed state or finished an epoch. */
  public static String sweepState(String sweepId) {
    return SWEEPS_PREFIX + sweepId + "." + STATE;
  }

  /** Internal, never streamed to browsers: asks the TrainingVerticle of a run to stop. Body {reason}. */
  public static String stopCommand(String runId) {
    return "firstspike.training." + runId + ".stop";
  }

  /** Config keys of the verticles (DeploymentOptions.setConfig), with their defaults. */
  public static final class Keys {
    private Keys() {}

    public static final String PORT = "port";
    public static final int DEFAULT_PORT = 8080;
    public static final String HOST = "host";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String RUNS_DIR = "runsDir";
    public static final String DEFAULT_RUNS_DIR = "experiment_results";
    public static final String CONFIGS_DIR = "configsDir";
    /** The folder of sweep folders; default: {@code <runsDir>_sweeps} beside the runs folder. */
    public static final String SWEEPS_DIR = "sweepsDir";
    public static final String DEFAULT_CONFIGS_DIR = "configs";
    public static final String MAX_CONCURRENT = "maxConcurrent";
    public static final int DEFAULT_MAX_CONCURRENT = 1;
    public static final String THREADS = "threads";
    public static final String TOKEN = "token";
    public static final String ALLOWED_ORIGINS = "allowedOrigins";
    public static final String ALLOWED_HOSTS = "allowedHosts";
    /** Folders a config sent over the network may read data from (absolute paths). */
    public static final String DATA_DIRS = "dataDirs";
    public static final String TLS_CERT = "tlsCert";
    public static final String TLS_KEY = "tlsKey";

    /** Upper bound of batch messages per second and run sent to browsers. */
    public static final String BATCH_RATE = "batchMessagesPerSecond";

    public static final int DEFAULT_BATCH_RATE = 10;

    /** Live-stream WebSockets open at once; the next upgrade gets 503 ({@code serve --max-clients}). */
    public static final String MAX_CLIENTS = "maxClients";

    public static final int DEFAULT_MAX_CLIENTS = 100;

    /** How long a live-stream socket may stay behind before the server closes it. */
    public static final String SLOW_CLIENT_MILLIS = "slowClientMillis";

    public static final long DEFAULT_SLOW_CLIENT_MILLIS = 10_000;

    /** Bytes one live-stream socket may have in flight (written, not yet sent), default 64 KiB. */
    public static final String STREAM_QUEUE_BYTES = "streamQueueBytes";
  }

  /**
   * What {@code GET /api/meta} tells the page: the stream address pattern, the stream's WebSocket,
   * and {@code batchPoints}, the bound of a decimated batch series ({@link BatchDecimator#MAX_POINTS}).
   */
  public static JsonObject meta() {
    return new JsonObject()
        .put("runsPrefix", RUNS_PREFIX)
        .put(
            "streams",
            new JsonObject()
                .put(BATCH, "runs.{id}." + BATCH)
                .put(EPOCH, "runs.{id}." + EPOCH)
                .put(STATE, "runs.{id}." + STATE)
                .put("sweepState", SWEEPS_PREFIX + "{id}." + STATE))
        .put("outboundRegex", OUTBOUND_REGEX)
        .put("eventBusPath", HttpVerticle.EVENTBUS_PATH)
        .put("webSocketPath", HttpVerticle.WEBSOCKET_PATH)
        .put("activityPath", "/api/runs/{id}/activity")
        .put("pingMillis", HttpVerticle.CLIENT_PING_MILLIS)
        .put("batchPoints", BatchDecimator.MAX_POINTS);
  }
}
