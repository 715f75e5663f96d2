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
      vertx.eventBus().publish("runs.abc.batch", new JsonObject().put("x", 1));
      JsonObject rec = ws.awaitRec("runs.abc.batch", b -> b.getInteger("x") == 1, FRAME_MS);
      assertThat(rec).isNotNull();
    }
  }
}
