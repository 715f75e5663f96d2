package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.runs.Overrides;
import io.firstspike.runs.RunExecutor;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.train.RunState;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configs sent over the network read data only from the folders the operator allowed
 * ({@code --data-dir}), and nothing the server reports quotes a file; plot links are not served.
 */
@ExtendWith(VertxExtension.class)
class WorkbenchDataAccessTest {
  private static final long TIMEOUT_MS = 60_000;
  private static final String SECRET = "db_password=hunter2";

  /** The tiny Yin-Yang config with another dataset section. */
  private static String yaml(String dataset) throws IOException {
    return WorkbenchRealExecutorTest.tinyYaml().replace("dataset: yin_yang", dataset);
  }

  private static String csv(Path train, Path test) {
    return "dataset: {type: csv, train: '" + train + "', test: '" + test + "'}";
  }

  /** 60 samples with 4 spike times each and labels 0..2, as the tiny network expects. */
  private static Path dataFile(Path dir, String name) throws IOException {
    StringBuilder b = new StringBuilder("# four inputs and a label\n");
    Random r = new Random(7);
    for (int i = 0; i < 60; i++) {
      for (int k = 0; k < 4; k++) {
        b.append(String.format(Locale.ROOT, "%.3f,", r.nextDouble()));
      }
      b.append(i % 3).append('\n');
    }
    return Files.writeString(Files.createDirectories(dir).resolve(name), b.toString());
  }

  private static ServerTestSupport realServer(Vertx vertx, Path tmp, List<Path> dataDirs) throws IOException {
    UnaryOperator<WorkbenchOptions> tweak = o -> o.withThreads(1).withEngine(DefaultEngine.engine(), DefaultEngine.preparer())
        .withAccess(new WorkbenchOptions.Access(List.of(), dataDirs, null, null));
    return new ServerTestSupport(vertx, tmp, tweak);
  }

  private static HttpResponse<Buffer> create(ServerTestSupport s, String yaml) {
    return s.post("/api/runs", new JsonObject().put("yaml", yaml).put("name", "net")
        .put("overrides", new JsonObject().put("epochs", 1)));
  }

  @Test
  @DisplayName("Without --data-dir a posted config cannot name any file: 400, the same text for existing and missing files, nothing created")
  void noFolderNoFiles(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path outside = tmp.resolve("outside");
    Path secret = Files.writeString(Files.createDirectories(outside).resolve("shadow"),
        "root:x:0:0\n" + SECRET + ",1\n");
    Path test = dataFile(outside, "test.csv");
    try (ServerTestSupport s = realServer(vertx, tmp, List.of())) {
      HttpResponse<Buffer> existing = create(s, yaml(csv(secret, test)));
      HttpResponse<Buffer> missing = create(s, yaml(csv(outside.resolve("nothing"), test)));
      assertThat(existing.statusCode()).as(existing.bodyAsString()).isEqualTo(400);
      assertThat(missing.statusCode()).isEqualTo(400);
      String e1 = existing.bodyAsJsonObject().getString("error");
      assertThat(e1).contains("dataset.train").contains("--data-dir").doesNotContain("hunter2").doesNotContain("root:x");
      assertThat(e1.replace("shadow", "X")).isEqualTo(missing.bodyAsJsonObject().getString("error").replace("nothing", "X"));

      HttpResponse<Buffer> mnist = create(s, yaml("dataset: mnist\ndata_dir: '" + outside + "'"));
      assertThat(mnist.statusCode()).isEqualTo(400);
      assertThat(mnist.bodyAsJsonObject().getString("error")).contains("data_dir");
      assertThat(s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs")).as("no run folder").isEmpty();
      assertThat(s.startRun(new JsonObject().put("yaml", WorkbenchRealExecutorTest.tinyYaml())
          .put("overrides", new JsonObject().put("epochs", 1)))).as("built-in data sets still work").isNotNull();
    }
  }

  @Test
  @DisplayName("Inside --data-dir a CSV config trains; a link there to a file outside is refused; bad content is never quoted")
  void allowedFolder(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Path train = dataFile(data, "train.csv");
    Path test = dataFile(data, "test.csv");
    Path outside = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("shadow"),
        "# header\n" + SECRET + ",1\n");
    Files.createSymbolicLink(data.resolve("link.csv"), outside);
    Files.writeString(data.resolve("bad.csv"), "# header\n" + SECRET + ",0.5,0.5,0.5,1\n");
    try (ServerTestSupport s = realServer(vertx, tmp, List.of(data))) {
      HttpResponse<Buffer> ok = create(s, yaml(csv(train, test)));
      assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(201);
      s.awaitState(ok.bodyAsJsonObject().getString("id"), "finished", TIMEOUT_MS);

      HttpResponse<Buffer> relative = create(s, yaml("data_dir: '" + data + "'\n"
          + "dataset: {type: csv, train: train.csv, test: test.csv}"));
      assertThat(relative.statusCode()).as(relative.bodyAsString()).isEqualTo(201);

      HttpResponse<Buffer> link = create(s, yaml(csv(data.resolve("link.csv"), test)));
      assertThat(link.statusCode()).isEqualTo(400);
      assertThat(link.bodyAsString()).doesNotContain("hunter2");

      HttpResponse<Buffer> bad = create(s, yaml(csv(data.resolve("bad.csv"), test)));
      assertThat(bad.statusCode()).isEqualTo(201);
      JsonObject failed = s.awaitState(bad.bodyAsJsonObject().getString("id"), "failed", TIMEOUT_MS);
      assertThat(failed.getString("reason")).contains("bad.csv line 2").contains("not a spike time")
          .doesNotContain("hunter2").doesNotContain("db_password");
    }
  }

