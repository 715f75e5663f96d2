package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class WorkbenchLifecycleTest {
  private static final long TIMEOUT_MS = 15_000;

  @Test
  @DisplayName("A run started over the API streams batch, epoch and state frames to a WebSocket, stops, resumes and finishes")
  void startStreamStopResumeFinish(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o);
        EventBusSocket ws = new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port()))) {
      // 5 epochs x 20 batches x 20 ms: about 2 s, long enough to stop it in the middle.
      String id = s.startRun(new JsonObject().put("yaml", "epochs: 5\nbatches: 20\ndelayMs: 20\n").put("name", "life"));
      assertThat(id).startsWith("life_");
      ws.register(Addresses.batch(id));
      ws.register(Addresses.epoch(id));
      ws.register(Addresses.state(id));

      JsonObject batch = ws.awaitRec(Addresses.batch(id), b -> true, TIMEOUT_MS).getJsonObject("body");
      assertThat(batch.getString("id")).isEqualTo(id);
      assertThat(batch.getLong("step")).isNotNull();
      assertThat(batch.getValue("bumpedLayer")).as("no bump is null").isNull();
      // The fake's class mean times contain +Infinity and NaN: they must arrive as JSON null.
      assertThat(batch.getJsonArray("classMeanTimes").getJsonArray(0).getValue(1)).isNull();
      JsonObject epoch = ws.awaitRec(Addresses.epoch(id), b -> true, TIMEOUT_MS).getJsonObject("body");
      assertThat(epoch.getJsonObject("metrics").getInteger("epoch")).isEqualTo(1);
      assertThat(epoch.fieldNames()).as("epoch frames carry the metrics only").containsExactlyInAnyOrder("id", "metrics");
      // "queued" and "running" were published before the socket registered: the page reads them over HTTP.
      s.awaitState(id, "running", TIMEOUT_MS);

      JsonObject stop = s.post("/api/runs/" + id + "/stop", null).bodyAsJsonObject();
      assertThat(stop.getString("state")).isEqualTo("stopping");
      ws.awaitRec(Addresses.state(id), b -> "stopped".equals(b.getString("state")), TIMEOUT_MS);
      JsonObject stopped = s.awaitState(id, "stopped", TIMEOUT_MS);
      int doneAtStop = stopped.getInteger("epochsDone");
      assertThat(doneAtStop).isBetween(1, 4);

      assertThat(s.post("/api/runs/" + id + "/resume", null).bodyAsJsonObject().getString("state")).isEqualTo("queued");
      ws.awaitRec(Addresses.state(id), b -> "finished".equals(b.getString("state")), TIMEOUT_MS);
      JsonObject finished = s.awaitState(id, "finished", TIMEOUT_MS);
      assertThat(finished.getInteger("epochsDone")).isEqualTo(5);
      assertThat(finished.getDouble("progress")).isEqualTo(1.0);
      assertThat(finished.getDouble("bestValAccuracy")).isEqualTo(0.6);
      assertThat(finished.getString("config")).contains("epochs: 5");

      // The last batch of the run is always delivered, however the sampler cut the stream.
      ws.awaitRec(Addresses.batch(id), b -> b.getLong("step") == 5 * 20 - 1, TIMEOUT_MS);

      JsonObject metrics = s.get("/api/runs/" + id + "/metrics").bodyAsJsonObject();
      JsonArray epochs = metrics.getJsonArray("epochs");
      assertThat(epochs.size()).as("one metrics line per epoch across stop and resume").isEqualTo(5);
      for (int e = 0; e < 5; e++) {
        assertThat(epochs.getJsonObject(e).getInteger("epoch")).isEqualTo(e + 1);
      }
      assertThat(metrics.getInteger("totalBatches")).isGreaterThanOrEqualTo(100);
      JsonObject since = s.get("/api/runs/" + id + "/metrics?since=79").bodyAsJsonObject();
      assertThat(since.getJsonArray("epochs").size()).isEqualTo(1);
      assertThat(since.getJsonArray("batches").stream().map(b -> ((JsonObject) b).getLong("step")))
          .allMatch(step -> step > 79).contains(99L);

      JsonArray runs = s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs");
      assertThat(runs.stream().map(r -> ((JsonObject) r).getString("id"))).containsExactly(id);
    }
  }

  @Test
  @DisplayName("A run that fails is marked failed with its reason and the server keeps serving")
  void failingRunLeavesServerUp(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String bad = s.startRun(new JsonObject().put("yaml", "epochs: 3\nbatches: 5\ndelayMs: 1\nfailAtStep: 7\n"));
      JsonObject failed = s.awaitState(bad, "failed", TIMEOUT_MS);
      assertThat(failed.getString("reason")).contains("NaN at step 7");
      String good = s.startRun(new JsonObject().put("config", "fast"));
      s.awaitState(good, "finished", TIMEOUT_MS);
      assertThat(s.get("/api/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("An engine that throws (breaking its contract) gives a failed run, not a dead server")
  void throwingEngine(Vertx vertx, @TempDir Path tmp) throws Exception {
    io.firstspike.runs.RunEngine boom = (run, threads, listener, stop) -> {
      throw new IllegalStateException("boom");
    };
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withEngine(boom, FakeEngine.PREPARER))) {
      String id = s.startRun(new JsonObject().put("config", "fast"));
      JsonObject failed = s.awaitState(id, "failed", TIMEOUT_MS);
      assertThat(failed.getString("reason")).contains("boom");
      assertThat(s.get("/api/runs").statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("A resume that comes while a run is ending waits for its end instead of being refused; a running run's resume is refused")
  void resumeWhileEnding(Vertx vertx, @TempDir Path tmp) throws Exception {
    // Every training's end reaches the run manager 1.5 s late, as if its event loop were busy;
    // meanwhile status.json (and with it the page) already says how the run ended.
    long lateMs = 1500;
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      if (Addresses.RUN_ENDED.equals(ctx.message().address())) {
        vertx.setTimer(lateMs, t -> ctx.next());
      } else {
        ctx.next();
      }
    });
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String bad = s.startRun(new JsonObject().put("yaml", "epochs: 3\nbatches: 5\ndelayMs: 1\nfailAtStep: 7\n"));
      s.awaitState(bad, "failed", TIMEOUT_MS);
      long asked = System.nanoTime();
      HttpResponse<Buffer> r = s.post("/api/runs/" + bad + "/resume", null);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("queued");
      assertThat((System.nanoTime() - asked) / 1e6).as("the reply waited for the end (ms)").isGreaterThan(200.0);
      s.awaitState(bad, "failed", TIMEOUT_MS); // and it fails again at the same step

      String id = s.startRun(new JsonObject().put("yaml", "epochs: 3\nbatches: 10\ndelayMs: 100\n"));
      s.awaitState(id, "running", TIMEOUT_MS);
      r = s.post("/api/runs/" + id + "/resume", null);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
      assertThat(r.bodyAsString()).contains("is already running");
      assertThat(s.post("/api/runs/" + id + "/stop", null).bodyAsJsonObject().getString("state")).isEqualTo("stopping");
      r = s.post("/api/runs/" + id + "/resume", null); // the stop is still under way
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("queued");
      JsonObject finished = s.awaitState(id, "finished", TIMEOUT_MS);
      assertThat(finished.getInteger("epochsDone")).isEqualTo(3);
      assertThat(s.engine.executions.get()).as("bad twice, the other once stopped and once resumed").isEqualTo(4);
    }
  }
}
