package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.runs.RunMeta;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, run identity through the REST API: name, notes, tags and archiving kept in the run
 * folder's meta.json (every other file untouched), deletion only with the run id as confirmation
 * and never of an active run, the hyperparameter index, and the API's security rules on the new
 * endpoints (JSON bodies only, foreign Origin refused, token when set).
 */
@ExtendWith(VertxExtension.class)
class RunIdentityApiTest {
  private static final long TIMEOUT_MS = 30_000;
  private static final String TOKEN = "identity-token-0123456789";

  @Test
  @DisplayName("Name, notes, tags and archived are saved in meta.json, merged, listed, and checked")
  void metaIsKeptInTheRunFolder(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = s.finishedRun("fast", TIMEOUT_MS);
      Path run = s.runsDir.resolve(id);
      Map<String, String> before = files(run);

      JsonObject none = s.get("/api/runs/" + id + "/meta").bodyAsJsonObject();
      assertThat(none.getString("name")).isEmpty();
      assertThat(none.getJsonArray("tags")).isEmpty();
      assertThat(none.getBoolean("archived")).isFalse();

      HttpResponse<Buffer> saved = s.post("/api/runs/" + id + "/meta", new JsonObject().put("name", " baseline A ")
          .put("notes", "first try\nlr 0.005").put("tags", new JsonArray().add("sweep").add("lr").add("sweep")));
      assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(200);
      assertThat(saved.bodyAsJsonObject().getString("name")).isEqualTo("baseline A");
      assertThat(saved.bodyAsJsonObject().getJsonArray("tags")).isEqualTo(new JsonArray().add("sweep").add("lr"));
      JsonObject file = new JsonObject(Files.readString(run.resolve(RunMeta.FILE)));
      assertThat(file.getString("format")).isEqualTo(RunMeta.FORMAT);
      assertThat(file.getInteger("version")).isEqualTo(1);
      assertThat(file.getString("notes")).isEqualTo("first try\nlr 0.005");
      Map<String, String> after = files(run);
      after.remove(RunMeta.FILE);
      assertThat(after).as("every other file of the run folder, byte for byte").isEqualTo(before);
      assertThat(tempFiles(run)).as("no temporary file left by the atomic write").isZero();

      // A partial update keeps what it does not name.
      s.post("/api/runs/" + id + "/meta", new JsonObject().put("archived", true));
      JsonObject merged = s.get("/api/runs/" + id + "/meta").bodyAsJsonObject();
      assertThat(merged.getString("name")).isEqualTo("baseline A");
      assertThat(merged.getBoolean("archived")).isTrue();
      JsonObject listed = s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs").getJsonObject(0);
      assertThat(listed.getJsonObject("meta").getString("name")).isEqualTo("baseline A");
      assertThat(listed.getJsonObject("meta").getBoolean("archived")).isTrue();
      assertThat(s.run(id).getJsonObject("meta").getJsonArray("tags")).isEqualTo(new JsonArray().add("sweep").add("lr"));

      // Bad updates: 400 naming the key, and nothing written.
      String kept = Files.readString(run.resolve(RunMeta.FILE));
      assertError(s.post("/api/runs/" + id + "/meta", new JsonObject().put("title", "x")), 400, "unknown key 'title'");
      assertError(s.post("/api/runs/" + id + "/meta", new JsonObject().put("tags", "a,b")), 400, "tags must be a list");
      assertError(s.post("/api/runs/" + id + "/meta", new JsonObject().put("tags", new JsonArray().add("a,b"))), 400, "without commas");
      assertError(s.post("/api/runs/" + id + "/meta", new JsonObject().put("name", "x".repeat(201))), 400, "at most 200");
      assertError(s.post("/api/runs/" + id + "/meta", new JsonObject().put("archived", "yes")), 400, "archived must be true or false");
      assertError(s.post("/api/runs/" + id + "/meta", null), 400, "body must be a JSON object");
      assertThat(Files.readString(run.resolve(RunMeta.FILE))).isEqualTo(kept);
      assertError(s.get("/api/runs/nope_1/meta"), 404, "no run 'nope_1'");
      assertError(s.get("/api/runs/..%2fx/meta"), 400, null);

      // An unreadable meta.json is reported, never overwritten.
      Files.writeString(run.resolve(RunMeta.FILE), "{not json");
      assertError(s.post("/api/runs/" + id + "/meta", new JsonObject().put("name", "b")), 409, "cannot be read as JSON");
      assertThat(Files.readString(run.resolve(RunMeta.FILE))).isEqualTo("{not json");
      assertThat(s.run(id).getJsonArray("warnings").encode()).contains(RunMeta.FILE);
    }
  }

  @Test
  @DisplayName("Delete needs the run id as confirmation, refuses an active run, then removes the folder")
  void deleteNeedsConfirmation(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = s.startRun(new JsonObject().put("config", "slow"));
      s.awaitState(id, "running", TIMEOUT_MS);
      Path run = s.runsDir.resolve(id);
      assertError(s.post("/api/runs/" + id + "/delete", new JsonObject().put("confirm", id)), 409, "stop it before deleting it");
      assertThat(run).isDirectory();
      s.post("/api/runs/" + id + "/stop", null);
      s.awaitState(id, "stopped", TIMEOUT_MS);

      assertError(s.post("/api/runs/" + id + "/delete", null), 400, "{\"confirm\": \"<run id>\"}");
      assertError(s.post("/api/runs/" + id + "/delete", new JsonObject().put("confirm", "other")), 400, "needs {\"confirm\": \"" + id + "\"}");
      assertError(s.post("/api/runs/" + id + "/delete", new JsonObject()), 400, "confirmation");
      assertThat(run.resolve("status.json")).exists();

      HttpResponse<Buffer> deleted = s.post("/api/runs/" + id + "/delete", new JsonObject().put("confirm", id));
      assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(200);
      assertThat(deleted.bodyAsJsonObject()).isEqualTo(new JsonObject().put("id", id).put("deleted", true));
      assertThat(run).doesNotExist();
      assertThat(s.get("/api/runs/" + id).statusCode()).isEqualTo(404);
      assertError(s.post("/api/runs/" + id + "/delete", new JsonObject().put("confirm", id)), 404, "no run");
    }
  }

  @Test
  @DisplayName("GET /api/run-params lists every run's config values by key path")
  void paramsIndex(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = s.startRun(new JsonObject().put("yaml", "epochs: 3\nbatches: 4\ndelayMs: 1\nlayers: [30, 3]\n"
          + "opt: {lr: 0.005, name: adam}\n"));
      s.awaitState(id, "finished", TIMEOUT_MS);
      JsonArray runs = s.get("/api/run-params").bodyAsJsonObject().getJsonArray("runs");
      JsonObject p = runs.stream().map(JsonObject.class::cast).filter(r -> id.equals(r.getString("id")))
          .findFirst().orElseThrow().getJsonObject("params");
      assertThat(p.getInteger("epochs")).isEqualTo(3);
      assertThat(p.getJsonArray("layers")).isEqualTo(new JsonArray().add(30).add(3));
      assertThat(p.getDouble("opt.lr")).isEqualTo(0.005);
      assertThat(p.getString("opt.name")).isEqualTo("adam");
    }
  }

  @Test
  @DisplayName("The new endpoints follow the API's rules: token, JSON bodies only, same-origin writes")
  void securityRules(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withToken(TOKEN))) {
      s.bearer = TOKEN;
      String id = s.finishedRun("fast", TIMEOUT_MS);
      s.bearer = null;
      assertThat(s.get("/api/runs/" + id + "/meta").statusCode()).isEqualTo(401);
      assertThat(s.get("/api/run-params").statusCode()).isEqualTo(401);
      assertThat(s.post("/api/runs/" + id + "/meta", new JsonObject().put("name", "x")).statusCode()).isEqualTo(401);
      assertThat(s.post("/api/runs/" + id + "/delete", new JsonObject().put("confirm", id)).statusCode()).isEqualTo(401);
      s.bearer = TOKEN;
      HttpResponse<Buffer> plain = ServerTestSupport.await(s.client.post("/api/runs/" + id + "/meta")
          .bearerTokenAuthentication(TOKEN).putHeader("Content-Type", "text/plain")
          .sendBuffer(Buffer.buffer("{\"name\": \"x\"}")));
      assertThat(plain.statusCode()).isEqualTo(415);
      HttpResponse<Buffer> foreign = ServerTestSupport.await(s.client.post("/api/runs/" + id + "/delete")
          .bearerTokenAuthentication(TOKEN).putHeader("Origin", "http://evil.example")
          .sendJsonObject(new JsonObject().put("confirm", id)));
      assertThat(foreign.statusCode()).isEqualTo(403);
      assertThat(s.runsDir.resolve(id)).isDirectory();
      assertThat(s.get("/api/runs/" + id + "/meta").statusCode()).isEqualTo(200);
    }
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String contains) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    if (contains != null) {
      assertThat(r.bodyAsJsonObject().getString("error")).contains(contains);
    }
  }

  private static Map<String, String> files(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), java.util.HexFormat.of().formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    }
    return out;
  }

  private static long tempFiles(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
    }
  }
}
