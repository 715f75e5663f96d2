package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.firstspike.runs.Overrides;
import io.firstspike.runs.RunExecutor;
import io.firstspike.runs.RunStore;
import io.firstspike.train.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** End to end with the real run executor: a tiny Yin-Yang network trained through the API. */
@ExtendWith(VertxExtension.class)
class WorkbenchRealExecutorTest {
  private static final long TIMEOUT_MS = 60_000;
  /** Validation samples of the Yin-Yang data set (one prediction row each). */
  private static final int YIN_YANG_VALIDATION = 1000;
  /** Frames allowed over rate x duration: the window open at registration and the final flush. */
  private static final int RATE_SLACK = 2;

  static String tinyYaml() throws IOException {
    try (InputStream in = WorkbenchRealExecutorTest.class.getResourceAsStream("/server/yin_yang_tiny.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ServerTestSupport realServer(Vertx vertx, Path tmp) throws IOException {
    return new ServerTestSupport(vertx, tmp,
        o -> o.withThreads(2).withEngine(DefaultEngine.engine(), DefaultEngine.preparer()));
  }

  @Test
  @DisplayName("A Yin-Yang run trains through the API; the browser socket gets batches, slim epochs and the end; the predictions come from /activity")
  void trainsAndStreams(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = realServer(vertx, tmp);
        EventBusSocket ws = new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port()))) {
      String id = s.startRun(new JsonObject().put("yaml", tinyYaml()).put("name", "yy")
          .put("overrides", new JsonObject().put("epochs", 3)));
      ws.register(Addresses.batch(id));
      ws.register(Addresses.epoch(id));
      ws.register(Addresses.state(id));
      long t0 = System.nanoTime();
      JsonObject batch = ws.awaitRec(Addresses.batch(id), b -> true, TIMEOUT_MS).getJsonObject("body");
      assertThat(batch.getInteger("batchesPerEpoch")).isEqualTo(34); // 5000 samples / 150, rounded up
      assertThat(batch.getJsonArray("classMeanTimes").size()).isEqualTo(3);
      assertThat(batch.getJsonArray("silentFraction").size()).isEqualTo(2);
      assertThat(batch.getJsonArray("raster").getJsonArray(0).size()).isEqualTo(4);
      JsonObject epoch = ws.awaitRec(Addresses.epoch(id), b -> b.getJsonObject("metrics").getInteger("epoch") >= 1,
          TIMEOUT_MS).getJsonObject("body");
      assertThat(epoch.fieldNames()).as("epoch frames carry the metrics only").containsExactlyInAnyOrder("id", "metrics");
      assertThat(epoch.encode().length()).as("an epoch frame's bytes").isLessThan(4096);
      ws.awaitRec(Addresses.state(id), b -> "finished".equals(b.getString("state")), TIMEOUT_MS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long batchFrames = ws.all.stream().filter(f -> Addresses.batch(id).equals(f.getString("address"))).count();
      assertThat(batchFrames).as("batch frames in %.2f s", seconds)
          .isLessThanOrEqualTo((long) Math.ceil(seconds * Addresses.Keys.DEFAULT_BATCH_RATE) + RATE_SLACK);

      JsonObject run = s.awaitState(id, "finished", TIMEOUT_MS);
      assertThat(run.getInteger("epochsDone")).isEqualTo(3);
      assertThat(run.getDouble("bestValAccuracy")).isBetween(0.3, 1.0);
      JsonObject metrics = s.get("/api/runs/" + id + "/metrics?points=40").bodyAsJsonObject();
      JsonArray epochs = metrics.getJsonArray("epochs");
      assertThat(epochs.getJsonObject(epochs.size() - 1).getInteger("epoch")).isEqualTo(3);
      assertThat(metrics.getInteger("totalBatches")).isEqualTo(3 * 34);
      assertThat(metrics.getJsonArray("batches").size()).isLessThanOrEqualTo(40);
      assertThat(metrics.getBoolean("decimated")).isTrue();
      assertThat(metrics.getJsonArray("batches").getJsonObject(0).getJsonArray("silentFraction").size())
          .as("every batch line keeps the silent fraction per layer").isEqualTo(2);
      // the full load carries the run folder's newest epoch and batch, as the live messages
      // had them: a page opened later (or a CLI run) shows the raster and histograms too
      JsonObject activity = metrics.getJsonObject("activity");
      assertThat(activity.getJsonObject("epoch").getJsonObject("metrics").getInteger("epoch")).isEqualTo(3);
      assertThat(activity.getJsonObject("epoch").getJsonArray("validationPredictions").size())
          .isEqualTo(YIN_YANG_VALIDATION);
      JsonObject last = activity.getJsonObject("batch");
      assertThat(last.getInteger("epoch")).isEqualTo(3);
      assertThat(last.getInteger("batch")).as("the epoch's last batch").isEqualTo(33);
      assertThat(last.getLong("step")).isEqualTo(3 * 34 - 1);
      assertThat(last.getJsonArray("raster").size()).as("inputs, hidden and label rows").isEqualTo(3);
      assertThat(last.getJsonArray("spikeHistograms").size()).isEqualTo(2);
      assertThat(activity.getJsonObject("firstWeights").getInteger("epoch")).isZero();
      assertThat(activity.getJsonObject("firstWeights").getJsonArray("weightHistograms"))
          .isNotEqualTo(activity.getJsonObject("epoch").getJsonArray("weightHistograms"));
      // the same payloads on their own, straight from the file, for the page after an epoch frame
      var file = s.get("/api/runs/" + id + "/activity");
      assertThat(file.statusCode()).isEqualTo(200);
      assertThat(file.getHeader("Content-Type")).startsWith("application/json");
      assertThat(file.bodyAsJsonObject()).isEqualTo(activity);
      assertThat(file.bodyAsJsonObject().getJsonObject("epoch").getJsonArray("weightHistograms").size()).isEqualTo(2);
      assertThat(s.get("/api/runs/" + id + "/metrics?since=5").bodyAsJsonObject().containsKey("activity"))
          .as("backfills after a gap get the curves only").isFalse();
      assertThat(s.get("/api/runs/" + id + "/metrics?since=5&activity=true").bodyAsJsonObject()
          .getJsonObject("activity")).as("unless they ask (the page polling a CLI run)").isEqualTo(activity);
      var bad = s.get("/api/runs/" + id + "/metrics?activity=maybe");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.bodyAsJsonObject().getString("error")).contains("activity must be true or false");
    }
  }

  @Test
  @DisplayName("Stopping and resuming a real run continues from its snapshot without repeating epochs")
  void stopAndResume(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = realServer(vertx, tmp)) {
      String id = s.startRun(new JsonObject().put("yaml", tinyYaml())
          .put("overrides", new JsonObject().put("epochs", 200)));
      long end = System.currentTimeMillis() + TIMEOUT_MS;
      while (s.run(id).getInteger("epochsDone") < 1) {
        assertThat(System.currentTimeMillis()).as("epoch 1 done in time").isLessThan(end);
        Thread.sleep(20);
      }
      s.post("/api/runs/" + id + "/stop", null);
      JsonObject stopped = s.awaitState(id, "stopped", TIMEOUT_MS);
      int done = stopped.getInteger("epochsDone");
      assertThat(stopped.getInteger("lastSnapshot")).isEqualTo(done);
      s.post("/api/runs/" + id + "/resume", null);
      while (s.run(id).getInteger("epochsDone") < done + 1) {
        assertThat(System.currentTimeMillis()).as("an epoch after resuming").isLessThan(end);
        Thread.sleep(20);
      }
      s.post("/api/runs/" + id + "/stop", null);
      s.awaitState(id, "stopped", TIMEOUT_MS);
      JsonArray epochs = s.get("/api/runs/" + id + "/metrics").bodyAsJsonObject().getJsonArray("epochs");
      int previous = -1;
      for (int i = 0; i < epochs.size(); i++) {
        int e = epochs.getJsonObject(i).getInteger("epoch");
        assertThat(e).as("epochs strictly increase across the resume").isEqualTo(previous + 1);
        previous = e;
      }
      assertThat(previous).isGreaterThan(done);
      JsonObject activity = s.get("/api/runs/" + id + "/metrics").bodyAsJsonObject().getJsonObject("activity");
      assertThat(activity.getJsonObject("epoch").getJsonObject("metrics").getInteger("epoch"))
          .as("activity.json follows the newest epoch after the resume").isEqualTo(previous);
      assertThat(activity.getJsonObject("batch").getInteger("epoch")).isEqualTo(previous);
      assertThat(activity.getJsonObject("firstWeights").getInteger("epoch"))
          .as("the untrained weights stay the contrast after the resume").isZero();
    }
  }

  @Test
  @DisplayName("An invalid config is refused with 400 and exactly the message the CLI prints")
  void invalidConfigMessage(Vertx vertx, @TempDir Path tmp) throws Exception {
    String bad = tinyYaml().replace("layer_sizes: [10, 3]", "layer_sizes: [10, -3]");
    ConfigException expected = catchThrowableOfType(ConfigException.class,
        () -> RunExecutor.prepare(new RunStore(tmp.resolve("cli")), "mine.yaml", bad, Overrides.none()));
    assertThat(expected).as("the config module rejects it").isNotNull();
    try (ServerTestSupport s = realServer(vertx, tmp)) {
      HttpResponse<Buffer> r = s.post("/api/runs", new JsonObject().put("yaml", bad).put("name", "mine"));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo(expected.getMessage())
          .contains(expected.keyPath());
    }
  }

  private static long runFolders(Path runsDir) throws IOException {
    if (!java.nio.file.Files.isDirectory(runsDir)) {
      return 0;
    }
    try (var list = java.nio.file.Files.list(runsDir)) {
      return list.count();
    }
  }

  @Test
  @DisplayName("Configs that validate but cannot run are refused with 400 and the CLI's message; no folder is made")
  void configsThatCannotRun(Vertx vertx, @TempDir Path tmp) throws Exception {
    String ok = tinyYaml();
    java.util.Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("needs about", ok.replace("layer_sizes: [10, 3]", "layer_sizes: [3000000, 3]"));
    bad.put("training_params.learning_rate: .nan is not a number",
        ok.replace("learning_rate: 0.005", "learning_rate: .nan"));
    bad.put("a second YAML document starts at line", ok + "---\nname: other\n");
    bad.put("training_params.resolution: sim_time 4.0 / resolution 1.0E-9", ok.replace(
        "use_forward_integrator: false", "use_forward_integrator: true").replace("resolution: 0.01",
        "resolution: 1e-9"));
    bad.put("training_params.batch_size: 2147483648 is out of range",
        ok.replace("batch_size: 150", "batch_size: 2147483648"));
    bad.put("contains the control character U+0000", ok.replace("epoch_number: 2", "epoch_number: 2\u0000"));
    bad.put("*means is a YAML alias", ok.replace("weight_means: [1.5, 0.5]", "weight_means: &means [1.5, 0.5]")
        .replace("weight_stdevs: [0.8, 0.8]", "weight_stdevs: *means"));
    String delgrad = java.nio.file.Files.readString(Path.of("configs/yin_yang_H30_WA.yaml"));
    bad.put("needs about", delgrad.replace("size: 30 ", "size: 3000000 "));
    bad.put("network_layout.layers[0].name: unknown layer type 'DelayAxonall'",
        delgrad.replace("name: DelayAxonal ", "name: DelayAxonall"));
    try (ServerTestSupport s = realServer(vertx, tmp)) {
      for (var c : bad.entrySet()) {
        ConfigException expected = catchThrowableOfType(ConfigException.class,
            () -> RunExecutor.prepare(new RunStore(tmp.resolve("cli")), "mine.yaml", c.getValue(),
                Overrides.none()));
        assertThat(expected).as(c.getKey()).isNotNull();
        assertThat(expected.getMessage()).contains(c.getKey());
        HttpResponse<Buffer> r = s.post("/api/runs", new JsonObject().put("yaml", c.getValue()).put("name", "mine"));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo(expected.getMessage());
        assertThat(runFolders(s.runsDir)).as("no run folder for " + c.getKey()).isZero();
      }
      assertThat(s.get("/api/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("A run whose weights run away (learning_rate 1e6) fails with the reason; the server lives on")
  void runawayWeights(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = realServer(vertx, tmp)) {
      String id = s.startRun(new JsonObject().put("name", "lr")
          .put("yaml", tinyYaml().replace("learning_rate: 0.005", "learning_rate: 1e6")));
      JsonObject failed = s.awaitState(id, "failed", TIMEOUT_MS);
      assertThat(failed.getString("reason")).startsWith("training diverged in epoch 1, batch ")
          .contains("beyond the bound |w| <= 1e+06");
      assertThat(s.get("/api/health").statusCode()).isEqualTo(200);
      String next = s.startRun(new JsonObject().put("yaml", tinyYaml())
          .put("overrides", new JsonObject().put("epochs", 1)));
      s.awaitState(next, "finished", TIMEOUT_MS);
    }
  }

  @Test
  @DisplayName("A new-schema (DelGrad) H30_WS run trains through the API like a 2021 one: state,"
      + " curves, activity with one entry per NeuronLayer")
  void delgradRunTrains(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = realServer(vertx, tmp)) {
      String id = s.startRun(new JsonObject().put("name", "h30ws")
          .put("yaml", io.firstspike.testsupport.DelgradYaml.h30Ws())
          .put("overrides", new JsonObject().put("epochs", 2)));
      JsonObject run = s.awaitState(id, "finished", TIMEOUT_MS);
      assertThat(run.getInteger("epochsDone")).isEqualTo(2);
      assertThat(run.getDouble("bestValAccuracy")).isBetween(0.3, 1.0);
      JsonObject metrics = s.get("/api/runs/" + id + "/metrics?points=40").bodyAsJsonObject();
      assertThat(metrics.getInteger("totalBatches")).isEqualTo(2 * 34);
      JsonObject activity = metrics.getJsonObject("activity");
      assertThat(activity.getJsonObject("epoch").getJsonObject("metrics").getInteger("epoch"))
          .isEqualTo(2);
      assertThat(activity.getJsonObject("epoch").getJsonArray("weightHistograms").size())
          .as("one per NeuronLayer").isEqualTo(2);
      assertThat(activity.getJsonObject("batch").getJsonArray("raster").size()).isEqualTo(3);
      // The delay layers' histograms travel the weights' way (activity.json, not the stream):
      // one per delay layer, every effective delay counted once, sigmoid delays within (0, 1).
      JsonObject epoch = activity.getJsonObject("epoch");
      assertThat(epoch.getJsonArray("delayLayers").getList())
          .containsExactly("layers.0 DelaySynaptic", "layers.2 DelaySynaptic");
      int[] delays = {4 * 30, 30 * 3};
      for (int l = 0; l < 2; l++) {
        JsonArray counts = epoch.getJsonArray("delayHistograms").getJsonArray(l);
        JsonArray edges = epoch.getJsonArray("delayHistogramEdges").getJsonArray(l);
        assertThat(counts.size()).isEqualTo(30);
        assertThat(edges.size()).isEqualTo(31);
        assertThat(counts.stream().mapToInt(c -> (Integer) c).sum()).isEqualTo(delays[l]);
        assertThat(edges.getDouble(0)).isGreaterThan(0.0);
        assertThat(edges.getDouble(30)).isLessThan(1.0);
      }
      JsonObject first = activity.getJsonObject("firstWeights");
      assertThat(first.getInteger("epoch")).isZero();
      assertThat(first.getJsonArray("delayHistograms").size()).isEqualTo(2);
      assertThat(first.getJsonArray("delayHistograms")).isNotEqualTo(epoch.getJsonArray("delayHistograms"));
      // Compare asks for the epochs alone: batches.jsonl is not read, activity not sent.
      JsonObject epochsOnly = s.get("/api/runs/" + id
          + "/metrics?points=10&activity=false&batches=false").bodyAsJsonObject();
      assertThat(epochsOnly.getJsonArray("epochs").size()).isEqualTo(3);
      assertThat(epochsOnly.getJsonArray("batches").size()).isZero();
      assertThat(epochsOnly.containsKey("activity")).isFalse();
      assertThat(epochsOnly.containsKey("silent")).isFalse();
      JsonObject summary = s.get("/api/runs/" + id + "?batches=false").bodyAsJsonObject();
      assertThat(summary.getString("config")).contains("DelaySynaptic");
      assertThat(s.get("/api/runs/" + id + "?batches=maybe").statusCode()).isEqualTo(400);
    }
  }
}
