package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run manager owns a run's deletion: between its check of the run's state and the end of the
 * folder's removal nothing may start on the run (a resume, an evaluation), and a deletion is
 * refused while something is about to start on it. Before the manager decided it, the HTTP layer
 * checked the state and then deleted, and a resume in between queued a training into a folder
 * being removed.
 */
@ExtendWith(VertxExtension.class)
class RunDeletionRaceTest {
  private static final long TIMEOUT_MS = 30_000;
  /**
   * Empty files that make the deletion last long enough (a tenth of a second and more) for requests
   * sent while it runs to be answered before it ends. Named to sort last: removed first (the walk deletes in
   * reverse order), so config, status and snapshots stay intact until the end.
   */
  private static final int FILLER_FILES = 5_000;

  @Test
  @DisplayName("a resume or an evaluation asked for while a run's folder is being deleted is refused, and nothing trains in it")
  void resumeDuringDeletionIsRefused(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = stoppedRunWithSnapshot(s);
      Path run = s.runsDir.resolve(id);
      Path removedFirst = fill(run);

      Future<HttpResponse<Buffer>> deleting = s.client.post("/api/runs/" + id + "/delete")
          .sendJsonObject(new JsonObject().put("confirm", id));
      awaitDeletionBegun(run, removedFirst);

      HttpResponse<Buffer> resumed = s.post("/api/runs/" + id + "/resume", null);
      HttpResponse<Buffer> evaluated = s.post("/api/runs/" + id + "/evaluate", null);
      HttpResponse<Buffer> deleted = ServerTestSupport.await(deleting);

      assertRefused(resumed);
      assertRefused(evaluated);
      assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(200);
      Thread.sleep(300); // a training queued by mistake would create files in the folder by now
      assertThat(run).doesNotExist();
      assertThat(s.get("/api/runs/" + id).statusCode()).isEqualTo(404);
      assertThat(s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs")).isEmpty();
    }
  }

  @Test
  @DisplayName("a change of a run's name, notes or tags asked for while its folder is being deleted answers 409 (or 404 once gone), never 500, and the folder is removed")
  void metaUpdateDuringDeletionIsRefused(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = s.finishedRun("fast", TIMEOUT_MS);
      Path run = s.runsDir.resolve(id);
      Path removedFirst = fill(run);

      Future<HttpResponse<Buffer>> deleting = s.client.post("/api/runs/" + id + "/delete")
          .sendJsonObject(new JsonObject().put("confirm", id));
      awaitDeletionBegun(run, removedFirst);

      // several, so that some are handled while the folder is being removed and some after
      java.util.List<HttpResponse<Buffer>> updates = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        updates.add(s.post("/api/runs/" + id + "/meta", new JsonObject().put("name", "renamed " + i)));
      }
      HttpResponse<Buffer> deleted = ServerTestSupport.await(deleting);

