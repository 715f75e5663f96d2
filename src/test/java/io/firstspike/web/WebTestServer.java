package io.firstspike.web;

import io.firstspike.server.Workbench;
import io.firstspike.server.WorkbenchOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The production workbench (default options: the one run executor, resume checkpoints,
 * real Yin-Yang training) on loopback for the browser tests, restartable on the same port and
 * runs folder. Also a {@code main} for looking at the dashboard by hand with the test classpath:
 * arguments port (default 8080), runs folder (default a temporary one), configs folder.
 */
final class WebTestServer implements AutoCloseable {
  private static final long AWAIT_SECONDS = 60;

  private final Vertx vertx = Vertx.vertx();
  private final Path runsDir;
  private final Path configsDir;
  private final int threads;
  private Workbench workbench;
  private int port;
  private String token;

  WebTestServer(Path runsDir, Path configsDir, int port, int threads) {
    this.runsDir = runsDir;
    this.configsDir = configsDir;
    this.port = port;
    this.threads = threads;
  }

  /** Requires this API token (set before {@link #start}). */
  WebTestServer withToken(String t) {
    this.token = t;
    return this;
  }

  /** Starts (or starts again) on the same port and folder. */
  WebTestServer start() {
    WorkbenchOptions o = WorkbenchOptions.defaults().withPort(port).withRunsDir(runsDir)
        .withConfigsDir(configsDir).withThreads(threads).withToken(token);
    workbench = await(Workbench.start(vertx, o));
    port = workbench.port();
    return this;
  }

  /** The graceful stop the serve command does on SIGTERM: trainings snapshot and are interrupted. */
  void stop() {
    if (workbench != null) {
      await(workbench.stop());
      workbench = null;
    }
  }

  /** The workbench's Vert.x, whose event bus the page's live stream forwards. */
  Vertx vertx() {
    return vertx;
  }

  int port() {
    return port;
  }

  String url() {
    return "http://127.0.0.1:" + port + "/";
  }

  @Override
  public void close() {
    try {
      stop();
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("workbench did not start or stop in " + AWAIT_SECONDS + " s: " + e, e);
    }
  }

  /** Manual use: serves the dashboard over {@code configs/} on the given port. */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    Path runs = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("firstspike-web");
    Path configs = args.length > 2 ? Path.of(args[2]) : Path.of("configs");
    WebTestServer s = new WebTestServer(runs.toAbsolutePath(), configs.toAbsolutePath(), port, 1).start();
    System.out.println("dashboard at " + s.url() + " (runs in " + runs.toAbsolutePath() + ")");
    Thread.currentThread().join();
  }
}
