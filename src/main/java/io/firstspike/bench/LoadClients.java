package io.firstspike.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Browser stand-ins for the load benchmark, on a Vert.x of their own in the benchmark's JVM (the
 * server runs in another): each opens the live stream's WebSocket, pings like the page, registers
 * a run's three streams and reads every frame, counting frames and bytes. Stalled ones register
 * and then stop reading, like a frozen tab.
 */
final class LoadClients implements AutoCloseable {
  /** Characters of a frame's start searched for its address. */
  private static final int HEAD = 160;
  private static final String PING = new JsonObject().put("type", "ping").encode();

  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient client;
  private final List<WebSocket> reading = new ArrayList<>();
  private final List<WebSocket> stalled = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  final AtomicLong frames = new AtomicLong();
  final AtomicLong epochFrames = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong closedByServer = new AtomicLong();

  LoadClients(int connections) {
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(Math.max(1, connections))
        .setMaxFrameSize(4 << 20)
        .setMaxMessageSize(4 << 20));
  }

  /** Opens {@code readers} reading and {@code frozen} stalled sockets, pinging every {@code pingMillis}. */
  void connect(int port, int readers, int frozen, long pingMillis) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket");
    List<Future<WebSocket>> all = new ArrayList<>();
    for (int i = 0; i < readers + frozen; i++) {
      all.add(client.connect(o));
    }
    await(Future.all(all));
    for (int i = 0; i < all.size(); i++) {
      WebSocket ws = all.get(i).result();
      (i < readers ? reading : stalled).add(ws);
      ws.binaryMessageHandler(b -> count(b.length(), b.getString(0, Math.min(b.length(), HEAD))));
      ws.textMessageHandler(t -> count(t.length(), t.substring(0, Math.min(t.length(), HEAD))));
      ws.closeHandler(v -> closedByServer.incrementAndGet());
      timers.add(vertx.setPeriodic(pingMillis, id -> {
        if (!ws.isClosed()) {
          ws.writeTextMessage(PING);
        }
      }));
      ws.writeTextMessage(PING);
    }
  }

  /** Registers every socket on the run's batch, epoch and state streams; stalled ones then stop reading. */
  void register(String runId) {
    List<Future<Void>> writes = new ArrayList<>();
    for (List<WebSocket> group : List.of(reading, stalled)) {
      for (WebSocket ws : group) {
        for (String kind : List.of("batch", "epoch", "state")) {
          writes.add(ws.writeTextMessage(new JsonObject().put("type", "register")
              .put("address", "runs." + runId + "." + kind).encode()));
        }
      }
    }
    await(Future.all(writes));
    stalled.forEach(WebSocket::pause);
  }

  int readers() {
    return reading.size();
  }

  /** A frame starts {"type":"rec","address":"runs.<id>.<kind>": its head names the stream. */
  private void count(int length, String head) {
    frames.incrementAndGet();
    bytes.addAndGet(length);
    if (head.contains(".epoch\"")) {
      epochFrames.incrementAndGet();
    }
  }

  @Override
  public void close() {
    timers.forEach(vertx::cancelTimer);
    List<Future<Void>> closes = new ArrayList<>();
    for (WebSocket ws : reading) {
      closes.add(ws.close());
    }
    for (WebSocket ws : stalled) {
      ws.resume();
      closes.add(ws.close());
    }
    try {
      Future.join(closes).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the server may have closed them already
    }
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("load clients: " + e.getMessage(), e);
    }
  }
}
