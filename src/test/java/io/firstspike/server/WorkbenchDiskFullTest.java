package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.runs.RunFolder;
import io.firstspike.train.RunState;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk ({@link FakeDisk}) at each point of a run's life: the run ends up failed with the
 * write's error (in the API and on its state stream), stop answers what it can, and once there is
 * space again resume queues it and it finishes, all without restarting the server.
 */
@ExtendWith(VertxExtension.class)
class WorkbenchDiskFullTest {
  private static final long TIMEOUT_MS = 30_000;
  private static final String NO_SPACE = "No space left on device";

  /** Every state message the server publishes, captured on the bus. */
  private static List<JsonObject> stateMessages(Vertx vertx) {
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      String address = ctx.message().address();
      if (address.startsWith(Addresses.RUNS_PREFIX) && address.endsWith("." + Addresses.STATE)
          && ctx.message().body() instanceof JsonObject body) {
        seen.add(body);
      }
      ctx.next();
    });
    return seen;
  }

  private static void awaitPublished(List<JsonObject> seen, String id, String state, String reasonPart) {
    long end = System.currentTimeMillis() + TIMEOUT_MS;
    while (System.currentTimeMillis() < end) {
      if (seen.stream().anyMatch(m -> id.equals(m.getString("id")) && state.equals(m.getString("state"))
          && m.getString("reason", "").contains(reasonPart))) {
        return;
      }
      sleep(20);
    }
    throw new AssertionError("no " + state + " message for " + id + " with '" + reasonPart + "'; got " + seen);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Fills the disk at the first write matching {@code when} during a "fast" run, then checks the
   * failure, stop, resume on a full disk, and resume with space again.
   */
  private static void failsThenResumes(Vertx vertx, Path tmp, Predicate<FakeDisk.Write> when, String failedFile)
      throws Exception {
    List<JsonObject> seen = stateMessages(vertx);
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      s.engine.disk.fillWhen(when);
      String id = s.startRun(new JsonObject().put("config", "fast"));
      JsonObject failed = s.awaitState(id, "failed", TIMEOUT_MS);
      assertThat(failed.getString("reason")).contains("cannot write").contains(failedFile).contains(NO_SPACE);
      assertThat(s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs").getJsonObject(0).getString("state"))
          .isEqualTo("failed");
      awaitPublished(seen, id, "failed", NO_SPACE);

      HttpResponse<Buffer> stop = s.post("/api/runs/" + id + "/stop", null);
      assertThat(stop.statusCode()).isEqualTo(409);
      assertThat(stop.bodyAsJsonObject().getString("error")).contains("is failed").contains("resume");
      HttpResponse<Buffer> stillFull = s.post("/api/runs/" + id + "/resume", null);
      assertThat(stillFull.statusCode()).isEqualTo(500);
      assertThat(stillFull.bodyAsJsonObject().getString("error")).contains(NO_SPACE);
      assertThat(s.run(id).getString("state")).isEqualTo("failed");

      s.engine.disk.free();
      HttpResponse<Buffer> resume = s.post("/api/runs/" + id + "/resume", null);
      assertThat(resume.statusCode()).as(resume.bodyAsString()).isEqualTo(200);
      JsonObject done = s.awaitState(id, "finished", TIMEOUT_MS);
      assertThat(done.getInteger("epochsDone")).isEqualTo(2);
      assertThat(done.getString("reason")).isEmpty();
    }
  }

  @Test
  @DisplayName("Disk full when the training starts (its first status write): failed, then resumed and finished")
  void atStart(Vertx vertx, @TempDir Path tmp) throws Exception {
    failsThenResumes(vertx, tmp, w -> w.status() != null && w.status().state() == RunState.RUNNING,
        RunFolder.STATUS);
  }

  @Test
  @DisplayName("Disk full mid-training (a batch line of epoch 2): failed, then resumed and finished")
  void midTraining(Vertx vertx, @TempDir Path tmp) throws Exception {
    failsThenResumes(vertx, tmp, w -> w.file().equals(RunFolder.BATCHES) && w.step() == 15, RunFolder.BATCHES);
  }

  @Test
  @DisplayName("Disk full at the end (the finished status): failed, then resumed and finished")
  void atEnd(Vertx vertx, @TempDir Path tmp) throws Exception {
    failsThenResumes(vertx, tmp, w -> w.status() != null && w.status().state() == RunState.FINISHED,
        RunFolder.STATUS);
  }

  @Test
  @DisplayName("Disk full at queue time: create answers 500 and leaves no run; a queued run stopped on a full disk is failed, then resumes")
  void atQueueTime(Vertx vertx, @TempDir Path tmp) throws Exception {
    List<JsonObject> seen = stateMessages(vertx);
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      s.engine.disk.fill();
      HttpResponse<Buffer> create = s.post("/api/runs", new JsonObject().put("config", "fast"));
      assertThat(create.statusCode()).isEqualTo(500);
      assertThat(create.bodyAsJsonObject().getString("error")).contains(NO_SPACE);
      assertThat(s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs")).isEmpty();
      s.engine.disk.free();

      String slow = s.startRun(new JsonObject().put("config", "slow"));
      String queued = s.startRun(new JsonObject().put("config", "fast"));
      assertThat(s.run(queued).getString("state")).isEqualTo("queued");
      s.engine.disk.fillWhen(w -> w.status() != null && w.status().state() == RunState.STOPPED
          && w.run().id().equals(queued));
      HttpResponse<Buffer> stop = s.post("/api/runs/" + queued + "/stop", null);
      assertThat(stop.statusCode()).isEqualTo(200);
      assertThat(stop.bodyAsJsonObject().getString("state")).isEqualTo("failed");
      assertThat(stop.bodyAsJsonObject().getString("reason")).contains(NO_SPACE);
      JsonObject failed = s.run(queued);
      assertThat(failed.getString("state")).isEqualTo("failed");
      assertThat(failed.containsKey("queuePosition")).isFalse();
      awaitPublished(seen, queued, "failed", NO_SPACE);

      // the disk is full for everyone: the training run fails at its next write as well
      assertThat(s.awaitState(slow, "failed", TIMEOUT_MS).getString("reason")).contains(NO_SPACE);
      s.engine.disk.free();
      assertThat(s.post("/api/runs/" + queued + "/resume", null).statusCode()).isEqualTo(200);
      s.awaitState(queued, "finished", TIMEOUT_MS);
    }
  }
}
