package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker-to-head copy of a run folder ({@link FolderMirror}) without a cluster. */
class FolderMirrorTest {
  @Test
  @DisplayName("A worker's copy reaches the head: appended tails, rewritten files, whole snapshots, deletions; owner.json and hidden files stay")
  void changesReachTheHead(@TempDir Path tmp) throws Exception {
    Path head = Files.createDirectories(tmp.resolve("head"));
    Files.writeString(head.resolve("config.yaml"), "epochs: 3\n");
    Files.writeString(head.resolve("metrics.jsonl"), "{\"epoch\":1}\n");
    Files.createDirectories(head.resolve("epoch_0"));
    Files.writeString(head.resolve("epoch_0/training_state.json"), "{}");
    Files.createDirectories(head.resolve("epoch_1"));
    Files.writeString(head.resolve("epoch_1/training_state.json"), "{\"e\":1}");
    JsonObject start = FolderMirror.forStart(new io.firstspike.runs.RunFolder(head));
    assertThat(start.fieldNames()).containsExactlyInAnyOrder("config.yaml", "metrics.jsonl",
        "epoch_1/training_state.json"); // only the newest snapshot

    Path worker = Files.createDirectories(tmp.resolve("worker"));
    FolderMirror.writeStart(worker, start);
    FolderMirror.Scanner scanner = new FolderMirror.Scanner(worker);
    assertThat(changes(scanner)).as("nothing changed yet").isNull();

    Files.writeString(worker.resolve("metrics.jsonl"), "{\"epoch\":2}\n", java.nio.file.StandardOpenOption.APPEND);
    Files.createDirectories(worker.resolve("epoch_2"));
    Files.writeString(worker.resolve("epoch_2/training_state.json"), "{\"e\":2}");
    Files.writeString(worker.resolve("status.json"), "{\"state\":\"RUNNING\"}");
    Files.writeString(worker.resolve("owner.json"), "{\"pid\":1}");
    Files.writeString(worker.resolve(".status.json.123.tmp"), "x");
    JsonObject changes = changes(scanner);
    assertThat(changes.getJsonArray("files").getJsonObject(0).getLong("offset")).as("metrics: only its tail").isEqualTo(12L);
    FolderMirror.apply(head, changes);
    assertThat(Files.readString(head.resolve("metrics.jsonl"))).isEqualTo("{\"epoch\":1}\n{\"epoch\":2}\n");
    assertThat(Files.readString(head.resolve("epoch_2/training_state.json"))).isEqualTo("{\"e\":2}");
    assertThat(Files.readString(head.resolve("status.json"))).contains("RUNNING");
    assertThat(head.resolve("owner.json")).doesNotExist();
    assertThat(head.resolve(".status.json.123.tmp")).doesNotExist();

    // the engine prunes an old snapshot: the head prunes it too
    Files.delete(worker.resolve("epoch_1/training_state.json"));
    Files.delete(worker.resolve("epoch_1"));
    FolderMirror.apply(head, changes(scanner));
    assertThat(head.resolve("epoch_1")).doesNotExist();
    assertThat(head.resolve("epoch_0")).exists();
  }

  @Test
  @DisplayName("A path that leaves the run folder is refused")
  void refusesEscapingPaths(@TempDir Path tmp) {
    JsonObject bad = new JsonObject().put("files", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("path", "../evil").put("data", "")));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FolderMirror.apply(tmp, bad))
        .hasMessageContaining("outside the run folder");
  }

  /** The scanner's next change set, confirmed at once (a head that takes every message). */
  private static JsonObject changes(FolderMirror.Scanner scanner) {
    FolderMirror.Change c = scanner.next();
    if (c == null) {
      return null;
    }
    scanner.confirm(c);
    return c.body();
  }
}