      for (HttpResponse<Buffer> r : updates) {
        assertRefused(r);
        assertThat(r.bodyAsString()).as("one line").doesNotContain("\n");
      }
      assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(200);
      assertThat(run).doesNotExist();
      HttpResponse<Buffer> after = s.post("/api/runs/" + id + "/meta", new JsonObject().put("name", "late"));
      assertThat(after.statusCode()).as(after.bodyAsString()).isEqualTo(404);
      assertThat(run).as("a late update does not bring the folder back").doesNotExist();
    }
  }

  @Test
  @DisplayName("a deletion asked for while a resume of the run is under way is refused, and the resume goes on")
  void deletionDuringResumeIsRefused(@TempDir Path tmp) throws Exception {
    // one worker thread, so the test can hold back both requests' look-ups and release them in order
    Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
    CountDownLatch release = new CountDownLatch(1);
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = stoppedRunWithSnapshot(s);
      CountDownLatch blocked = new CountDownLatch(1);
      vertx.executeBlocking(() -> {
        blocked.countDown();
        return release.await(30, TimeUnit.SECONDS);
      }, false);
      assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();

      JsonObject q = new JsonObject().put("id", id);
      Future<Message<JsonObject>> resume = vertx.eventBus().request(Addresses.CMD_RESUME, q);
      Thread.sleep(100); // the resume's look-up is queued on the worker before the deletion's
      Future<Message<JsonObject>> delete = vertx.eventBus().request(Addresses.CMD_DELETE, q);
      Thread.sleep(100);
      release.countDown();

      assertThat(ServerTestSupport.await(resume).body().getString("state")).isEqualTo("queued");
      ReplyException refused = failure(delete);
      assertThat(refused.failureCode()).isEqualTo(409);
      assertThat(refused.getMessage()).contains("run " + id + " is being resumed");
      assertThat(s.runsDir.resolve(id).resolve("config.yaml")).exists();
      s.post("/api/runs/" + id + "/stop", null);
      s.awaitState(id, "stopped", TIMEOUT_MS);
    } finally {
      release.countDown();
      ServerTestSupport.await(vertx.close());
    }
  }

  @Test
  @DisplayName("a run the evaluator has announced cannot be deleted until the evaluation has ended")
  void deletionWaitsForTheEvaluationToEnd(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      String id = s.finishedRun("fast", TIMEOUT_MS);
      JsonObject q = new JsonObject().put("id", id);
      // what the EvaluationVerticle sends before it evaluates a run and when the evaluation ends
      ServerTestSupport.await(vertx.eventBus().request(Addresses.EVALUATION_BEGIN, q));

      ReplyException refused = failure(vertx.eventBus().request(Addresses.CMD_DELETE, q));
      assertThat(refused.failureCode()).isEqualTo(409);
      assertThat(refused.getMessage()).contains("is being evaluated");
      assertThat(s.runsDir.resolve(id)).isDirectory();

      vertx.eventBus().send(Addresses.EVALUATION_ENDED, q);
      JsonObject deleted = ServerTestSupport.await(vertx.eventBus().<JsonObject>request(Addresses.CMD_DELETE, q)).body();
      assertThat(deleted).isEqualTo(new JsonObject().put("id", id).put("deleted", true));
      assertThat(s.runsDir.resolve(id)).doesNotExist();
    }
  }

  /** Fills the run with FILLER_FILES empty files; returns the one the deletion removes first. */
  private static Path fill(Path run) throws java.io.IOException {
    Path filler = Files.createDirectory(run.resolve("zzz_filler"));
    for (int i = 0; i < FILLER_FILES; i++) {
      Files.createFile(filler.resolve(String.format("f%05d", i)));
    }
    return filler.resolve(String.format("f%05d", FILLER_FILES - 1));
  }

  /** Waits until the deletion has removed its first file, and checks it has not ended. */
  private static void awaitDeletionBegun(Path run, Path removedFirst) throws InterruptedException {
    long end = System.currentTimeMillis() + TIMEOUT_MS;
    while (Files.exists(removedFirst) && System.currentTimeMillis() < end) {
      Thread.sleep(1);
    }
    assertThat(removedFirst).as("the deletion has begun").doesNotExist();
    assertThat(run.resolve("status.json")).as("and is still going on").exists();
  }

  /** A stopped run of the slow config with at least one snapshot, so resume and evaluate accept it. */
  private static String stoppedRunWithSnapshot(ServerTestSupport s) throws InterruptedException {
    String id = s.startRun(new JsonObject().put("config", "slow"));
    long end = System.currentTimeMillis() + TIMEOUT_MS;
    while (s.run(id).getJsonArray("snapshots").isEmpty() && System.currentTimeMillis() < end) {
      Thread.sleep(20);
    }
    s.post("/api/runs/" + id + "/stop", null);
    JsonObject stopped = s.awaitState(id, "stopped", TIMEOUT_MS);
    assertThat(stopped.getJsonArray("snapshots")).isNotEmpty();
    return id;
  }

  /** Refused because the run is being deleted, or not found because it is gone already. */
  private static void assertRefused(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isIn(404, 409);
    if (r.statusCode() == 409) {
      assertThat(r.bodyAsJsonObject().getString("error")).contains("is being deleted");
    }
  }

  private static ReplyException failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(ServerTestSupport.AWAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ReplyException.class);
      return (ReplyException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failed reply");
  }
}
