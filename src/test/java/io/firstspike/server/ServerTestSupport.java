package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A workbench on a free loopback port over a temporary folder, and a blocking HTTP client for it. */
final class ServerTestSupport implements AutoCloseable {
  static final long AWAIT_SECONDS = 30;

  final Vertx vertx;
  final Path runsDir;
  final Path configsDir;
  final FakeEngine engine = new FakeEngine();
  final Workbench workbench;
  final WebClient client;
  String bearer;

  /** Configs: fast (2 epochs x 10 batches x 2 ms), slow (50 x 20 x 20 ms), bad (no epochs). */
  static Path writeConfigs(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("fast.yaml"), "# two quick epochs\nepochs: 2\nbatches: 10\ndelayMs: 2\n");
    Files.writeString(dir.resolve("slow.yaml"), "# fifty slow epochs\nepochs: 50\nbatches: 20\ndelayMs: 20\n");
    Files.writeString(dir.resolve("bad.yaml"), "batches: 3\n");
    return dir;
  }

  ServerTestSupport(Vertx vertx, Path tmp, UnaryOperator<WorkbenchOptions> tweak) throws IOException {
    this(vertx, tmp.resolve("runs"), writeConfigs(tmp.resolve("configs")), tweak, null);
  }

  ServerTestSupport(Vertx vertx, Path runsDir, Path configsDir, UnaryOperator<WorkbenchOptions> tweak,
      FakeEngine reuse) {
    this.vertx = vertx;
    this.runsDir = runsDir;
    this.configsDir = configsDir;
    FakeEngine e = reuse != null ? reuse : engine;
    WorkbenchOptions o = WorkbenchOptions.defaults().withPort(0).withRunsDir(runsDir).withConfigsDir(configsDir)
        .withThreads(1).withEngine(e, e.preparer());
    // the server's own status writes go through the fake engine's disk too, so tests can fill it
    this.workbench = await(Workbench.start(vertx, tweak.apply(o), new StatusFiles(e.disk)));
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(workbench.port()));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete: " + e, e);
    }
  }

  private HttpRequest<Buffer> auth(HttpRequest<Buffer> r) {
    return bearer == null ? r : r.bearerTokenAuthentication(bearer);
  }

  HttpResponse<Buffer> get(String uri) {
    return await(auth(client.get(uri)).send());
  }

  HttpResponse<Buffer> post(String uri, JsonObject body) {
    return await(body == null ? auth(client.post(uri)).send() : auth(client.post(uri)).sendJsonObject(body));
  }

  /** POST /api/runs and the new id (asserting 201). */
  String startRun(JsonObject body) {
    HttpResponse<Buffer> r = post("/api/runs", body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("id");
  }

  /** Starts a run of the bundled config {@code config} and waits until it has finished; its id. */
  String finishedRun(String config, long timeoutMs) {
    String id = startRun(new JsonObject().put("config", config));
    awaitState(id, "finished", timeoutMs);
    return id;
  }

  JsonObject run(String id) {
    HttpResponse<Buffer> r = get("/api/runs/" + id);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /** Polls GET /api/runs/{id} until its state is {@code state}. */
  JsonObject awaitState(String id, String state, long timeoutMs) {
    long end = System.currentTimeMillis() + timeoutMs;
    JsonObject last = null;
    while (System.currentTimeMillis() < end) {
      last = run(id);
      if (state.equals(last.getString("state"))) {
        return last;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("run " + id + " did not reach " + state + " within " + timeoutMs + " ms; last: " + last);
  }

  @Override
  public void close() {
    client.close();
    await(workbench.stop());
  }
}
