package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live stream's bounds, each checked by counting (frames encoded, bytes queued, sockets
 * closed or refused), never by timing: one encoding per message whatever the number of sockets,
 * a socket that stops reading is held to its queue and closed, the connection cap, the permitted
 * addresses, and a tab that vanishes mid-stream logs nothing.
 */
@ExtendWith(VertxExtension.class)
class StreamHubTest {
  private static final long FRAME_MS = 5_000;
  /** Up to 100 messages of 256 KiB: 25 MiB, beyond the kernel's buffers for a connection nobody reads. */
  private static final int STALL_MESSAGES = 100;
  private static final int STALL_MESSAGE_BYTES = 256 * 1024;
  /** The frame's JSON around the padding: type, address, the message's other fields. */
  private static final int FRAME_OVERHEAD = 200;

  @Test
  @DisplayName("The stream forwards run streams and nothing else, and lets nothing in")
  void outboundOnlyRunStreams(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o);
        EventBusSocket ws = new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port()))) {
      ws.register("runs.abc.batch");
      ws.register("firstspike.runs.list");
      assertError(ws.next(FRAME_MS), "access_denied");
      ws.register("runs.abc.batch.extra");
      assertError(ws.next(FRAME_MS), "access_denied");
      ws.send("send", "firstspike.runs.create", new JsonObject().put("config", "fast"));
      assertError(ws.next(FRAME_MS), "access_denied");
      ws.send("publish", "runs.abc.batch", new JsonObject());
      assertError(ws.next(FRAME_MS), "access_denied");
      awaitRegistered(vertx, ws, "runs.abc.batch");
      ws.unregister("runs.abc.batch");
      awaitStream(s.client, st -> st.getInteger("addresses") == 0, "the last socket left the address");
    }
  }

  @Test
  @DisplayName("A socket may register at most 256 addresses and send frames of at most 4 KiB")
  void inboundLimits(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o);
        EventBusSocket ws = new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port()))) {
      for (int i = 0; i < HttpVerticle.MAX_REGISTRATIONS; i++) {
        ws.register("runs.r" + i + ".state");
      }
      ws.register("runs.one-too-many.state");
      JsonObject err = ws.next(FRAME_MS);
      assertThat(err).as("an error frame").isNotNull();
      assertThat(err.getString("body")).startsWith("too_many_registrations");
      assertThat(err.getString("address")).isEqualTo("runs.one-too-many.state");
      awaitStream(s.client, x -> x.getInteger("addresses") == HttpVerticle.MAX_REGISTRATIONS, "256 addresses held");
      ws.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "z".repeat(StreamHub.MAX_INBOUND_BYTES) + "\"}");
      awaitStream(s.client, x -> x.getInteger("clients") == 0, "the socket that sent an oversized frame is closed");
    }
  }

  @Test
  @DisplayName("Each message is encoded once and the same frame goes to every registered socket")
  void encodedOncePerMessage(Vertx vertx, @TempDir Path tmp) throws Exception {
    int sockets = 12;
    int messages = 7;
    String address = "runs.enc.epoch";
    List<EventBusSocket> all = new ArrayList<>();
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      try {
        for (int i = 0; i < sockets; i++) {
          EventBusSocket ws = new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port()));
          all.add(ws);
          ws.register(address);
        }
        for (EventBusSocket ws : all) {
          awaitRegistered(vertx, ws, address);
        }
        JsonObject before = stream(s.client);
        for (int i = 0; i < messages; i++) {
          vertx.eventBus().publish(address, new JsonObject().put("n", i).put("pad", "x".repeat(10_000)));
        }
        for (EventBusSocket ws : all) {
          ws.awaitRec(address, b -> b.getInteger("n") == messages - 1, FRAME_MS);
        }
        JsonObject after = stream(s.client);
        assertThat(after.getLong("framesEncoded") - before.getLong("framesEncoded"))
            .as("encodings for %d messages to %d sockets", messages, sockets).isEqualTo(messages);
        assertThat(after.getLong("framesSent") - before.getLong("framesSent")).isEqualTo((long) messages * sockets);
        assertThat(after.getInteger("addresses")).as("one bus consumer for all sockets").isEqualTo(1);
        for (EventBusSocket ws : all) {
          long got = ws.all.stream().filter(f -> f.getJsonObject("body") != null
              && f.getJsonObject("body").getInteger("n") >= 0).count();
          assertThat(got).as("every message to a socket that reads").isEqualTo(messages);
        }
      } finally {
        all.forEach(EventBusSocket::close);
      }
    }
  }

  @Test
  @DisplayName("A socket that stops reading is held to its queue, loses superseded frames, and is closed; others and the server go on")
  void stalledSocketIsBoundedAndClosed(Vertx vertx, @TempDir Path tmp) throws Exception {
    int queueBytes = 32 * 1024;
    JsonObject config = new JsonObject()
        .put(Addresses.Keys.PORT, 0)
        .put(Addresses.Keys.RUNS_DIR, tmp.toString())
        .put(Addresses.Keys.CONFIGS_DIR, tmp.toString())
        .put(Addresses.Keys.SLOW_CLIENT_MILLIS, 1500)
        .put(Addresses.Keys.STREAM_QUEUE_BYTES, queueBytes);
    HttpVerticle http = new HttpVerticle();
    String deployment = ServerTestSupport.await(vertx.deployVerticle(http, new DeploymentOptions().setConfig(config)));
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(http.actualPort()));
    String address = "runs.stall.epoch";
    try (EventBusSocket stalled = new EventBusSocket(vertx, EventBusSocket.options(http.actualPort()));
        EventBusSocket reader = new EventBusSocket(vertx, EventBusSocket.options(http.actualPort()))) {
      stalled.register(address);
      reader.register(address);
      awaitRegistered(vertx, stalled, address);
      awaitRegistered(vertx, reader, address);
      stalled.pause(); // stop reading: the kernel's buffers fill (megabytes), then the server's queue
      String payload = "x".repeat(STALL_MESSAGE_BYTES);
      // A run keeps publishing: go on (at most STALL_MESSAGES) until the stalled socket is closed.
      int n = 0;
      for (; n < STALL_MESSAGES && stream(client).getLong("closedBehind") == 0; n++) {
        vertx.eventBus().publish(address, new JsonObject().put("n", n).put("pad", payload));
        Thread.sleep(100);
      }
      int last = n - 1;
      reader.awaitRec(address, b -> b.getInteger("n") == last, 20_000);
      JsonObject st = awaitStream(client, x -> x.getLong("closedBehind") >= 1 && x.getInteger("clients") == 1,
          "the stalled socket closed, the reader still open");
      assertThat(st.getLong("framesDropped")).as("superseded frames of the stalled socket").isPositive();
      assertThat(st.getLong("queuedBytesMax")).as("bytes ever queued for one socket")
          .isPositive()
          .isLessThanOrEqualTo(queueBytes + STALL_MESSAGE_BYTES + FRAME_OVERHEAD);
      long readerGot = reader.all.stream().filter(f -> f.getJsonObject("body") != null
          && f.getJsonObject("body").getInteger("n") >= 0).count();
      assertThat(readerGot).as("messages to the socket that reads").isPositive().isLessThanOrEqualTo(n);
      assertThat(client.get("/api/health").send().toCompletionStage().toCompletableFuture().get()
          .statusCode()).as("the server still answers").isEqualTo(200);
    } finally {
      ServerTestSupport.await(vertx.undeploy(deployment));
    }
  }

  @Test
  @DisplayName("Connections beyond --max-clients are refused with 503 until one closes")
  void connectionCap(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withMaxClients(3))) {
      List<EventBusSocket> open = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          open.add(new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port())));
        }
        assertThatThrownBy(() -> new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port())))
            .hasMessageContaining("503");
        JsonObject st = stream(s.client);
        assertThat(st.getInteger("clients")).isEqualTo(3);
        assertThat(st.getLong("refused")).isEqualTo(1);
        open.remove(0).close();
        awaitStream(s.client, x -> x.getInteger("clients") == 2, "a closed socket frees its place");
        open.add(new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port())));
        assertThat(s.get("/eventbus/websocket").statusCode()).as("a plain GET is no upgrade").isEqualTo(400);
        assertThat(s.get("/eventbus/info").statusCode()).as("no SockJS endpoints").isEqualTo(404);
      } finally {
        open.forEach(EventBusSocket::close);
      }
    }
  }

  @Test
  @DisplayName("A tab that vanishes while frames stream to it logs no error, and its place is freed")
  void vanishingTabLogsNothing(Vertx vertx, @TempDir Path tmp) throws Exception {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        // A blocked event loop is the shared machine's load, not the behaviour under test.
        if (r.getLevel().intValue() >= Level.WARNING.intValue() && !r.getLoggerName().endsWith("BlockedThreadChecker")) {
          records.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    String address = "runs.gone.batch";
    long timer = vertx.setPeriodic(5, id -> vertx.eventBus().publish(address,
        new JsonObject().put("n", id).put("pad", "y".repeat(5_000))));
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      for (int round = 0; round < 5; round++) {
        try (Socket raw = new Socket("127.0.0.1", s.workbench.port())) {
          upgrade(raw, s.workbench.port());
          sendText(raw.getOutputStream(), new JsonObject().put("type", "register").put("address", address).encode());
          raw.getInputStream().readNBytes(4096); // frames are flowing
          raw.setSoLinger(true, 0); // close with a reset, as a killed tab or a dropped network does
        }
        try (EventBusSocket polite = new EventBusSocket(vertx, EventBusSocket.options(s.workbench.port()))) {
          polite.register(address);
          polite.awaitRec(address, b -> true, FRAME_MS); // closed below with a close frame mid-stream
        }
      }
      awaitStream(s.client, x -> x.getInteger("clients") == 0, "every vanished tab removed");
      assertThat(s.get("/api/health").statusCode()).isEqualTo(200);
      vertx.cancelTimer(timer);
    } finally {
      vertx.cancelTimer(timer);
      root.removeHandler(capture);
    }
    assertThat(records).as("warnings or errors logged: %s", records.stream()
        .map(r -> r.getLoggerName() + ": " + r.getMessage() + " " + r.getThrown()).toList()).isEmpty();
  }

  private static void assertError(JsonObject frame, String body) {
    assertThat(frame).as("an error frame").isNotNull();
    assertThat(frame.getString("type")).isEqualTo("err");
    assertThat(frame.getString("body")).isEqualTo(body);
  }

  private static JsonObject stream(WebClient client) throws Exception {
    return client.get("/api/health").send().toCompletionStage().toCompletableFuture().get()
        .bodyAsJsonObject().getJsonObject("stream");
  }

  private static JsonObject awaitStream(WebClient client, java.util.function.Predicate<JsonObject> p, String what)
      throws Exception {
    long end = System.currentTimeMillis() + 15_000;
    JsonObject st = stream(client);
    while (!p.test(st)) {
      if (System.currentTimeMillis() > end) {
        throw new AssertionError("not within 15 s: " + what + "; stream stats " + st.encode());
      }
      Thread.sleep(50);
      st = stream(client);
    }
    return st;
  }

  /** Registration is asynchronous: publish probes (n = -1) until one arrives. */
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

  /** The client half of the WebSocket handshake on a plain socket. */
  private static void upgrade(Socket raw, int port) throws Exception {
    String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    String req = "GET " + HttpVerticle.WEBSOCKET_PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    raw.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
    InputStream in = raw.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new AssertionError("connection closed during the handshake: " + head);
      }
      head.append((char) c);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 101");
  }

  /** One masked text frame (clients must mask; a zero mask leaves the bytes as they are). */
  private static void sendText(OutputStream out, String text) throws Exception {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    assertThat(b.length).isLessThan(126);
    out.write(new byte[] {(byte) 0x81, (byte) (0x80 | b.length), 0, 0, 0, 0});
    out.write(b);
    out.flush();
  }
}
