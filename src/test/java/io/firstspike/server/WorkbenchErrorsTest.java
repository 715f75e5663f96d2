package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every error answer of the API, against one workbench with one finished run. */
@ExtendWith(VertxExtension.class)
class WorkbenchErrorsTest {
  private static final long TIMEOUT_MS = 15_000;
  private static Vertx vertx;
  private static ServerTestSupport s;
  private static String finished;

  @BeforeAll
  static void start(@TempDir Path tmp) throws Exception {
    vertx = Vertx.vertx();
    s = new ServerTestSupport(vertx, tmp, o -> o);
    finished = s.startRun(new JsonObject().put("config", "fast"));
    s.awaitState(finished, "finished", TIMEOUT_MS);
    // A file beside the runs folder that traversal attempts would like to reach.
    Files.writeString(s.runsDir.getParent().resolve("secret.txt"), "secret");
  }

  @AfterAll
  static void stop() {
    s.close();
    ServerTestSupport.await(vertx.close());
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String messagePart) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getInteger("status")).isEqualTo(status);
    assertThat(body.getString("error")).contains(messagePart);
  }

  @Test
  @DisplayName("An invalid config is refused with 400 and the preparer's message naming the key")
  void invalidConfig() {
    assertError(s.post("/api/runs", new JsonObject().put("yaml", "epochs: zero\n")), 400, "key 'epochs'");
    assertError(s.post("/api/runs", new JsonObject().put("config", "bad")), 400, "key 'epochs'");
  }

  @Test
  @DisplayName("Unknown configs, missing or doubled config fields and bad overrides are 400")
  void badRunRequests() {
    assertError(s.post("/api/runs", new JsonObject().put("config", "nope")), 400, "available: [16x16_mnist, bad, bars,");
    assertError(s.post("/api/runs", new JsonObject()), 400, "exactly one of");
    assertError(s.post("/api/runs", new JsonObject().put("config", "fast").put("yaml", "epochs: 1")), 400, "exactly one of");
    assertError(s.post("/api/runs", new JsonObject().put("config", "fast").put("overrides", new JsonObject().put("dataDir", "/etc"))),
        400, "unknown override 'dataDir'");
    assertError(s.post("/api/runs", new JsonObject().put("config", "fast").put("overrides", new JsonObject().put("epochs", 0))),
        400, "overrides.epochs");
    assertError(s.post("/api/runs", new JsonObject().put("config", "../fast")), 400, "invalid config name");
    assertError(s.post("/api/runs", new JsonObject().put("config", 42)), 400, "unknown config '42'");
    assertError(s.post("/api/runs", new JsonObject().put("yaml", "epochs: 1").put("overrides", "many")), 400,
        "must be strings and overrides an object");
  }

  @Test
  @DisplayName("A body that is not JSON is 400; one over 1 MiB is 413")
  void bodies() {
    HttpResponse<Buffer> notJson = ServerTestSupport.await(s.client.post("/api/runs")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{not json")));
    assertError(notJson, 400, "JSON");
    String big = "#".repeat((int) HttpVerticle.MAX_BODY_BYTES + 1);
    HttpResponse<Buffer> tooBig = s.post("/api/runs", new JsonObject().put("yaml", big));
    assertError(tooBig, 413, "larger than");
    assertThat(s.get("/api/runs").statusCode()).as("the server survives").isEqualTo(200);
  }

  @Test
  @DisplayName("An unknown run id is 404 on every run endpoint")
  void unknownRun() {
    for (String uri : new String[] {"/api/runs/nope_1", "/api/runs/nope_1/metrics"}) {
      assertError(s.get(uri), 404, "no run 'nope_1'");
    }
    assertError(s.post("/api/runs/nope_1/stop", null), 404, "no run");
    assertError(s.post("/api/runs/nope_1/resume", null), 404, "no run");
    assertError(s.post("/api/runs/nope_1/evaluate", null), 404, "no run");
    assertError(s.get("/api/runs/nope_1/plots"), 404, "no run");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/api/runs/..%2f..%2fsecret.txt",
      "/api/runs/%2e%2e%2f%2e%2e%2fsecret.txt/metrics",
      "/api/runs/%2e%2e/metrics",
      "/api/runs/..%5c..%5csecret.txt",
      "/api/runs/%2Fetc%2Fpasswd",
      "/api/runs/%2fetc/metrics",
      "/api/runs/.hidden",
      "/api/runs/../../secret.txt",
      "/api/configs/..%2f..%2fsecret",
      "/api/configs/%2e%2e%2fsecret",
      "/api/configs/%2Fetc%2Fpasswd",
      "/api/configs/../../secret.txt",
      "/..%2fsecret.txt",
      "/%2e%2e/%2e%2e/secret.txt",
      "/webjars/..%2f..%2fsecret.txt",
  })
  @DisplayName("Path traversal in ids, config names and static paths is 400 or 404 and never reveals a file")
  void traversalIsRefused(String uri) {
    HttpResponse<Buffer> r = s.get(uri);
    assertThat(r.statusCode()).as(uri + " -> " + r.bodyAsString()).isIn(400, 404);
    assertThat(String.valueOf(r.bodyAsString())).doesNotContain("secret\n").isNotEqualTo("secret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..%2fstatus.json", "%2e%2e%2f%2e%2e%2fsecret.txt", "%2Fetc%2Fpasswd", "a.exe", ".png"})
  @DisplayName("Plot file names other than plain .png/.svg/.json names are 400")
  void plotFileNames(String file) {
    HttpResponse<Buffer> r = s.get("/api/runs/" + finished + "/plots/" + file);
    assertThat(r.statusCode()).as(file + " -> " + r.bodyAsString()).isIn(400, 404);
  }

  @Test
  @DisplayName("A run without a snapshot cannot be evaluated (409); a missing plot is 404; an empty plots list is 200")
  void evaluationWithoutSnapshot() throws Exception {
    Path copy = s.runsDir.resolve("nosnap_1");
    Files.createDirectories(copy);
    for (String f : new String[] {"config.yaml", "status.json"}) {
      Files.copy(s.runsDir.resolve(finished).resolve(f), copy.resolve(f));
    }
    assertError(s.post("/api/runs/nosnap_1/evaluate", null), 409, "has no snapshot");
    HttpResponse<Buffer> list = s.get("/api/runs/nosnap_1/plots");
    assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(200);
    assertThat(list.bodyAsJsonObject().getJsonArray("plots")).isEmpty();
    assertThat(list.bodyAsJsonObject().getBoolean("evaluating")).isFalse();
    assertError(s.get("/api/runs/nosnap_1/plots/accuracy.png"), 404, "has no plot 'accuracy.png'");
    assertError(s.get("/api/runs/nope_1/plots/accuracy.png"), 404, "no run 'nope_1'");
  }

  @Test
  @DisplayName("An evaluation that fails (a snapshot without a network) is reported on the state stream; the server lives on")
  void failingEvaluationIsReported() throws Exception {
    java.util.concurrent.CompletableFuture<JsonObject> failed = new java.util.concurrent.CompletableFuture<>();
    var consumer = vertx.eventBus().<JsonObject>consumer(Addresses.state(finished), m -> {
      JsonObject e = m.body().getJsonObject("evaluation");
      if (e != null && "failed".equals(e.getString("phase"))) {
        failed.complete(m.body());
      }
    });
    ServerTestSupport.await(consumer.completion());
    try {
      HttpResponse<Buffer> r = s.post("/api/runs/" + finished + "/evaluate", null);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
      JsonObject body = failed.get(TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
      assertThat(body.getString("state")).isEqualTo("finished");
      assertThat(body.getJsonObject("evaluation").getString("error")).isNotBlank();
      assertThat(s.get("/api/health").statusCode()).isEqualTo(200);
      JsonObject list = s.get("/api/runs/" + finished + "/plots").bodyAsJsonObject();
      assertThat(list.getBoolean("evaluating")).isFalse();
    } finally {
      ServerTestSupport.await(consumer.unregister());
    }
  }

  @Test
  @DisplayName("Stopping a finished run and resuming it are conflicts (409)")
  void conflicts() {
    assertError(s.post("/api/runs/" + finished + "/stop", null), 409, "is finished");
    assertError(s.post("/api/runs/" + finished + "/resume", null), 409, "is finished");
  }

  @Test
  @DisplayName("Bad query parameters and unknown endpoints are 400 and 404")
  void queryAndEndpoints() {
    assertError(s.get("/api/runs/" + finished + "/metrics?since=abc"), 400, "since must be a whole number");
    assertError(s.get("/api/runs/" + finished + "/metrics?points=3"), 400,
        "points must be between 10 and 100000, got 3");
    assertError(s.get("/api/nothing"), 404, "no endpoint");
    assertError(s.get("/api/configs/nope"), 404, "no config 'nope'");
  }

  @Test
  @DisplayName("points and since beyond their range are 400 naming the range and the value as sent, never wrapped")
  void queryRanges() {
    String m = "/api/runs/" + finished + "/metrics";
    assertError(s.get(m + "?points=2147483648"), 400, "points must be between 10 and 100000, got 2147483648");
    assertError(s.get(m + "?points=4294967305"), 400, "points must be between 10 and 100000, got 4294967305");
    assertError(s.get(m + "?points=100001"), 400, "points must be between 10 and 100000, got 100001");
    assertError(s.get(m + "?since=99999999999999999999"), 400,
        "since must be between -1 and 9223372036854775807, got 99999999999999999999");
    assertError(s.get(m + "?since=-2"), 400, "since must be between -1 and 9223372036854775807, got -2");
    assertThat(s.get(m + "?points=100000&since=9223372036854775807").statusCode()).isEqualTo(200);
    assertThat(s.get(m + "?points=10").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("A 300-character run name is a 400 naming the length limit; no error message shows the server's paths")
  void runNameTooLong() {
    HttpResponse<Buffer> r = s.post("/api/runs", new JsonObject().put("yaml", "epochs: 1\n").put("name", "n".repeat(300)));
    assertError(r, 400, "run name too long: 300 characters, at most 200");
    String root = s.runsDir.getParent().toAbsolutePath().toString();
    for (HttpResponse<Buffer> e : java.util.List.of(r, s.get("/api/runs/nope_1"), s.get("/api/runs/nope_1/metrics"),
        s.get("/api/runs/nope_1/plots/a.png"), s.get("/api/configs/nope"),
        s.post("/api/runs", new JsonObject().put("config", "nope")))) {
      assertThat(e.statusCode()).as(e.bodyAsString()).isBetween(400, 499);
      assertThat(e.bodyAsString()).as("no absolute path in the message").doesNotContain(root);
    }
  }

  @Test
  @DisplayName("Configs are listed with their first comment line and served as text: the jar's ready configs and those of --configs-dir")
  void configs() throws Exception {
    JsonObject list = s.get("/api/configs").bodyAsJsonObject();
    List<String> ready;
    try (var files = Files.list(Path.of("configs"))) {
      ready = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
          .map(f -> f.substring(0, f.length() - 5)).toList();
    }
    assertThat(ready).as("the clone's configs/").contains("yin_yang", "xor");
    List<String> expected = new java.util.ArrayList<>(ready);
    expected.addAll(List.of("bad", "fast", "slow"));
    assertThat(list.getJsonArray("configs").stream().map(c -> ((JsonObject) c).getString("name")))
        .as("the configs the jar carries (the clone's configs/) and the --configs-dir folder's, sorted by name")
        .containsExactlyElementsOf(expected.stream().sorted().toList());
    JsonObject fast = list.getJsonArray("configs").stream().map(c -> (JsonObject) c)
        .filter(c -> c.getString("name").equals("fast")).findFirst().orElseThrow();
    assertThat(fast.getString("description")).isEqualTo("two quick epochs");
    assertThat(s.get("/api/configs/fast").bodyAsJsonObject().getString("yaml")).contains("epochs: 2");
    // A carried config served although --configs-dir (a temp folder) has no such file ...
    assertThat(s.get("/api/configs/xor").bodyAsJsonObject().getString("yaml"))
        .isEqualTo(Files.readString(Path.of("configs", "xor.yaml")));
    // ... and the folder's file wins over the carried one of the same name.
    Path mine = s.configsDir.resolve("xor.yaml");
    Files.writeString(mine, "# my own xor\nepochs: 2\nbatches: 10\ndelayMs: 2\n");
    try {
      assertThat(s.get("/api/configs/xor").bodyAsJsonObject().getString("yaml")).startsWith("# my own xor");
      assertThat(s.get("/api/configs").bodyAsJsonObject().getJsonArray("configs").stream()
          .filter(c -> ((JsonObject) c).getString("name").equals("xor")).count()).as("listed once").isEqualTo(1);
    } finally {
      Files.delete(mine);
    }
  }

  @Test
  @DisplayName("The meta endpoint serves the stream addresses the page subscribes to")
  void meta() {
    JsonObject meta = s.get("/api/meta").bodyAsJsonObject();
    assertThat(meta.getString("outboundRegex")).isEqualTo(Addresses.OUTBOUND_REGEX);
    assertThat(meta.getJsonObject("streams").getString("batch").replace("{id}", "x")).isEqualTo(Addresses.batch("x"));
    assertThat(s.get("/webjars/chart.js/4.4.1/dist/chart.umd.js").statusCode()).isEqualTo(200);
    assertThat(s.get("/").bodyAsString()).contains("FirstSpike");
  }
}
