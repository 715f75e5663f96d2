package io.firstspike.server;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The launcher: deploys the run manager, the evaluation verticle, then the HTTP verticle, and
 * undeploys them in reverse order.
 */
public final class Workbench {
  /** How long a graceful stop waits for trainings to stop and write their snapshot. */
  static final long SHUTDOWN_MILLIS = 120_000;

  private final Vertx vertx;
  private final String runManagerId;
  private final String evaluationId;
  private String sweepsId;
  private final String httpId;
  private final String host;
  private final int port;
  private final String token;
  private final boolean tls;

  private Workbench(Vertx vertx, String runManagerId, String evaluationId, String httpId, String host, int port,
      String token, boolean tls) {
    this.tls = tls;
    this.vertx = vertx;
    this.runManagerId = runManagerId;
    this.evaluationId = evaluationId;
    this.httpId = httpId;
    this.host = host;
    this.port = port;
    this.token = token;
  }

  /**
   * Deploys the workbench on {@code vertx}. When the host is not a loopback literal and no token is
   * given, a random token is generated and printed once on standard output.
   */
  public static Future<Workbench> start(Vertx vertx, WorkbenchOptions o) {
    return start(vertx, o, StatusFiles.DISK);
  }

  /** As {@link #start(Vertx, WorkbenchOptions)}, with the server's status writes given (tests). */
  static Future<Workbench> start(Vertx vertx, WorkbenchOptions o, StatusFiles statusFiles) {
    if (o.engine() == null || o.preparer() == null) {
      return Future.failedFuture(new IllegalStateException(
          "no training engine: WorkbenchOptions.engine/preparer are null (the run executor is not built in)"));
    }
    for (java.nio.file.Path d : o.access().dataDirs()) {
      if (!java.nio.file.Files.isDirectory(d)) {
        return Future.failedFuture(new IllegalArgumentException(
            "--data-dir " + d + ": no such folder (give folders that hold the data configs may name)"));
      }
    }
    String token = o.token();
    if (token == null && !isLoopback(o.host())) {
      token = newToken();
      System.out.println("Binding " + o.host() + " (not loopback) requires a token; generated one: " + token);
    }
    String tok = token;
    JsonObject managerConfig = new JsonObject()
        .put(Addresses.Keys.RUNS_DIR, o.runsDir().toString())
        .put(Addresses.Keys.CONFIGS_DIR, o.configsDir().toString())
        .put(Addresses.Keys.MAX_CONCURRENT, o.maxConcurrent())
        .put(Addresses.Keys.THREADS, o.threads())
        .put(Addresses.Keys.BATCH_RATE, o.batchMessagesPerSecond())
        .put(Addresses.Keys.DATA_DIRS, new JsonArray(o.access().dataDirs().stream()
            .map(d -> d.toAbsolutePath().toString()).toList()));
    JsonObject httpConfig = new JsonObject()
        .put(Addresses.Keys.HOST, o.host())
        .put(Addresses.Keys.PORT, o.port())
        .put(Addresses.Keys.TOKEN, tok)
        .put(Addresses.Keys.RUNS_DIR, o.runsDir().toString())
        .put(Addresses.Keys.CONFIGS_DIR, o.configsDir().toString())
        .put(Addresses.Keys.ALLOWED_ORIGINS, new JsonArray(o.allowedOrigins()))
        .put(Addresses.Keys.MAX_CLIENTS, o.maxClients())
        .put(Addresses.Keys.ALLOWED_HOSTS, new JsonArray(o.access().allowedHosts()));
    if (o.access().tls()) {
      httpConfig.put(Addresses.Keys.TLS_CERT, o.access().tlsCert().toAbsolutePath().toString())
          .put(Addresses.Keys.TLS_KEY, o.access().tlsKey().toAbsolutePath().toString());
    }
    JsonObject evalConfig = new JsonObject()
        .put(Addresses.Keys.RUNS_DIR, o.runsDir().toString())
        .put(Addresses.Keys.THREADS, o.threads());
    JsonObject sweepConfig = new JsonObject()
        .put(Addresses.Keys.RUNS_DIR, o.runsDir().toString())
        .put(Addresses.Keys.CONFIGS_DIR, o.configsDir().toString());
    HttpVerticle http = new HttpVerticle();
    String[] sweepsDeployment = new String[1]; // the SweepVerticle's, deployed after the run manager
    return vertx.deployVerticle(new RunManagerVerticle(o.engine(), o.preparer(), statusFiles),
            new DeploymentOptions().setConfig(managerConfig))
        .compose(manager -> vertx.deployVerticle(new SweepVerticle(), new DeploymentOptions().setConfig(sweepConfig))
            .recover(e -> vertx.undeploy(manager).transform(x -> Future.failedFuture(e)))
            .map(sweeps -> {
              sweepsDeployment[0] = sweeps;
              return manager;
            }))
        .compose(manager -> vertx.deployVerticle(new EvaluationVerticle(),
                new DeploymentOptions().setConfig(evalConfig))
            .recover(e -> vertx.undeploy(manager).transform(x -> Future.failedFuture(e)))
            .compose(eval -> vertx.deployVerticle(http, new DeploymentOptions().setConfig(httpConfig))
                .recover(e -> vertx.undeploy(eval).transform(x -> vertx.undeploy(manager))
                    .transform(x -> Future.failedFuture(e)))
                .map(h -> new Workbench(vertx, manager, eval, h, o.host(), http.actualPort(), tok,
                    o.access().tls()))))
        .map(wb -> {
          wb.sweepsId = sweepsDeployment[0];
          return wb;
        })
        .onFailure(e -> {
          if (sweepsDeployment[0] != null) {
            vertx.undeploy(sweepsDeployment[0]);
          }
        });
  }