  @Test
  @DisplayName("Resuming a run whose config (written by a CLI train) names data outside the folders is refused")
  void resumeChecked(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path outside = tmp.resolve("outside");
    Path train = dataFile(outside, "train.csv");
    Path test = dataFile(outside, "test.csv");
    RunFolder run = RunExecutor.prepare(new RunStore(tmp.resolve("runs")), "cli.yaml", yaml(csv(train, test)),
        Overrides.none());
    RunStatus st = run.status().orElseThrow();
    run.writeStatus(new RunStatus(RunState.STOPPED, "stopped by user", st.createdAt(), st.updatedAt(), 0,
        st.epochs(), -1, st.node()));
    try (ServerTestSupport s = realServer(vertx, tmp, List.of(tmp.resolve("configs")))) {
      HttpResponse<Buffer> r = s.post("/api/runs/" + run.id() + "/resume", null);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).contains("dataset.train").contains("--data-dir");
      assertThat(s.run(run.id()).getString("state")).isEqualTo("stopped");
    }
  }

  @Test
  @DisplayName("A plot that is a link, or in a plots folder that is a link, is neither listed nor served")
  void plotLinks(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path secret = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("secret.png"), SECRET);
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = s.finishedRun("fast", TIMEOUT_MS);
      Path plots = Files.createDirectories(s.runsDir.resolve(id).resolve(PlotFolder.PLOTS));
      Files.writeString(plots.resolve("real.png"), "png");
      Files.createSymbolicLink(plots.resolve("link.png"), secret);
      assertThat(s.get("/api/runs/" + id + "/plots/real.png").statusCode()).isEqualTo(200);
      HttpResponse<Buffer> link = s.get("/api/runs/" + id + "/plots/link.png");
      assertThat(link.statusCode()).isEqualTo(404);
      assertThat(link.bodyAsString()).doesNotContain("hunter2");
      assertThat(s.get("/api/runs/" + id + "/plots").bodyAsJsonObject().getJsonArray("plots").stream()
          .map(p -> ((JsonObject) p).getString("file")).toList()).containsExactly("real.png");

      String id2 = s.startRun(new JsonObject().put("config", "fast"));
      s.awaitState(id2, "finished", TIMEOUT_MS);
      Files.createSymbolicLink(s.runsDir.resolve(id2).resolve(PlotFolder.PLOTS), secret.getParent());
      assertThat(s.get("/api/runs/" + id2 + "/plots/secret.png").statusCode()).isEqualTo(404);
    }
  }
}
