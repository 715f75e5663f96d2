package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runs folder full of damaged and oddly named folders: every one is listed, every listed id can
 * be fetched with 200, damaged ones say what is wrong, and no call about them is a 500.
 */
@ExtendWith(VertxExtension.class)
class WorkbenchDamagedRunsTest {
  private static final String STATUS =
      "{\"state\":\"FINISHED\",\"reason\":\"\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":"
          + "\"2026-01-01T00:01:00Z\",\"epochsDone\":2,\"epochs\":2,\"lastSnapshot\":2,\"node\":\"n\"}";
  private static final String METRICS_0 = "{\"epoch\":0,\"epochs\":2,\"step\":0,\"valAccuracy\":0.3}";
  private static final String METRICS_1 = "{\"epoch\":1,\"epochs\":2,\"step\":10,\"valAccuracy\":0.5}";
  private static final String METRICS_2 = "{\"epoch\":2,\"epochs\":2,\"step\":20,\"valAccuracy\":0.7}";
  private static final byte[] NOT_UTF8 = {'{', (byte) 0xff, (byte) 0xfe, '}'};

  /** Folder name -> expected: null = a readable run, else a part of the damage reason. */
  private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

  private static Vertx vertx;
  private static ServerTestSupport s;

  @BeforeAll
  static void start(@TempDir Path tmp) throws Exception {
    Path runs = Files.createDirectories(tmp.resolve("runs"));
    good(runs, "good_1");
    Files.write(good(runs, "bad-utf8-metrics").resolve("metrics.jsonl"), bytes(METRICS_0, NOT_UTF8, METRICS_2));
    EXPECTED.put("bad-utf8-metrics", null);
    Files.writeString(good(runs, "bad-json-metrics").resolve("metrics.jsonl"),
        METRICS_0 + "\n{\"epoch\": 1, oops\n" + METRICS_2 + "\n");
    EXPECTED.put("bad-json-metrics", null);
    Files.write(good(runs, "bad-utf8-batches").resolve("batches.jsonl"), bytes("{\"epoch\":1,\"step\":1}", NOT_UTF8,
        "{\"epoch\":2,\"step\":2}"));
    EXPECTED.put("bad-utf8-batches", null);
    Files.createDirectories(good(runs, "huge-epoch-folder").resolve("epoch_99999999999"));
    EXPECTED.put("huge-epoch-folder", null);
    Files.writeString(good(runs, "epoch-file").resolve("epoch_2"), "a file where a snapshot folder is expected");
    EXPECTED.put("epoch-file", null);
    Path metricsFolder = good(runs, "metrics-folder");
    Files.delete(metricsFolder.resolve("metrics.jsonl"));
    Files.createDirectories(metricsFolder.resolve("metrics.jsonl"));
    EXPECTED.put("metrics-folder", null);
    Files.writeString(good(runs, "activity-garbage").resolve("activity.json"), "{\"epoch\": [");
    EXPECTED.put("activity-garbage", null);
    Files.writeString(good(runs, "status-bad-json").resolve("status.json"), "{\"state\": \"FINI");
    EXPECTED.put("status-bad-json", "status.json is not a readable status");
    Files.write(good(runs, "status-not-utf8").resolve("status.json"), NOT_UTF8);
    EXPECTED.put("status-not-utf8", "status.json is not a readable status");
    Files.writeString(good(runs, "status-null").resolve("status.json"), "null");
    EXPECTED.put("status-null", "status.json has no \"state\"");
    Files.writeString(good(runs, "status-bogus-state").resolve("status.json"), STATUS.replace("FINISHED", "bogus"));
    EXPECTED.put("status-bogus-state", "bogus");
    Files.writeString(good(runs, "status-bad-number").resolve("status.json"),
        STATUS.replace("\"epochsDone\":2", "\"epochsDone\":99999999999"));
    EXPECTED.put("status-bad-number", "status.json is not a readable status");
    Files.writeString(good(runs, "status-text-number").resolve("status.json"),
        STATUS.replace("\"epochs\":2", "\"epochs\":\"two\""));
    EXPECTED.put("status-text-number", "status.json is not a readable status");
    Files.delete(good(runs, "status-missing").resolve("status.json"));
    EXPECTED.put("status-missing", "status.json is missing");
    Path statusFolder = good(runs, "status-folder");
    Files.delete(statusFolder.resolve("status.json"));
    Files.createDirectories(statusFolder.resolve("status.json"));
    EXPECTED.put("status-folder", "status.json is not a file");
    Files.delete(good(runs, "config-missing").resolve("config.yaml"));
    EXPECTED.put("config-missing", "config.yaml is missing");
    Files.write(good(runs, "config-not-utf8").resolve("config.yaml"), NOT_UTF8);
    EXPECTED.put("config-not-utf8", "config.yaml is not UTF-8 text");
    Files.createDirectories(runs.resolve("empty"));
    EXPECTED.put("empty", "config.yaml is missing");
    good(runs, ".hidden-run");
    EXPECTED.put(".hidden-run", "folder name not usable as a run id: it starts with '.'");
    good(runs, "run with spaces");
    EXPECTED.put("run with spaces", "folder name not usable as a run id: it contains ' ' (character 4)");
    good(runs, "l".repeat(240));
    EXPECTED.put("l".repeat(240), null);
    good(runs, "+plus");
    EXPECTED.put("+plus", "folder name not usable as a run id: it starts with '+'");
    good(runs, "résumé");
    EXPECTED.put("résumé", "folder name not usable as a run id: it contains 'é' (character 2)");
    Files.writeString(runs.resolve("notes.txt"), "a file in the runs folder is not a run");
    s = new ServerTestSupport(vertx = Vertx.vertx(), runs, ServerTestSupport.writeConfigs(tmp.resolve("configs")),
        o -> o, null);
  }

