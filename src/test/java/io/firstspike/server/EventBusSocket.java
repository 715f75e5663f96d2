package io.firstspike.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser stand-in: the live stream's WebSocket ({@code /eventbus/websocket}) speaking its JSON
 * frames, pinging like the page must.
 */
final class EventBusSocket implements AutoCloseable {
  final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  final List<JsonObject> all = new CopyOnWriteArrayList<>();
  private final WebSocketClient client;
  private final WebSocket socket;
  private final long pinger;
  private final Vertx vertx;

  EventBusSocket(Vertx vertx, WebSocketConnectOptions options) {
    this.vertx = vertx;
    // Frames up to 1 MiB: the stream writes each message as one frame, and tests send big ones.
    this.client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
    this.socket = ServerTestSupport.await(client.connect(options));
    // The server writes its JSON frames as binary WebSocket messages (UTF-8 text inside).
    socket.textMessageHandler(this::onFrame);
    socket.binaryMessageHandler(b -> onFrame(b.toString(java.nio.charset.StandardCharsets.UTF_8)));
    pinger = vertx.setPeriodic(HttpVerticle.CLIENT_PING_MILLIS, id -> socket.writeTextMessage("{\"type\":\"ping\"}"));
  }

  private void onFrame(String text) {
    JsonObject f = new JsonObject(text);
    all.add(f);
    frames.add(f);
  }

  static WebSocketConnectOptions options(int port) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI(HttpVerticle.EVENTBUS_PATH + "/websocket");
  }

  void register(String address) {
    ServerTestSupport.await(socket.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode()));
  }

  void unregister(String address) {
    ServerTestSupport.await(socket.writeTextMessage(new JsonObject().put("type", "unregister").put("address", address).encode()));
  }

  /** A text frame as given (the write may fail if the server closes the socket for it). */
  void sendRaw(String text) {
    socket.writeTextMessage(text);
  }

  void send(String type, String address, JsonObject body) {
    ServerTestSupport.await(socket.writeTextMessage(
        new JsonObject().put("type", type).put("address", address).put("body", body).encode()));
  }

  /** Stops reading from the connection, like a browser tab that stalls. */
  void pause() {
    socket.pause();
  }

  /** The next frame within {@code ms}, or null. */
  JsonObject next(long ms) throws InterruptedException {
    return frames.poll(ms, TimeUnit.MILLISECONDS);
  }

  /** Waits for a "rec" frame on {@code address} whose body satisfies the predicate. */
  JsonObject awaitRec(String address, java.util.function.Predicate<JsonObject> body, long ms)
      throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    for (JsonObject f : all) {
      if ("rec".equals(f.getString("type")) && address.equals(f.getString("address")) && body.test(f.getJsonObject("body"))) {
        return f;
      }
    }
    while (System.currentTimeMillis() < end) {
      JsonObject f = frames.poll(end - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
      if (f != null && "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
          && body.test(f.getJsonObject("body"))) {
        return f;
      }
    }
    throw new AssertionError("no frame on " + address + " matching within " + ms + " ms; got " + all.size() + " frames: "
        + all.stream().limit(5).toList());
  }

  @Override
  public void close() {
    vertx.cancelTimer(pinger);
    socket.resume(); // a paused socket would never read the server's close frame
    if (socket.isClosed()) { // the server closed it (a test of that)
      ServerTestSupport.await(client.close());
    } else {
      ServerTestSupport.await(socket.close().eventually(client::close));
    }
  }
}
