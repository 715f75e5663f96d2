package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class BatchRateTest {
  private static final long TIMEOUT_MS = 20_000;
  /** Allowed extra messages over rate x duration: the first window and the final flush. */
  private static final int SLACK = 2;

  @Test
  @DisplayName("Batch messages are sampled to at most 10 per second per run and the last batch always arrives")
  void sampledToTenPerSecond(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      // 400 batches at 1 ms: hundreds of batches per second from the engine.
      List<JsonObject> received = new CopyOnWriteArrayList<>();
      String yaml = "epochs: 2\nbatches: 200\ndelayMs: 1\n";
      long t0 = System.nanoTime();
      String id = s.startRun(new JsonObject().put("yaml", yaml));
      ServerTestSupport.await(vertx.eventBus().<JsonObject>consumer(Addresses.batch(id), m -> received.add(m.body()))
          .completion());
      s.awaitState(id, "finished", TIMEOUT_MS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long deadline = System.currentTimeMillis() + 2_000;
      while (received.stream().noneMatch(b -> b.getLong("step") == 399) && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertThat(received.size()).as("messages in %.2f s", seconds)
          .isLessThanOrEqualTo((int) Math.ceil(seconds * Addresses.Keys.DEFAULT_BATCH_RATE) + SLACK)
          .isLessThan(400 / 4);
      assertThat(received.get(received.size() - 1).getLong("step")).as("the last batch is delivered").isEqualTo(399);
      List<Long> steps = received.stream().map(b -> b.getLong("step")).toList();
      assertThat(steps).as("in order").isSorted();
    }
  }

  @Test
  @DisplayName("Epoch messages are sampled to at most 4 per second per run and the last epoch always arrives")
  void epochsSampled(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      // 80 epochs of 2 batches at 1 ms: dozens of epochs per second from the engine.
      List<JsonObject> received = new CopyOnWriteArrayList<>();
      String yaml = "epochs: 80\nbatches: 2\ndelayMs: 1\n";
      long t0 = System.nanoTime();
      String id = s.startRun(new JsonObject().put("yaml", yaml));
      ServerTestSupport.await(vertx.eventBus().<JsonObject>consumer(Addresses.epoch(id), m -> received.add(m.body()))
          .completion());
      s.awaitState(id, "finished", TIMEOUT_MS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long deadline = System.currentTimeMillis() + 2_000;
      while (received.stream().noneMatch(e -> epoch(e) == 80) && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      double perSecond = 1000.0 / TrainingVerticle.EPOCH_MESSAGE_MILLIS;
      assertThat(received.size()).as("messages in %.2f s", seconds)
          .isLessThanOrEqualTo((int) Math.ceil(seconds * perSecond) + SLACK)
          .isLessThan(80 / 2);
      assertThat(epoch(received.get(received.size() - 1))).as("the last epoch is delivered").isEqualTo(80);
      assertThat(received.stream().map(BatchRateTest::epoch).toList()).as("in order").isSorted();
    }
  }

  private static int epoch(JsonObject e) {
    return e.getJsonObject("metrics").getInteger("epoch");
  }
}
