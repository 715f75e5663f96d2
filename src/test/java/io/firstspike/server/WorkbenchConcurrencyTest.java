package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class WorkbenchConcurrencyTest {
  private static final long TIMEOUT_MS = 20_000;
  /** 3 epochs of 10 batches of 20 ms: about 0.6 s each. */
  private static final String SHORT = "epochs: 3\nbatches: 10\ndelayMs: 20\n";

  @Test
  @DisplayName("With maxConcurrent 2, two runs train at once and a third waits in the queue")
  void twoAtOnce(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withMaxConcurrent(2))) {
      List<String> ids = List.of(
          s.startRun(new JsonObject().put("yaml", SHORT)),
          s.startRun(new JsonObject().put("yaml", SHORT)),
          s.startRun(new JsonObject().put("yaml", SHORT)));
      JsonObject third = s.run(ids.get(2));
      assertThat(third.getString("state")).isEqualTo("queued");
      assertThat(third.getInteger("queuePosition")).isZero();
      for (String id : ids) {
        s.awaitState(id, "finished", TIMEOUT_MS);
      }
      assertThat(s.engine.maxRunning.get()).as("trainings at the same time").isEqualTo(2);
      assertThat(s.engine.executions.get()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("With maxConcurrent 1 runs train one after another; a queued run can be stopped before it starts")
  void oneAtATime(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withMaxConcurrent(1))) {
      String a = s.startRun(new JsonObject().put("yaml", SHORT));
      String b = s.startRun(new JsonObject().put("yaml", SHORT));
      String c = s.startRun(new JsonObject().put("yaml", SHORT));
      assertThat(s.post("/api/runs/" + b + "/stop", null).bodyAsJsonObject().getString("state")).isEqualTo("stopped");
      assertThat(s.run(b).getString("reason")).isEqualTo("stopped before it started");
      assertThat(s.post("/api/runs/" + c + "/resume", null).statusCode()).as("already queued").isEqualTo(409);
      s.awaitState(a, "finished", TIMEOUT_MS);
      s.awaitState(c, "finished", TIMEOUT_MS);
      assertThat(s.engine.maxRunning.get()).isEqualTo(1);
      assertThat(s.engine.executions.get()).as("the stopped run never trained").isEqualTo(2);
    }
  }
}