  @AfterAll
  static void stop() {
    s.close();
    ServerTestSupport.await(vertx.close());
  }

  /** A finished two-epoch run folder, as the fake engine writes them. */
  private static Path good(Path runs, String name) throws Exception {
    Path dir = Files.createDirectories(runs.resolve(name));
    Files.writeString(dir.resolve("config.yaml"), "epochs: 2\nbatches: 10\ndelayMs: 2\n");
    Files.writeString(dir.resolve("status.json"), STATUS);
    Files.writeString(dir.resolve("metrics.jsonl"), METRICS_0 + "\n" + METRICS_1 + "\n" + METRICS_2 + "\n");
    Files.writeString(dir.resolve("batches.jsonl"), "{\"epoch\":1,\"step\":1,\"loss\":0.5}\n");
    EXPECTED.putIfAbsent(name, null);
    return dir;
  }

  private static byte[] bytes(Object... lines) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object l : lines) {
      byte[] b = l instanceof byte[] a ? a : ((String) l).getBytes(StandardCharsets.UTF_8);
      out.writeBytes(b);
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static String path(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static JsonObject listed(String id) {
    HttpResponse<Buffer> r = s.get("/api/runs");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("runs").stream().map(JsonObject.class::cast)
        .filter(j -> id.equals(j.getString("id"))).findFirst().orElseThrow(() -> new AssertionError(id + " not listed"));
  }

  @Test
  @DisplayName("GET /api/runs lists every folder of the runs folder (and no file), damaged ones as damaged with the reason")
  void everyFolderListed() {
    HttpResponse<Buffer> r = s.get("/api/runs");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    Set<String> ids = r.bodyAsJsonObject().getJsonArray("runs").stream()
        .map(j -> ((JsonObject) j).getString("id")).collect(Collectors.toSet());
    assertThat(ids).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    for (Map.Entry<String, String> e : EXPECTED.entrySet()) {
      JsonObject run = listed(e.getKey());
      if (e.getValue() == null) {
        assertThat(run.getString("state")).as(e.getKey() + ": " + run.encode()).isEqualTo("finished");
      } else {
        assertThat(run.getString("state")).as(e.getKey()).isEqualTo("damaged");
        assertThat(run.getString("reason")).as(e.getKey()).contains(e.getValue());
      }
    }
  }

  @Test
  @DisplayName("Every listed id can be fetched with 200: damaged ones with their reason, readable ones with their warnings")
  void everyListedIdFetchable() {
    for (Map.Entry<String, String> e : EXPECTED.entrySet()) {
      HttpResponse<Buffer> r = s.get("/api/runs/" + path(e.getKey()));
      assertThat(r.statusCode()).as(e.getKey() + ": " + r.bodyAsString()).isEqualTo(200);
      JsonObject run = r.bodyAsJsonObject();
      assertThat(run.getString("id")).isEqualTo(e.getKey());
      if (e.getValue() != null) {
        assertThat(run.getString("state")).isEqualTo("damaged");
        assertThat(run.getString("reason")).contains(e.getValue());
      }
    }
    assertThat(s.run("bad-utf8-metrics").getJsonArray("warnings").stream().toList())
        .containsExactly("metrics.jsonl: 1 unreadable line skipped (line 2); the other lines are read");
    assertThat(s.run("bad-utf8-metrics").getDouble("bestValAccuracy")).isEqualTo(0.7);
    assertThat(s.run("bad-json-metrics").getInteger("bestEpoch")).isEqualTo(2);
    assertThat(s.run("bad-utf8-batches").getJsonArray("warnings").stream().toList())
        .containsExactly("batches.jsonl: 1 unreadable line skipped (line 2); the other lines are read");
    assertThat(s.run("huge-epoch-folder").getJsonArray("warnings").stream().toList()).singleElement().asString()
        .startsWith("epoch_99999999999 is not a snapshot folder");
    assertThat(s.run("metrics-folder").getJsonArray("warnings").stream().toList())
        .containsExactly("metrics.jsonl is not a file; it is not read");
  }

  @Test
  @DisplayName("Metrics of runs with damaged lines are served with the later epochs; no call about a damaged run is a 500")
  void noServerErrors() {
    JsonObject m = s.get("/api/runs/bad-utf8-metrics/metrics").bodyAsJsonObject();
    assertThat(m.getJsonArray("epochs").stream().map(j -> ((JsonObject) j).getInteger("epoch")).toList())
        .containsExactly(0, 2);
    assertThat(m.getJsonArray("warnings").stream().toList()).hasSize(1);
    JsonObject b = s.get("/api/runs/bad-utf8-batches/metrics").bodyAsJsonObject();
    assertThat(b.getInteger("totalBatches")).isEqualTo(2);
    for (String id : EXPECTED.keySet()) {
      for (HttpResponse<Buffer> r : List.of(s.get("/api/runs/" + path(id) + "/metrics"),
          s.get("/api/runs/" + path(id) + "/plots"),
          s.post("/api/runs/" + path(id) + "/stop", null),
          s.post("/api/runs/" + path(id) + "/resume", null))) {
        assertThat(r.statusCode()).as(id + ": " + r.bodyAsString()).isLessThan(500);
        if (r.statusCode() >= 400) {
          assertThat(r.bodyAsJsonObject().getString("error")).as(id).isNotBlank();
        }
      }
    }
    HttpResponse<Buffer> resume = s.post("/api/runs/status-bad-json/resume", null);
    assertThat(resume.statusCode()).isEqualTo(409);
    assertThat(resume.bodyAsJsonObject().getString("error")).contains("is damaged").contains("status.json");
    HttpResponse<Buffer> stop = s.post("/api/runs/config-missing/stop", null);
    assertThat(stop.statusCode()).isEqualTo(409);
    assertThat(stop.bodyAsJsonObject().getString("error")).contains("config.yaml is missing");
    HttpResponse<Buffer> odd = s.get("/api/runs/" + path("run with spaces") + "/metrics");
    assertThat(odd.statusCode()).isEqualTo(400);
  }
}
