package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, bug 11: an evaluation of a running run reads one snapshot, whatever the training
 * does to the run folder meanwhile, and says which epoch it was. The training's snapshot cycle is
 * played by the test: as soon as the evaluation reports its first progress, a newer snapshot
 * appears and the evaluated one is deleted, as a running run's checkpoint pruning does (before
 * the fix the evaluation then missed the snapshot's curve files and drew fewer plots).
 */
@ExtendWith(VertxExtension.class)
class EvaluationSnapshotTest {
  private static final long TIMEOUT_MS = 180_000;

  @Test
  @DisplayName("Evaluating a run whose snapshot is replaced mid-evaluation draws every plot of that snapshot and names its epoch")
  void oneConsistentSnapshot(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp,
        o -> o.withThreads(1).withEngine(DefaultEngine.engine(), DefaultEngine.preparer()))) {
      // A wider hidden layer than the tiny config's: inference takes long enough to be overtaken.
      String yaml = WorkbenchRealExecutorTest.tinyYaml().replace("layer_sizes: [10, 3]", "layer_sizes: [200, 3]");
      String id = s.startRun(new JsonObject().put("yaml", yaml).put("overrides", new JsonObject().put("epochs", 1)));
      s.awaitState(id, "finished", TIMEOUT_MS);
      Path run = s.runsDir.resolve(id);
      Path evaluated = run.resolve("epoch_1");
      assertThat(evaluated).isDirectory();

      BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
      boolean[] replaced = {false};
      var consumer = vertx.eventBus().<JsonObject>consumer(Addresses.state(id), m -> {
        JsonObject e = m.body().getJsonObject("evaluation");
        if (e == null) {
          return;
        }
        if (!replaced[0] && "evaluate".equals(e.getString("phase"))) {
          replaced[0] = true;
          // the training saves epoch 2, then prunes the checkpoint of epoch 1
          copyTree(evaluated, run.resolve("epoch_2"));
          deleteTree(evaluated);
        }
        events.add(e);
      });
      ServerTestSupport.await(consumer.completion());
      try {
        assertThat(s.post("/api/runs/" + id + "/evaluate", null).statusCode()).isEqualTo(202);
        JsonObject done = awaitEnd(events);
        assertThat(replaced[0]).isTrue();
        assertThat(done.getString("phase")).as(done.encode()).isEqualTo("done");
        assertThat(done.getInteger("epoch")).as("the snapshot evaluated").isEqualTo(1);
        List<String> files = done.getJsonArray("files").stream().map(Object::toString).toList();
        JsonObject listing = s.get("/api/runs/" + id + "/plots").bodyAsJsonObject();

        // The same snapshot, now as epoch 2 and left alone: the same plots.
        assertThat(s.post("/api/runs/" + id + "/evaluate", null).statusCode()).isEqualTo(202);
        JsonObject again = awaitEnd(events);
        assertThat(again.getString("phase")).as(again.encode()).isEqualTo("done");
        assertThat(again.getInteger("epoch")).isEqualTo(2);
        assertThat(files).as("plots of the evaluation overtaken by the training; its notes: %s", done.getJsonArray("notes"))
            .containsExactlyElementsOf(again.getJsonArray("files").stream().map(Object::toString).toList());
        assertThat(done.getJsonArray("notes").encode()).doesNotContain("firstspike-eval-");
        assertThat(listing.getInteger("epoch")).as("the listing named the epoch too").isEqualTo(1);
        assertThat(listing.getString("evaluatedAt")).isNotBlank();
      } finally {
        ServerTestSupport.await(consumer.unregister());
      }
    }
  }

  private static JsonObject awaitEnd(BlockingQueue<JsonObject> events) throws InterruptedException {
    long end = System.currentTimeMillis() + TIMEOUT_MS;
    while (System.currentTimeMillis() < end) {
      JsonObject e = events.poll(1, TimeUnit.SECONDS);
      if (e != null && ("done".equals(e.getString("phase")) || "failed".equals(e.getString("phase")))) {
        return e;
      }
    }
    throw new AssertionError("no end of the evaluation in " + TIMEOUT_MS + " ms");
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
