package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a tiny Yin-Yang run trained through the API, evaluated through the API, progress
 * and the end received over the browser's WebSocket bridge, then the plots listed and fetched.
 */
@ExtendWith(VertxExtension.class)
class EvaluationVerticleTest {
  private static final long TIMEOUT_MS = 180_000;
  /** A rendered plot is a real picture, not an empty or truncated file. */
  private static final int MIN_PNG_BYTES = 1024;
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @Test
  @DisplayName("POST evaluate renders the plots of a trained run, streams progress and done, and serves the PNGs")
  void evaluatesThroughTheApi(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp,
            o -> o.withThreads(2).withEngine(DefaultEngine.engine(), DefaultEngine.preparer()));
        EventBusSocket ws = new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port()))) {
      String id = s.startRun(new JsonObject().put("yaml", WorkbenchRealExecutorTest.tinyYaml()).put("name", "yy")
          .put("overrides", new JsonObject().put("epochs", 1)));
      s.awaitState(id, "finished", TIMEOUT_MS);
      ws.register(Addresses.state(id));
      // The bridge confirms nothing: a health round trip lets the registration land first.
      assertThat(s.get("/api/health").statusCode()).isEqualTo(200);

      HttpResponse<Buffer> started = s.post("/api/runs/" + id + "/evaluate", null);
      assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(202);
      assertThat(started.bodyAsJsonObject()).isEqualTo(new JsonObject().put("id", id).put("status", "started"));
      HttpResponse<Buffer> second = s.post("/api/runs/" + id + "/evaluate", null);
      assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(409);
      assertThat(second.bodyAsJsonObject().getString("error")).contains("already being evaluated");
      assertThat(s.get("/api/runs/" + id + "/plots").bodyAsJsonObject().getBoolean("evaluating")).isTrue();

      JsonObject evaluating = ws.awaitRec(Addresses.state(id), b -> phase(b, "evaluate"), TIMEOUT_MS)
          .getJsonObject("body");
      assertThat(evaluating.getString("state")).isEqualTo("finished");
      assertThat(evaluating.getJsonObject("evaluation").getInteger("total")).isPositive();
      JsonObject rendering = ws.awaitRec(Addresses.state(id), b -> phase(b, "render"), TIMEOUT_MS)
          .getJsonObject("body").getJsonObject("evaluation");
      assertThat(rendering.getString("file")).endsWith(".png");
      JsonObject done = ws.awaitRec(Addresses.state(id), b -> phase(b, "done") || phase(b, "failed"), TIMEOUT_MS)
          .getJsonObject("body").getJsonObject("evaluation");
      assertThat(done.getString("phase")).as(done.encode()).isEqualTo("done");
      List<String> files = done.getJsonArray("files").stream().map(Object::toString).toList();
      assertThat(files).contains("yin_yang_confusion_matrix_test.png", "yin_yang_classification_test.png");

      JsonObject list = s.get("/api/runs/" + id + "/plots").bodyAsJsonObject();
      assertThat(list.getBoolean("evaluating")).isFalse();
      JsonArray plots = list.getJsonArray("plots");
      assertThat(plots.stream().map(p -> ((JsonObject) p).getString("file")).toList())
          .containsExactlyInAnyOrderElementsOf(files);
      JsonObject first = plots.getJsonObject(0);
      assertThat(first.getLong("bytes")).isGreaterThan(MIN_PNG_BYTES);
      assertThat(first.getString("modified")).isNotBlank();
      assertThat(list.getJsonArray("notes")).isNotNull();

      HttpResponse<Buffer> png = s.get("/api/runs/" + id + "/plots/yin_yang_confusion_matrix_test.png");
      assertThat(png.statusCode()).isEqualTo(200);
      assertThat(png.getHeader("Content-Type")).isEqualTo("image/png");
      byte[] bytes = png.body().getBytes();
      assertThat(bytes.length).isGreaterThan(MIN_PNG_BYTES);
      assertThat(java.util.Arrays.copyOf(bytes, PNG_MAGIC.length)).isEqualTo(PNG_MAGIC);
      assertThat(bytes).isEqualTo(Files.readAllBytes(
          s.runsDir.resolve(id).resolve(PlotFolder.PLOTS).resolve("yin_yang_confusion_matrix_test.png")));
      assertThat(s.runsDir.resolve(id).resolve(PlotFolder.RENDERING)).doesNotExist();

      assertThat(s.get("/api/runs/" + id + "/plots/..%2fstatus.json").statusCode()).isIn(400, 404);
      assertThat(s.get("/api/runs/" + id + "/plots/a.exe").statusCode()).isEqualTo(400);
      assertThat(s.post("/api/runs/nope_1/evaluate", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  @DisplayName("A server stopping mid-evaluation abandons it, reports it failed, and keeps the previous plots")
  void stopDuringEvaluation(Vertx vertx, @TempDir Path tmp) throws Exception {
    ServerTestSupport s = new ServerTestSupport(vertx, tmp,
        o -> o.withThreads(1).withEngine(DefaultEngine.engine(), DefaultEngine.preparer()));
    String id;
    try {
      id = s.startRun(new JsonObject().put("yaml", WorkbenchRealExecutorTest.tinyYaml()).put("name", "yy")
          .put("overrides", new JsonObject().put("epochs", 1)));
      s.awaitState(id, "finished", TIMEOUT_MS);
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
    Path plots = s.runsDir.resolve(id).resolve(PlotFolder.PLOTS);
    Files.createDirectories(plots);
    Path old = Files.writeString(plots.resolve("yin_yang_confusion_matrix_test.png"), "previous plot");
    java.util.concurrent.BlockingQueue<JsonObject> events = new java.util.concurrent.LinkedBlockingQueue<>();
    var consumer = vertx.eventBus().<JsonObject>consumer(Addresses.state(id), m -> {
      if (m.body().containsKey("evaluation")) {
        events.add(m.body().getJsonObject("evaluation"));
      }
    });
    ServerTestSupport.await(consumer.completion());
    try {
      assertThat(s.post("/api/runs/" + id + "/evaluate", null).statusCode()).isEqualTo(202);
      JsonObject first = events.poll(TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
      assertThat(first).isNotNull();
      assertThat(first.getString("phase")).isEqualTo("evaluate");
      s.client.close();
      long t0 = System.nanoTime();
      ServerTestSupport.await(s.workbench.stop());
      assertThat((System.nanoTime() - t0) / 1e6).as("stop waits at most for the next progress step")
          .isLessThan(EvaluationVerticle.STOP_WAIT_MILLIS);
      JsonObject last = first;
      for (JsonObject e = events.poll(1, java.util.concurrent.TimeUnit.SECONDS); e != null;
          e = events.poll(1, java.util.concurrent.TimeUnit.SECONDS)) {
        last = e;
      }
      assertThat(last.getString("phase")).as(last.encode()).isEqualTo("failed");
      assertThat(last.getString("error")).contains("server is stopping");
      assertThat(Files.readString(old)).isEqualTo("previous plot");
      assertThat(s.runsDir.resolve(id).resolve(PlotFolder.RENDERING)).doesNotExist();
    } finally {
      ServerTestSupport.await(consumer.unregister());
    }
  }

  private static boolean phase(JsonObject body, String phase) {
    JsonObject e = body.getJsonObject("evaluation");
    return e != null && phase.equals(e.getString("phase"));
  }
}
