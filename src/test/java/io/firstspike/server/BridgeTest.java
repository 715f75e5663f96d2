package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class BridgeTest {
  private static final long FRAME_MS = 3_000;
  /** 64 messages of 256 KiB: 16 MiB, far beyond the socket buffers of a connection nobody reads. */
  private static final int STALL_MESSAGES = 64;
  private static final int STALL_MESSAGE_BYTES = 256 * 1024;

  @Test
  @DisplayName("The bridge forwards run streams and nothing else, and lets nothing in")
  void outboundOnlyRunStreams(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o);
        EventBusSocket ws = new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port()))) {
      ws.register("runs.abc.batch");
      ws.register("firstspike.runs.list");
      JsonObject denied = ws.next(FRAME_MS);
      assertThat(denied).as("an error frame for the command address").isNotNull();
      assertThat(denied.getString("type")).isEqualTo("err");
      assertThat(denied.getString("body")).isEqualTo("access_denied");
      awaitRegistered(vertx, ws, "runs.abc.batch");
    }
  }

  @Test
  @DisplayName("Messages for a browser that stops reading are dropped instead of buffered")
  void stalledBrowserIsDropped(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o);
        EventBusSocket ws = new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port()))) {
      ws.register("runs.stall.epoch");
      awaitRegistered(vertx, ws, "runs.stall.epoch");
      ws.pause(); // stop reading: the server's socket buffers fill up
      String payload = "x".repeat(STALL_MESSAGE_BYTES);
      for (int i = 0; i < STALL_MESSAGES; i++) {
        vertx.eventBus().publish("runs.stall.epoch", new JsonObject().put("n", i).put("pad", payload));
      }
      long end = System.currentTimeMillis() + 10_000;
      long dropped = 0;
      while (dropped == 0 && System.currentTimeMillis() < end) {
        Thread.sleep(50);
        dropped = s.get("/api/health").bodyAsJsonObject().getLong("droppedFrames");
      }
      assertThat(dropped).as("frames dropped for the stalled socket").isPositive();
    }
  }

  /** Registration is asynchronous on the server: publish probes until one arrives. */
  private static void awaitRegistered(Vertx vertx, EventBusSocket ws, String address) throws InterruptedException {
    long end = System.currentTimeMillis() + FRAME_MS;
    while (System.currentTimeMillis() < end) {
      vertx.eventBus().publish(address, new JsonObject().put("n", -1));
      if (ws.all.stream().anyMatch(f -> address.equals(f.getString("address")))) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no frame on " + address + " within " + FRAME_MS + " ms");
  }
}