  /**
   * Graceful stop: HTTP first (no new requests), then every training is asked to stop, writes its
   * snapshot and is marked interrupted; then the run manager goes.
   */
  public Future<Void> stop() {
    return vertx.undeploy(httpId)
        .transform(x -> sweepsId == null ? Future.succeededFuture() : vertx.undeploy(sweepsId))
        .transform(x -> vertx.eventBus().request(Addresses.CMD_SHUTDOWN, new JsonObject(),
            new DeliveryOptions().setSendTimeout(SHUTDOWN_MILLIS)))
        .transform(x -> vertx.undeploy(evaluationId))
        .transform(x -> vertx.undeploy(runManagerId));
  }

  public int port() {
    return port;
  }

  public String host() {
    return host;
  }

  /** The token clients must send, null if none is required. */
  public String token() {
    return token;
  }

  /** The page's address. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (tls ? "https://" : "http://") + h + ":" + port + "/";
  }

  /**
   * The {@code serve} command: starts the workbench on a new Vert.x, prints its URL, and blocks
   * until the JVM is asked to exit (Ctrl-C, SIGTERM); the shutdown hook then stops gracefully.
   */
  public static void runServe(WorkbenchOptions o) throws InterruptedException {
    runServe(o, null);
  }

  /**
   * As {@link #runServe(WorkbenchOptions)}; with {@code cluster} not null, the head of a cluster:
   * its queued runs also train on the worker nodes that join it.
   */
  public static void runServe(WorkbenchOptions o, ClusterNode cluster) throws InterruptedException {
    Vertx vertx;
    if (cluster == null) {
      vertx = Vertx.vertx();
    } else {
      try {
        vertx = cluster.start().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        throw new IllegalStateException("cannot join the cluster on " + cluster.host() + ":"
            + cluster.port() + ": " + c.getMessage(), c);
      }
      System.out.println("FirstSpike cluster head on " + cluster.host() + " (Hazelcast port "
          + (cluster.port() == 0 ? ClusterNode.DEFAULT_PORT + "+" : cluster.port()) + ")");
    }
    FatalErrors.install(vertx, Runtime.getRuntime()::halt);
    Workbench wb;
    try {
      wb = start(vertx, o).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      vertx.close();
      if (e.getCause() instanceof IllegalArgumentException bad) {
        throw new IllegalArgumentException(bad.getMessage(), bad);
      }
      throw new IllegalStateException("cannot start the workbench on " + o.host() + ":" + o.port()
          + ": " + e.getCause().getMessage(), e.getCause());
    }
    System.out.println("FirstSpike workbench: " + wb.url() + "  (runs in " + o.runsDir().toAbsolutePath() + ")");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping: asking running trainings to stop and snapshot...");
      try {
        // Wait here, off the event loops: a callback chained onto them could not run once closed.
        wb.stop().toCompletionStage().toCompletableFuture().get(SHUTDOWN_MILLIS + 10_000, TimeUnit.MILLISECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("graceful stop incomplete: " + e);
      }
      stopped.countDown();
    }, "firstspike-shutdown"));
    stopped.await();
  }

  /**
   * The {@code worker} command: joins the cluster and trains what its head places here, until the
   * JVM is asked to exit.
   */
  public static void runWorker(ClusterNode cluster, int slots, int threads, java.nio.file.Path workDir)
      throws InterruptedException {
    Vertx vertx;
    String node = cluster.host() + "-" + ProcessHandle.current().pid() + "-"
        + Long.toHexString(new SecureRandom().nextLong() & 0xffffffL);
    try {
      vertx = cluster.start().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      FatalErrors.install(vertx, Runtime.getRuntime()::halt);
      vertx.deployVerticle(ClusterWorkerVerticle.withDefaultEngine(node, slots, threads, workDir))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("cannot start the worker (joining " + cluster.join() + "): "
          + c.getMessage(), c);
    }
    System.out.println("FirstSpike worker " + node + ": " + slots + " slot(s), " + threads
        + " thread(s) each, joined " + cluster.join());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("worker stop incomplete: " + e);
      }
      stopped.countDown();
    }, "firstspike-worker-shutdown"));
    stopped.await();
  }

  /**
   * True if {@code host} is a loopback literal ({@link HostRule#isLoopbackLiteral}: localhost,
   * 127.a.b.c, ::1). Names are not looked up: one that resolves to 127.0.0.1 today may not
   * tomorrow, so binding to it requires a token like any other address.
   */
  static boolean isLoopback(String host) {
    return HostRule.isLoopbackLiteral(host);
  }

  static String newToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
