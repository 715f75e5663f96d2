package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run manager's queue, pending stops and in-memory failures live on its event loop; list and
 * get summarise runs on a worker. The worker must read a copy taken on the event loop when the
 * request arrived, never the live queue that pump() and enqueue() change meanwhile.
 */
class RunManagerSnapshotTest {
  private static final String SLOW = "epochs: 200\nbatches: 20\ndelayMs: 20\n";

  @Test
  @DisplayName("a list answered on a worker shows the queue as it was on the event loop, though pump() changed it")
  void listReadsASnapshotOfTheQueue(@TempDir Path tmp) throws Exception {
    // one worker thread, so the test can hold back the list's blocking part while the queue moves
    Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
    CountDownLatch release = new CountDownLatch(1);
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withMaxConcurrent(1))) {
      String a = s.startRun(new JsonObject().put("yaml", SLOW));
      String b = s.startRun(new JsonObject().put("yaml", SLOW));
      String c = s.startRun(new JsonObject().put("yaml", SLOW));
      s.awaitState(a, "running", 20_000);
      CountDownLatch blocked = new CountDownLatch(1);
      vertx.executeBlocking(() -> {
        blocked.countDown();
        return release.await(30, TimeUnit.SECONDS);
      }, false);
      assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();

      // the list request is handled on the event loop now (queue: b, c); its reading waits
      Future<Message<JsonObject>> list = vertx.eventBus().request(Addresses.CMD_LIST, new JsonObject());
      // then a run ends: pump() takes b off the queue before the list's worker runs (queue: c)
      vertx.eventBus().send(Addresses.RUN_ENDED, new JsonObject().put("id", a).put("state", "finished")
          .put("reason", "").put("recorded", true));
      Thread.sleep(300); // both messages are handled on the manager's event loop, in this order
      release.countDown();

      JsonObject reply = ServerTestSupport.await(list).body();
      Map<String, Integer> positions = reply.getJsonArray("runs").stream().map(JsonObject.class::cast)
          .filter(r -> r.containsKey("queuePosition"))
          .collect(Collectors.toMap(r -> r.getString("id"), r -> r.getInteger("queuePosition")));
      assertThat(positions).as("queue positions when the list was asked for")
          .containsExactlyInAnyOrderEntriesOf(Map.of(b, 0, c, 1));
    } finally {
      release.countDown();
      ServerTestSupport.await(vertx.close());
    }
  }
}
