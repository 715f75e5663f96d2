package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.runs.Overrides;
import io.firstspike.runs.RunExecutor;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOutcome;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.testsupport.FolderTree;
import io.firstspike.train.RunState;
import io.firstspike.train.StopFlag;
import io.firstspike.train.TrainingListener;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's resume goes through the run executor's start check: a run whose newest snapshot
 * is damaged is refused with 409 and the same line the CLI's {@code continue} prints, and its
 * folder stays byte for byte as it was (no "queued", no "failed" written over its status).
 */
@ExtendWith(VertxExtension.class)
class WorkbenchDamagedResumeTest {
  @Test
  @DisplayName("Resuming a run whose snapshot lacks the generator state is refused with 409 and changes nothing")
  void damagedSnapshotIsRefused(Vertx vertx, @TempDir Path tmp) throws Exception {
    RunFolder run = RunExecutor.prepare(new RunStore(tmp.resolve("runs")), "yy.yaml",
        WorkbenchRealExecutorTest.tinyYaml(), Overrides.none());
    RunOutcome done = new RunExecutor(true).execute(run, 1, TrainingListener.none(), new StopFlag());
    assertThat(done.state()).isEqualTo(RunState.FINISHED);
    RunStatus s = run.status().orElseThrow();
    run.writeStatus(new RunStatus(RunState.STOPPED, "stopped by user", s.createdAt(), s.updatedAt(),
        s.epochsDone(), s.epochs(), s.lastSnapshot(), s.node()));
    Path state = run.snapshotDir(2).resolve("training_state.json");
    ObjectMapper json = new ObjectMapper();
    ObjectNode tree = (ObjectNode) json.readTree(state.toFile());
    tree.remove("rng");
    Files.writeString(state, json.writeValueAsString(tree));
    SortedMap<String, String> before = FolderTree.hash(run.dir());

    try (ServerTestSupport srv = new ServerTestSupport(vertx, tmp,
        o -> o.withThreads(1).withEngine(DefaultEngine.engine(), DefaultEngine.preparer()))) {
      HttpResponse<Buffer> r = srv.post("/api/runs/" + run.id() + "/resume", null);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
      JsonObject body = r.bodyAsJsonObject();
      assertThat(body.getString("error"))
          .contains("run " + run.id() + " cannot be resumed")
          .contains(state + ": 'rng' is missing");
      assertThat(srv.run(run.id()).getString("state")).isEqualTo("stopped");
    }
    assertThat(FolderTree.hash(run.dir())).as("the run folder after the refused resume")
        .isEqualTo(before);
  }
}
