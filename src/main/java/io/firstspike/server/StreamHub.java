package io.firstspike.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live stream to browsers, in place of the SockJS bridge's per-socket forwarding. Speaks the
 * bridge's JSON frames on one WebSocket: in {@code register}, {@code unregister} (addresses
 * matching {@link Addresses#OUTBOUND_REGEX} only) and {@code ping}; out
 * {@code {"type":"rec","address":...,"body":...}} and {@code {"type":"err","body":...}}.
 *
 * <p>Bounded by construction, whatever the number or speed of the browsers:
 * <ul>
 *   <li>one event-bus consumer per address however many sockets registered it (kept
 *       {@link #IDLE_UNSUBSCRIBE_MILLIS} after the last one left), and each message
 *       encoded once into a Buffer that every socket writes (no per-socket copy or encoding);
 *   <li>per socket at most {@link Limits#queueBytes} in flight and a queue of at most
 *       {@link Limits#maxPending} frames where only the newest batch and epoch frame of an address
 *       wait (see {@link StreamClient}); a socket behind for {@link Limits#slowCloseMillis}, or
 *       silent (no ping) for {@link Limits#pingTimeoutMillis}, is closed and the page reconnects;
 *   <li>at most {@link Limits#maxClients} sockets (503 beyond), {@link Limits#maxRegistrations}
 *       addresses per socket, inbound frames of at most {@link #MAX_INBOUND_BYTES} bytes.
 * </ul>
 * The training publishes on the event bus and never waits for a socket. Confined to the HTTP
 * verticle's event loop: every handler here runs there.
 */
final class StreamHub {
  private static final Logger LOG = Logger.getLogger(StreamHub.class.getName());

  /** Largest inbound frame: register/unregister/ping frames are well under 1 KiB. */
  static final int MAX_INBOUND_BYTES = 4096;

  /** WebSocket close code 1013 "try again later": the page reconnects with backoff. */
  static final short CLOSE_BEHIND = 1013;
  /** WebSocket close code 1001 "going away": no ping for too long, or the server stops. */
  static final short CLOSE_SILENT = 1001;
  /** WebSocket close code 1008 "policy violation": a frame the hub does not accept. */
  static final short CLOSE_POLICY = 1008;

  /**
   * @param maxClients sockets open at once; the next upgrade gets 503
   * @param maxRegistrations addresses one socket may register
   * @param queueBytes bytes one socket may have in flight (written, not yet sent to the network)
   * @param maxPending frames a socket that is behind may have waiting before it is closed
   * @param slowCloseMillis how long a socket may stay behind before it is closed
   * @param pingTimeoutMillis how long a socket may stay silent before it is closed
   */
  record Limits(int maxClients, int maxRegistrations, int queueBytes, int maxPending, long slowCloseMillis,
      long pingTimeoutMillis) {
    Limits {
      if (maxClients < 1) {
        throw new IllegalArgumentException("maxClients must be at least 1, got " + maxClients);
      }
    }
  }

  private final Vertx vertx;
  private final Limits limits;
  private final Set<StreamClient> clients = new LinkedHashSet<>();
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  private final long timer;
  private int upgrading;
  private long framesEncoded;
  private long framesSent;
  private long framesDropped;
  private long closedBehind;
  private long closedSilent;
  private long refused;
  private long maxQueuedBytes;

  /**
   * How long an address keeps its consumer after its last socket left: a reloading page comes
   * back within it, and unregistering while messages are under way makes Vert.x log a warning
   * for each of them.
   */
  static final long IDLE_UNSUBSCRIBE_MILLIS = 5_000;

  /** The sockets registered on one address, and the one consumer that feeds them. */
  private static final class Subscription {
    final Set<StreamClient> clients = new LinkedHashSet<>();
    MessageConsumer<Object> consumer;
    /** When the last socket left (ms), or -1 while it has sockets. */
    long idleSince = -1;
  }

  StreamHub(Vertx vertx, Limits limits) {
    this.vertx = vertx;
    this.limits = limits;
    long period = Math.max(100, Math.min(1000, Math.min(limits.slowCloseMillis(), limits.pingTimeoutMillis()) / 4));
    this.timer = vertx.setPeriodic(period, id -> sweep());
  }

  Limits limits() {
    return limits;
  }

  /** True if one more socket may open; the caller then calls {@link #upgrading()} and {@link #accept}. */
  boolean hasRoom() {
    return clients.size() + upgrading < limits.maxClients();
  }

  /** Counts a connection refused for the cap. */
  void refused() {
    refused++;
  }

  /** An upgrade is under way: it counts against the cap until {@link #accept} or {@link #upgradeFailed}. */
  void upgrading() {
    upgrading++;
  }

  void upgradeFailed() {
    upgrading--;
  }

  /** Takes over an upgraded socket. */
  void accept(ServerWebSocket ws) {
    upgrading--;
    StreamClient c = new StreamClient(ws, limits.queueBytes(), now());
    clients.add(c);
    ws.textMessageHandler(text -> inbound(c, text));
    ws.binaryMessageHandler(b -> inbound(c, b.toString(StandardCharsets.UTF_8)));
    // A frame over the size limit or a reset connection: close quietly, the page reconnects.
    ws.exceptionHandler(e -> {
      LOG.log(Level.FINE, "stream socket failed", e);
      close(c, CLOSE_POLICY, "bad frame: " + e.getMessage());
    });
    ws.closeHandler(v -> remove(c));
  }

  /** Counters for {@code GET /api/health}. */
  JsonObject stats() {
    long sent = framesSent;
    long queued = 0;
    for (StreamClient c : clients) {
      sent += c.sent;
      queued = Math.max(queued, c.inFlight);
      maxQueuedBytes = Math.max(maxQueuedBytes, c.maxInFlight);
    }
    return new JsonObject()
        .put("clients", clients.size())
        .put("maxClients", limits.maxClients())
        .put("addresses", subscriptions.values().stream().filter(x -> !x.clients.isEmpty()).count())
        .put("framesEncoded", framesEncoded)
        .put("framesSent", sent)
        .put("framesDropped", framesDropped)
        .put("closedBehind", closedBehind)
        .put("closedSilent", closedSilent)
        .put("refused", refused)
        .put("queuedBytesNow", queued)
        .put("queuedBytesMax", maxQueuedBytes)
        .put("queueBytesLimit", limits.queueBytes());
  }

  /** Frames dropped so far (superseded while a socket was behind, or lost with a closed socket). */
  long droppedFrames() {
    return framesDropped;
  }

  /** Closes every socket and unsubscribes: the HTTP verticle is stopping. */
  void close() {
    vertx.cancelTimer(timer);
    for (StreamClient c : new ArrayList<>(clients)) {
      close(c, CLOSE_SILENT, "server stopping");
    }
    subscriptions.values().forEach(s -> s.consumer.unregister());
    subscriptions.clear();
  }

  private void inbound(StreamClient c, String text) {
    if (c.closing) {
      return;
    }
    c.lastHeard = now();
    if (text.length() > MAX_INBOUND_BYTES) {
      close(c, CLOSE_POLICY, "frame larger than " + MAX_INBOUND_BYTES + " bytes");
      return;
    }
    JsonObject f;
    try {
      f = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      error(c, "invalid_json", null);
      return;
    }
    String type = String.valueOf(f.getValue("type"));
    Object a = f.getValue("address");
    String address = a instanceof String s ? s : null;
    switch (type) {
      case "ping" -> { }
      case "register" -> register(c, address);
      case "unregister" -> {
        if (address != null && c.addresses.remove(address)) {
          leave(c, address);
        }
      }
      // The page sends nothing on the bus: commands go through the REST API.
      default -> error(c, "access_denied", address);
    }
  }

  private void register(StreamClient c, String address) {
    if (address == null || !Addresses.OUTBOUND.matcher(address).matches()) {
      error(c, "access_denied", address);
      return;
    }
    if (c.addresses.contains(address)) {
      return;
    }
    if (c.addresses.size() >= limits.maxRegistrations()) {
      error(c, "too_many_registrations: at most " + limits.maxRegistrations() + " per connection", address);
      return;
    }
    c.addresses.add(address);
    Subscription s = subscriptions.get(address);
    if (s == null) {
      Subscription created = new Subscription();
      created.consumer = vertx.eventBus().consumer(address, m -> publish(address, created, m.body()));
      subscriptions.put(address, created);
      s = created;
    }
    s.clients.add(c);
    s.idleSince = -1;
  }

  /** One message from the bus: encoded once, the same bytes offered to every registered socket. */
  private void publish(String address, Subscription s, Object body) {
    if (s.clients.isEmpty()) {
      return;
    }
    Buffer bytes = new JsonObject().put("type", "rec").put("address", address).put("body", body).toBuffer();
    framesEncoded++;
    // Batches and epochs are superseded by newer ones (the page backfills the gap over HTTP);
    // state changes are each delivered.
    boolean latestOnly = !address.endsWith("." + Addresses.STATE);
    StreamClient.Frame frame = new StreamClient.Frame(address, bytes, latestOnly);
    long now = now();
    List<StreamClient> over = null;
    for (StreamClient c : s.clients) {
      int dropped = c.offer(frame, limits.maxPending(), now);
      if (dropped < 0) {
        (over == null ? over = new ArrayList<>() : over).add(c);
      } else {
        framesDropped += dropped;
      }
    }
    if (over != null) {
      for (StreamClient c : over) {
        closedBehind++;
        close(c, CLOSE_BEHIND, "too far behind: more than " + limits.maxPending() + " frames waiting");
      }
    }
  }

  /** Closes sockets that stayed behind or silent too long, and retries the queues of the others. */
  private void sweep() {
    long now = now();
    for (StreamClient c : new ArrayList<>(clients)) {
      c.flush();
      if (c.behindSince >= 0 && now - c.behindSince > limits.slowCloseMillis()) {
        closedBehind++;
        close(c, CLOSE_BEHIND, "behind for more than " + limits.slowCloseMillis() + " ms");
      } else if (now - c.lastHeard > limits.pingTimeoutMillis()) {
        closedSilent++;
        close(c, CLOSE_SILENT, "no ping for " + limits.pingTimeoutMillis() + " ms");
      }
    }
    subscriptions.values().removeIf(s -> {
      boolean idle = s.idleSince >= 0 && now - s.idleSince > IDLE_UNSUBSCRIBE_MILLIS;
      if (idle) {
        s.consumer.unregister();
      }
      return idle;
    });
  }

  private void error(StreamClient c, String message, String address) {
    JsonObject err = new JsonObject().put("type", "err").put("body", message);
    if (address != null) {
      err.put("address", address);
    }
    c.offer(new StreamClient.Frame("", err.toBuffer(), false), limits.maxPending(), now());
  }

  /**
   * Stops feeding the client and closes its socket. A client that does not read may never take
   * the close frame: the shutdown's timeout then closes the connection, which frees its queue.
   */
  private void close(StreamClient c, short code, String reason) {
    if (c.closing) {
      return;
    }
    remove(c);
    if (!c.ws.isClosed()) {
      c.ws.shutdown(2, TimeUnit.SECONDS, code, reason);
    }
  }

  private void remove(StreamClient c) {
    c.closing = true;
    if (!clients.remove(c)) {
      return;
    }
    framesSent += c.sent;
    framesDropped += c.discard();
    maxQueuedBytes = Math.max(maxQueuedBytes, c.maxInFlight);
    for (String address : c.addresses) {
      leave(c, address);
    }
    c.addresses.clear();
  }

  /** The client leaves an address; when the last one left, the sweep unsubscribes it later. */
  private void leave(StreamClient c, String address) {
    Subscription s = subscriptions.get(address);
    if (s != null && s.clients.remove(c) && s.clients.isEmpty()) {
      s.idleSince = now();
    }
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }
}
