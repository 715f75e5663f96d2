package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.runs.Overrides;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.firstspike.train.RunState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker node ({@link ClusterWorkerVerticle}) in one Vert.x with a head made of three consumers
 * (files, claim, run ended) that answers each file message {@link #REPLY_DELAY_MS} late, as a
 * busy head does: the run's last file message, sent on the training thread, is answered after its
 * training verticle is undeployed. The reply must still count: the head hears of the end within
 * seconds, never after the 30 s request timeout.
 */
class ClusterWorkerVerticleTest {
  /** Long enough for the training's end and its undeployment to come before the reply. */
  private static final long REPLY_DELAY_MS = 300;
  /** Well under the outbox's 30 s request timeout, well over the run's own second or so. */
  private static final long ENDED_WITHIN_MS = 10_000;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("A reply to the last file message that comes after the training verticle is undeployed still reaches the outbox: the run ends in seconds")
  void lateReplyToTheLastFileMessageCounts(@TempDir Path tmp) throws Exception {
    RunFolder run = FakeEngine.prepare(new RunStore(tmp.resolve("head")), "w",
        "epochs: 2\nbatches: 3\ndelayMs: 1\n", Overrides.none());
    String node = "n1";
    AtomicInteger claims = new AtomicInteger();
    CompletableFuture<JsonObject> ended = new CompletableFuture<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.CLUSTER_FILES, m -> vertx.executeBlocking(
        () -> FolderMirror.apply(run.dir(), m.body().getJsonObject("changes")))
        .onComplete(ar -> vertx.setTimer(REPLY_DELAY_MS, t -> m.reply(new JsonObject().put("bytes", ar.result())))));
    vertx.eventBus().<JsonObject>consumer(Addresses.CLUSTER_CLAIM, m -> {
      claims.incrementAndGet();
      vertx.executeBlocking(() -> new JsonObject().put("listing", FolderMirror.listing(run.dir())))
          .onComplete(ar -> m.reply(ar.result()));
    });
    vertx.eventBus().<JsonObject>consumer(Addresses.RUN_ENDED, m -> ended.complete(m.body()));
    vertx.deployVerticle(new ClusterWorkerVerticle(new FakeEngine(), node, 1, 1, tmp.resolve("work")))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    long t0 = System.currentTimeMillis();
    vertx.eventBus().request(Addresses.clusterStart(node),
        new JsonObject().put("id", run.id()).put("files", FolderMirror.forStart(run)))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    JsonObject end = ended.get(ENDED_WITHIN_MS, TimeUnit.MILLISECONDS);
    long took = System.currentTimeMillis() - t0;

    assertThat(end.getString("node")).isEqualTo(node);
    assertThat(run.requireStatus().state()).as("the head's copy").isEqualTo(RunState.FINISHED);
    assertThat(Files.readAllLines(run.dir().resolve(RunFolder.METRICS))).hasSize(2);
    assertThat(claims.get()).as("no message failed, so nothing was claimed").isZero();
    System.out.println("run ended on the head after " + took + " ms");
  }
}
