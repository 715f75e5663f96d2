package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zip downloads (docs/API.md): a run's plots, a snapshot's network and the whole run folder,
 * each holding exactly the regular files of its folder, byte for byte, never what a symbolic
 * link points to, and a linked folder refused with 404.
 */
@ExtendWith(VertxExtension.class)
class RunDownloadsTest {
  private static final long TIMEOUT_MS = 60_000;
  private static final String SECRET = "db_password=hunter2";

  /** The entries of a zip, name to bytes. */
  private static Map<String, byte[]> unzip(HttpResponse<Buffer> r) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(r.body().getBytes()))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }

  private static String finishedRun(ServerTestSupport s) {
    String id = s.finishedRun("fast", TIMEOUT_MS);
    return id;
  }

  @Test
  @DisplayName("plots.zip holds every regular file of the run's plots folder, byte for byte, and no link")
  void plotsZip(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path secret = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("secret.png"), SECRET);
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = finishedRun(s);
      assertThat(s.get("/api/runs/" + id + "/plots.zip").statusCode()).as("no plots yet").isEqualTo(404);

      Path plots = Files.createDirectories(s.runsDir.resolve(id).resolve(PlotFolder.PLOTS));
      byte[] big = new byte[300_000]; // several chunks, incompressible
      new Random(3).nextBytes(big);
      Files.write(plots.resolve("a_big.png"), big);
      Files.writeString(plots.resolve("b.png"), "png");
      Files.writeString(plots.resolve(PlotFolder.NOTES_FILE), "{\"notes\": []}");
      Files.createSymbolicLink(plots.resolve("link.png"), secret);
      Files.createSymbolicLink(plots.resolve("linked_dir"), secret.getParent());

      HttpResponse<Buffer> r = s.get("/api/runs/" + id + "/plots.zip");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).isEqualTo("application/zip");
      assertThat(r.getHeader("Content-Disposition")).isEqualTo("attachment; filename=\"" + id + "_plots.zip\"");
      Map<String, byte[]> zip = unzip(r);
      assertThat(zip.keySet()).containsExactly("a_big.png", "b.png", PlotFolder.NOTES_FILE);
      assertThat(zip.get("a_big.png")).isEqualTo(big);
      assertThat(new String(r.body().getBytes(), StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
    }
  }

  @Test
  @DisplayName("A plots folder or a run folder that is a symbolic link is refused with 404, never followed")
  void linkedFoldersRefused(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.png"), SECRET);
    Files.writeString(outside.resolve("status.json"), "{}");
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = finishedRun(s);
      Files.createSymbolicLink(s.runsDir.resolve(id).resolve(PlotFolder.PLOTS), outside);
      HttpResponse<Buffer> plots = s.get("/api/runs/" + id + "/plots.zip");
      assertThat(plots.statusCode()).isEqualTo(404);
      assertThat(plots.bodyAsString()).doesNotContain("hunter2");

      Files.createSymbolicLink(s.runsDir.resolve("linked_run"), outside);
      for (String what : new String[] {"folder.zip", "plots.zip", "network.zip"}) {
        HttpResponse<Buffer> r = s.get("/api/runs/linked_run/" + what);
        assertThat(r.statusCode()).as(what + " of a linked run folder").isEqualTo(404);
        assertThat(r.bodyAsString()).doesNotContain("hunter2");
      }
      assertThat(s.get("/api/runs/..%2Foutside/folder.zip").statusCode()).isIn(400, 404);
    }
  }

  @Test
  @DisplayName("network.zip packs the newest snapshot's network (or ?epoch=N); 404 without one, 400 for a bad epoch")
  void networkZip(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = finishedRun(s);
      Path run = s.runsDir.resolve(id);
      for (int e : new int[] {1, 2}) {
        Path net = Files.createDirectories(run.resolve("epoch_" + e).resolve("network"));
        Files.writeString(net.resolve("network.json"), "{\"epoch\": " + e + "}");
        Files.write(net.resolve("layer_0_weights.npy"), new byte[] {(byte) e, 1, 2});
        Files.writeString(run.resolve("epoch_" + e).resolve("training_state.json"), "{}");
      }
      Path outside = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("secret.npy"), SECRET);
      Files.createSymbolicLink(run.resolve("epoch_2").resolve("network").resolve("extra.npy"), outside);

      HttpResponse<Buffer> newest = s.get("/api/runs/" + id + "/network.zip");
      assertThat(newest.statusCode()).isEqualTo(200);
      assertThat(newest.getHeader("Content-Disposition")).contains(id + "_epoch_2_network.zip");
      Map<String, byte[]> zip = unzip(newest);
      assertThat(zip.keySet()).containsExactly("layer_0_weights.npy", "network.json");
      assertThat(new String(zip.get("network.json"), StandardCharsets.UTF_8)).isEqualTo("{\"epoch\": 2}");

      Map<String, byte[]> first = unzip(s.get("/api/runs/" + id + "/network.zip?epoch=1"));
      assertThat(new String(first.get("network.json"), StandardCharsets.UTF_8)).isEqualTo("{\"epoch\": 1}");
      assertThat(s.get("/api/runs/" + id + "/network.zip?epoch=7").statusCode()).isEqualTo(404);
      HttpResponse<Buffer> bad = s.get("/api/runs/" + id + "/network.zip?epoch=-1");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.bodyAsJsonObject().getString("error")).contains("epoch must be a whole number");

      String fresh = finishedRun(s);
      Path freshRun = s.runsDir.resolve(fresh);
      assertThat(s.get("/api/runs/" + fresh + "/network.zip").bodyAsJsonObject().getString("error"))
          .as("the fake engine's snapshots have no network/").contains("has no complete snapshot of epoch");
      try (var snapshots = Files.list(freshRun)) {
        for (Path p : snapshots.filter(p -> p.getFileName().toString().startsWith("epoch_")).toList()) {
          try (var tree = Files.walk(p)) {
            tree.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
          }
        }
      }
      assertThat(s.get("/api/runs/" + fresh + "/network.zip").bodyAsJsonObject().getString("error"))
          .contains("has no snapshot yet");
    }
  }

  @Test
  @DisplayName("folder.zip holds the run folder's regular files with their paths, not hidden leftovers nor links")
  void folderZip(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path secret = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("secret.txt"), SECRET);
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = finishedRun(s);
      Path run = s.runsDir.resolve(id);
      Files.writeString(Files.createDirectories(run.resolve("epoch_1").resolve("network")).resolve("network.json"), "{}");
      Files.writeString(Files.createDirectories(run.resolve(".epoch_2.tmp")).resolve("half.npy"), "x");
      Files.createSymbolicLink(run.resolve("secret.txt"), secret);
      Files.createSymbolicLink(run.resolve("outside_dir"), secret.getParent());

      HttpResponse<Buffer> r = s.get("/api/runs/" + id + "/folder.zip");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("Content-Disposition")).isEqualTo("attachment; filename=\"" + id + ".zip\"");
      Map<String, byte[]> zip = unzip(r);
      assertThat(zip).containsKeys("status.json", "epoch_1/network/network.json");
      assertThat(zip.keySet()).noneMatch(n -> n.startsWith(".") || n.contains("secret") || n.startsWith("outside_dir"));
      assertThat(zip.get("status.json")).isEqualTo(Files.readAllBytes(run.resolve("status.json")));
      try (var files = Files.walk(run)) {
        long regular = files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            .filter(p -> !run.relativize(p).toString().startsWith(".")).count();
        assertThat(zip).hasSize((int) regular);
      }
      assertThat(s.get("/api/runs/no_such_run/folder.zip").statusCode()).isEqualTo(404);
    }
  }
}
