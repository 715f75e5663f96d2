package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.firstspike.testsupport.Shared;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/sweeps} over the FakeEngine (issue 21): a sweep's runs are ordinary runs created
 * through the run manager, its table aggregates seeds per setting with the sample std, its
 * state is streamed on {@code sweeps.<id>.state}, it stops, and a restarted server lists it.
 */
@ExtendWith(VertxExtension.class)
class WorkbenchSweepsTest {
  private static final long TIMEOUT_MS = 30_000;
  /** The fake's accuracies are sums of a few decimals: equal up to rounding. */
  private static final double EXACT = 1e-9;

  /** Two fake epochs; the fake adds valBonus and 0.001 x (seed mod 10) to the validation accuracy. */
  private static final String CONFIG = """
      epochs: 2
      batches: 4
      delayMs: 5
      valBonus: 0.0
      training_params:
        torch_seed: 0
        numpy_seed: 0
      """;

  @Test
  @DisplayName("A sweep of 2 settings x 3 seeds runs as 6 ordinary runs; its table has per-setting mean and sample std, streamed live, listed after a restart")
  void sweepRunsAggregatesStreamsAndSurvivesRestart(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path runsDir = tmp.resolve("runs");
    Path configsDir = ServerTestSupport.writeConfigs(tmp.resolve("configs"));
    String id;
    try (ServerTestSupport s = new ServerTestSupport(vertx, runsDir, configsDir, o -> o.withMaxConcurrent(2), null);
        EventBusSocket ws = new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port()))) {
      JsonObject body = new JsonObject().put("yaml", CONFIG).put("name", "bonus")
          .put("sweep", new JsonObject().put("parameters", new JsonArray().add(
              new JsonObject().put("path", "valBonus").put("value", new JsonArray().add(0.0).add(0.1)))))
          .put("seeds", "1..3");
      HttpResponse<Buffer> r = s.post("/api/sweeps", body);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      id = r.bodyAsJsonObject().getString("id");
      assertThat(id).startsWith("bonus_");
      ws.register(Addresses.sweepState(id));
      List<String> runIds = r.bodyAsJsonObject().getJsonArray("runs").stream().map(Object::toString).toList();
      assertThat(runIds).hasSize(6).allMatch(x -> x.startsWith("bonus-"));

      // ordinary runs: in the runs list, each with the plan's config
      Set<String> listed = s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs").stream()
          .map(x -> ((JsonObject) x).getString("id")).collect(Collectors.toSet());
      assertThat(listed).containsAll(runIds);
      assertThat(s.run(runIds.get(5)).getString("config")).contains("valBonus: 0.1").contains("torch_seed: 3");

      JsonObject msg = ws.awaitRec(Addresses.sweepState(id), b -> b.containsKey("epoch"), TIMEOUT_MS).getJsonObject("body");
      assertThat(msg.getString("id")).isEqualTo(id);
      assertThat(runIds).contains(msg.getString("run"));
      ws.awaitRec(Addresses.sweepState(id), b -> "finished".equals(b.getString("state")), TIMEOUT_MS);

      JsonObject d = awaitSweep(s, id, "finished");
      assertThat(s.engine.maxRunning.get()).as("the run manager's max-concurrent holds for sweep runs").isEqualTo(2);
      assertThat(d.getJsonObject("counts").getInteger("finished")).isEqualTo(6);
      assertThat(d.getJsonArray("columns")).containsExactly("valBonus");
      JsonArray table = d.getJsonArray("table");
      assertThat(table).hasSize(2);
      for (int k = 0; k < 2; k++) {
        JsonObject row = table.getJsonObject(k);
        double bonus = 0.1 * k;
        assertThat(row.getString("key")).isEqualTo("valBonus=" + (k == 0 ? "0.0" : "0.1"));
        assertThat(row.getInteger("n")).isEqualTo(3);
        // final = best = 0.6 + bonus + 0.001 x seed for seeds 1, 2, 3: mean + 0.002, sample std 0.001
        // (the population std would be 0.000816)
        for (String m : List.of("finalValAccuracy", "bestValAccuracy")) {
          assertThat(row.getJsonObject(m).getDouble("mean")).as(m).isCloseTo(0.602 + bonus, within(EXACT));
          assertThat(row.getJsonObject(m).getDouble("std")).as(m).isCloseTo(0.001, within(EXACT));
        }
        assertThat(row.getJsonObject("testAccuracy").getValue("mean")).as("the fake saves no test outputs").isNull();
        JsonArray curve = d.getJsonArray("curves").getJsonObject(k).getJsonArray("epochs");
        assertThat(curve).hasSize(2);
        assertThat(curve.getJsonObject(0).getDouble("mean")).isCloseTo(0.552 + bonus, within(EXACT));
        assertThat(curve.getJsonObject(0).getDouble("std")).isCloseTo(0.001, within(EXACT));
        assertThat(curve.getJsonObject(0).getInteger("n")).isEqualTo(3);
      }
      assertThat(d.getJsonArray("runs")).hasSize(6);
      JsonObject first = d.getJsonArray("runs").getJsonObject(0);
      assertThat(first.getString("name")).isEqualTo("run_0=1_1=1_2=0.0");
      assertThat(first.getString("setting")).isEqualTo("valBonus=0.0");
      assertThat(first.getString("state")).isEqualTo("finished");
    }
    // a restarted server lists the sweep from its folder
    try (ServerTestSupport s = new ServerTestSupport(vertx, runsDir, configsDir, o -> o, null)) {
      JsonArray list = s.get("/api/sweeps").bodyAsJsonObject().getJsonArray("sweeps");
      assertThat(list).hasSize(1);
      assertThat(list.getJsonObject(0).getString("id")).isEqualTo(id);
      assertThat(list.getJsonObject(0).getString("state")).isEqualTo("finished");
      assertThat(list.getJsonObject(0).getInteger("total")).isEqualTo(6);
      assertThat(s.get("/api/sweeps/" + id).bodyAsJsonObject().getJsonArray("table")).hasSize(2);
    }
    assertThat(Files.readString(SweepVerticle.defaultSweepsDir(runsDir).resolve(id).resolve("sweep_config.yaml")))
        .as("the sweep with its seed entry first, as the CLI writes it").contains("torch_seed").contains("valBonus");
  }

  @Test
  @DisplayName("The original's sweep.yaml (tied seeds, tied layer names, a list index) gives its 24 runs with the original's names and 12 settings of 2 seeds")
  void originalSweepFile(Vertx vertx, @TempDir Path tmp) throws Exception {
    String sweep = Files.readString(Shared.file("reference/delgrad/sweep_config/sweep.yaml"));
    String config = """
        epochs: 1
        batches: 2
        delayMs: 0
        training_params:
          torch_seed: 0
          numpy_seed: 0
        network_layout:
          layers:
            - name: DelayAxonal
            - size: 30
            - name: DelayAxonal
        """;
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withMaxConcurrent(4))) {
      HttpResponse<Buffer> r = s.post("/api/sweeps", new JsonObject().put("yaml", config).put("sweep", sweep));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      String id = r.bodyAsJsonObject().getString("id");
      assertThat(r.bodyAsJsonObject().getJsonArray("runs")).hasSize(24);
      JsonObject d = awaitSweep(s, id, "finished");
      assertThat(d.getJsonArray("columns")).containsExactly("network_layout_layers_0_name",
          "network_layout_layers_2_name", "network_layout_layers_1_size");
      JsonArray table = d.getJsonArray("table");
      assertThat(table).hasSize(12);
      assertThat(table.stream().map(x -> ((JsonObject) x).getInteger("n"))).allMatch(n -> n == 2);
      // rows sorted by their values, numbers numerically: sizes 5 before 30
      assertThat(table.getJsonObject(0).getString("key")).isEqualTo(
          "network_layout_layers_0_name=BroadcastLayer, network_layout_layers_2_name=BroadcastLayer, network_layout_layers_1_size=5");
      assertThat(table.getJsonObject(0).getJsonObject("finalValAccuracy").getDouble("mean")).isCloseTo(0.6005, within(EXACT));
      assertThat(d.getJsonArray("runs").getJsonObject(0).getString("name"))
          .isEqualTo("run_0=1000_1=1000_2=DelayAxonal_3=DelayAxonal_4=30");
      assertThat(d.getJsonArray("runs").getJsonObject(23).getString("name"))
          .isEqualTo("run_0=1001_1=1001_2=BroadcastLayer_3=BroadcastLayer_4=5");
    }
  }

  @Test
  @DisplayName("Stopping a sweep stops its queued and running runs; they resume like any run")
  void stopAndResume(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      HttpResponse<Buffer> r = s.post("/api/sweeps", new JsonObject().put("config", "slow").put("name", "long")
          .put("sweep", "parameters:\n  - path: delayMs\n    value: [20, 21, 22]\n"));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      String id = r.bodyAsJsonObject().getString("id");
      List<String> runIds = r.bodyAsJsonObject().getJsonArray("runs").stream().map(Object::toString).toList();
      s.awaitState(runIds.get(0), "running", TIMEOUT_MS);
      JsonObject stop = s.post("/api/sweeps/" + id + "/stop", null).bodyAsJsonObject();
      assertThat(stop.getJsonArray("stopped")).containsExactlyInAnyOrderElementsOf(runIds);
      JsonObject d = awaitSweep(s, id, "stopped");
      assertThat(d.getJsonObject("counts").getInteger("stopped")).isEqualTo(3);
      assertThat(s.post("/api/runs/" + runIds.get(1) + "/resume", null).bodyAsJsonObject().getString("state")).isEqualTo("queued");
      awaitSweep(s, id, "running");
    }
  }

  @Test
  @DisplayName("Refused sweeps name the problem and leave no run and no sweep folder behind")
  void refusals(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      HttpResponse<Buffer> bad = s.post("/api/sweeps", new JsonObject().put("config", "fast")
          .put("sweep", "parameters:\n  - path: training_params/lr\n    value: [1, 2]\n"));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.bodyAsJsonObject().getString("error")).contains("path training_params/lr does not exist in the initial config fast.yaml");

      HttpResponse<Buffer> noSweep = s.post("/api/sweeps", new JsonObject().put("config", "fast"));
      assertThat(noSweep.statusCode()).isEqualTo(400);
      assertThat(noSweep.bodyAsJsonObject().getString("error")).contains("\"sweep\"");

      HttpResponse<Buffer> badSeeds = s.post("/api/sweeps", new JsonObject().put("config", "fast")
          .put("sweep", "parameters:\n  - path: epochs\n    value: [1]\n").put("seeds", "5..1"));
      assertThat(badSeeds.statusCode()).isEqualTo(400);
      assertThat(badSeeds.bodyAsJsonObject().getString("error")).startsWith("seeds 5..1");

      // the run manager refuses the first run's config (epochs 0): nothing is created
      HttpResponse<Buffer> refused = s.post("/api/sweeps", new JsonObject().put("config", "fast")
          .put("sweep", "parameters:\n  - path: epochs\n    value: [0, 1]\n"));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("error")).contains("sweep run 0 (run_0=0)").contains("epochs");

      assertThat(s.get("/api/sweeps/nosuch_2026-01-01_00-00-00").statusCode()).isEqualTo(404);
      assertThat(s.get("/api/sweeps/nosuch_2026-01-01_00-00-00").bodyAsJsonObject().getString("error")).contains("no sweep");
      assertThat(s.get("/api/sweeps/..").statusCode()).isIn(400, 404);
      assertThat(s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs")).isEmpty();
      assertThat(s.get("/api/sweeps").bodyAsJsonObject().getJsonArray("sweeps")).isEmpty();
      Path sweepsDir = SweepVerticle.defaultSweepsDir(s.runsDir);
      if (Files.isDirectory(sweepsDir)) {
        try (Stream<Path> l = Files.list(sweepsDir)) {
          assertThat(l.toList()).isEmpty();
        }
      }
    }
  }

  @Test
  @DisplayName("A sweep value the run manager refuses after the first run: 400 naming it, the runs made so far stopped, the sweep listed with the error")
  void laterRunRefused(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      HttpResponse<Buffer> r = s.post("/api/sweeps", new JsonObject().put("config", "slow").put("name", "half")
          .put("sweep", "parameters:\n  - path: epochs\n    value: [50, 0]\n"));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).contains("sweep run 1 (run_0=0) was refused")
          .contains("epochs").contains("the 1 runs before it were created and stopped");
      JsonArray runs = s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs");
      assertThat(runs).hasSize(1);
      s.awaitState(runs.getJsonObject(0).getString("id"), "stopped", TIMEOUT_MS);
      JsonObject listed = s.get("/api/sweeps").bodyAsJsonObject().getJsonArray("sweeps").getJsonObject(0);
      assertThat(listed.getString("error")).contains("sweep run 1");
      assertThat(listed.getInteger("total")).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("A sweep whose value names data outside the allowed folders is refused by the run manager's rule; nothing is created")
  void dataOutsideAllowedFolders(Vertx vertx, @TempDir Path tmp) throws Exception {
    // run names cannot hold '/', so the swept values are file names; any file a posted config
    // names is outside the (empty) set of allowed data folders
    String config = WorkbenchRealExecutorTest.tinyYaml().replace("dataset: yin_yang",
        "dataset: {type: csv, train: train.csv, test: test.csv}");
    String sweep = "parameters:\n  - path: dataset/train\n    value: [shadow, passwd]\n";
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withThreads(1)
        .withEngine(DefaultEngine.engine(), DefaultEngine.preparer()))) {
      HttpResponse<Buffer> r = s.post("/api/sweeps", new JsonObject()
          .put("yaml", config).put("sweep", sweep));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).contains("sweep run 0").contains("dataset.train")
          .contains("--data-dir");
      assertThat(s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs")).isEmpty();
      assertThat(s.get("/api/sweeps").bodyAsJsonObject().getJsonArray("sweeps")).isEmpty();
    }
  }

  @Test
  @DisplayName("The sweeps API needs the token when one is set, and only sweeps.<id>.state leaves the live stream")
  void securityAndStream(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withToken("sweep-secret-token-0123"))) {
      assertThat(s.get("/api/sweeps").statusCode()).isEqualTo(401);
      assertThat(s.post("/api/sweeps", new JsonObject().put("config", "fast")).statusCode()).isEqualTo(401);
      s.bearer = "sweep-secret-token-0123";
      assertThat(s.get("/api/sweeps").statusCode()).isEqualTo(200);
    }
    assertThat(Addresses.OUTBOUND.matcher(Addresses.sweepState("a_2026-01-01_00-00-00")).matches()).isTrue();
    assertThat(Addresses.OUTBOUND.matcher("sweeps.a.batch").find()).isFalse();
    assertThat(Addresses.OUTBOUND.matcher("xsweeps.a.state").find()).isFalse();
    assertThat(Addresses.OUTBOUND.matcher(Addresses.CMD_SWEEP_CREATE).find()).isFalse();
  }

  /** Polls GET /api/sweeps/{id} until its state is {@code state}. */
  private static JsonObject awaitSweep(ServerTestSupport s, String id, String state) throws InterruptedException {
    long end = System.currentTimeMillis() + TIMEOUT_MS;
    JsonObject last = null;
    while (System.currentTimeMillis() < end) {
      HttpResponse<Buffer> r = s.get("/api/sweeps/" + id);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      last = r.bodyAsJsonObject();
      if (state.equals(last.getString("state"))) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("sweep " + id + " did not reach " + state + "; last: " + last);
  }
}
