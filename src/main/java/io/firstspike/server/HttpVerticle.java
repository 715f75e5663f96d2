package io.firstspike.server;

import io.firstspike.runs.RunStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;
import java.util.List;

/**
 * The REST API (see docs/API.md), the static page, WebJars and the live stream for browsers.
 * Holds no run state: every API call is a request to the run manager over the event bus.
 *
 * <p>The live stream is one WebSocket at {@value #EVENTBUS_PATH}{@code /websocket}, served by the
 * {@link StreamHub}: it lets out only addresses matching {@link Addresses#OUTBOUND_REGEX} and
 * lets nothing in; it needs the token (if any) and an allowed Origin, and refuses upgrades beyond
 * {@code maxClients} with 503.
 */
public final class HttpVerticle extends VerticleBase {
  public static final String EVENTBUS_PATH = "/eventbus";
  /** The live stream's WebSocket. */
  public static final String WEBSOCKET_PATH = EVENTBUS_PATH + "/websocket";
  /** The stream drops a socket that has not pinged for {@link #PING_TIMEOUT_MILLIS}. */
  public static final long CLIENT_PING_MILLIS = 5_000;
  static final long PING_TIMEOUT_MILLIS = 15_000;
  /** Largest accepted request body: 1 MiB, larger ones get 413. */
  public static final long MAX_BODY_BYTES = 1L << 20;
  /** Range of the metrics endpoint's {@code points}: the decimated batch lines in one answer. */
  static final int MIN_POINTS = 10;
  static final int MAX_POINTS = 100_000;
  /** Largest {@code width} of the metrics endpoint: a bucket of 2^40 steps is more than any run. */
  static final long MAX_WIDTH = 1L << 40;
  private static final DeliveryOptions SLOW = new DeliveryOptions().setSendTimeout(60_000);

  /** Addresses one socket may register: the runs page watches the state of every active run. */
  static final int MAX_REGISTRATIONS = 256;
  /** Bytes one socket may have in flight (written, not yet sent to the network): a few batch frames. */
  static final int STREAM_QUEUE_BYTES = 64 * 1024;
  /** Frames that may wait for a socket that is behind (one per address, plus state changes). */
  static final int STREAM_MAX_PENDING = 64;

  private StreamHub hub;
  private HttpServer server;
  private ApiSecurity security;
  private ConfigLibrary configs;
  private Path runsDir;

  /** The port the server listens on (the chosen one when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    QuietLogs.install();
    JsonObject c = config();
    String host = c.getString(Addresses.Keys.HOST, Addresses.Keys.DEFAULT_HOST);
    int port = c.getInteger(Addresses.Keys.PORT, Addresses.Keys.DEFAULT_PORT);
    List<String> origins = c.getJsonArray(Addresses.Keys.ALLOWED_ORIGINS, new JsonArray()).stream()
        .map(Object::toString).toList();
    List<String> allowedHosts = c.getJsonArray(Addresses.Keys.ALLOWED_HOSTS, new JsonArray()).stream()
        .map(Object::toString).toList();
    String tlsCert = c.getString(Addresses.Keys.TLS_CERT);
    security = new ApiSecurity(c.getString(Addresses.Keys.TOKEN), hostRule(host, allowedHosts), origins,
        tlsCert != null, new TokenThrottle());
    configs = new ConfigLibrary(Path.of(c.getString(Addresses.Keys.CONFIGS_DIR, Addresses.Keys.DEFAULT_CONFIGS_DIR)));
    runsDir = Path.of(c.getString(Addresses.Keys.RUNS_DIR, Addresses.Keys.DEFAULT_RUNS_DIR)).toAbsolutePath().normalize();

    hub = new StreamHub(vertx, new StreamHub.Limits(
        c.getInteger(Addresses.Keys.MAX_CLIENTS, Addresses.Keys.DEFAULT_MAX_CLIENTS),
        MAX_REGISTRATIONS,
        c.getInteger(Addresses.Keys.STREAM_QUEUE_BYTES, STREAM_QUEUE_BYTES),
        STREAM_MAX_PENDING,
        c.getLong(Addresses.Keys.SLOW_CLIENT_MILLIS, Addresses.Keys.DEFAULT_SLOW_CLIENT_MILLIS),
        PING_TIMEOUT_MILLIS));

    Router router = Router.router(vertx);
    router.get("/api/health").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")
        .put("tokenRequired", security.tokenRequired()).put("droppedFrames", hub.droppedFrames())
        .put("stream", hub.stats())));
    router.post("/api/login").handler(security::requireJsonBody); // before its body handler
    router.post("/api/login").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(security::login);
    router.route("/api/*").handler(security::requireToken).handler(security::checkOriginForMutations)
        .handler(security::requireJsonBody);
    // A route of its own: Vert.x Web wants body handlers before user handlers within one route.
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.get("/api/meta").handler(ctx -> ctx.json(Addresses.meta()));
    router.get("/api/configs").handler(this::listConfigsHandler);
    router.get("/api/configs/:name").handler(this::getConfigHandler);
    router.post("/api/runs").handler(this::createRunHandler);
    router.get("/api/runs").handler(ctx -> ask(ctx, Addresses.CMD_LIST, new JsonObject(), 200));
    router.get("/api/runs/:id").handler(this::getRunHandler);
    router.get("/api/runs/:id/metrics").handler(this::metricsHandler);
    router.get("/api/runs/:id/activity").handler(new ActivityFiles(vertx, runsDir)::handle);
    router.post("/api/runs/:id/stop").handler(ctx -> withId(ctx, Addresses.CMD_STOP, new JsonObject()));
    router.post("/api/runs/:id/resume").handler(ctx -> withId(ctx, Addresses.CMD_RESUME, new JsonObject()));
    router.post("/api/runs/:id/evaluate").handler(ctx -> withId(ctx, Addresses.CMD_EVALUATE, new JsonObject(), 202));
    router.get("/api/runs/:id/plots").handler(ctx -> withId(ctx, Addresses.CMD_PLOTS, new JsonObject()));
    router.get("/api/runs/:id/plots/:file").handler(new PlotFiles(vertx, runsDir)::handle);
    RunIdentity identity = new RunIdentity(vertx, runsDir);
    router.get("/api/run-params").handler(identity::params);
    router.get("/api/runs/:id/meta").handler(identity::get);
    router.post("/api/runs/:id/meta").handler(identity::update);
    router.post("/api/runs/:id/delete").handler(identity::delete);
    router.post("/api/sweeps").handler(ctx -> jsonBodyTo(ctx, Addresses.CMD_SWEEP_CREATE, 201, "{\"config\": \"yin_yang\", \"sweep\": \"parameters: ...\"}"));
    router.get("/api/sweeps").handler(ctx -> ask(ctx, Addresses.CMD_SWEEP_LIST, new JsonObject(), 200));
    router.get("/api/sweeps/:id").handler(ctx -> withId(ctx, Addresses.CMD_SWEEP_GET, new JsonObject()));
    router.post("/api/sweeps/:id/stop").handler(ctx -> withId(ctx, Addresses.CMD_SWEEP_STOP, new JsonObject()));
    RunDownloads downloads = new RunDownloads(vertx, runsDir);
    router.get("/api/runs/:id/plots.zip").handler(downloads::plots);
    router.get("/api/runs/:id/network.zip").handler(downloads::network);
    router.get("/api/runs/:id/folder.zip").handler(downloads::folder);
    router.route("/api/*").handler(ctx -> HttpErrors.send(ctx, 404, "no endpoint " + ctx.request().method()
        + " " + ctx.normalizedPath() + "; see docs/API.md"));

    router.route(EVENTBUS_PATH + "/*").handler(security::requireToken).handler(security::checkOrigin)
        .handler(this::streamHandler);
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route("/*").handler(StaticHandler.create("webroot"));
    router.route().failureHandler(this::failureHandler);

    // Inbound WebSocket frames are small commands. No compression: it would deflate every frame
    // once per socket, undoing the single encoding of the hub.
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
        .setMaxWebSocketFrameSize(StreamHub.MAX_INBOUND_BYTES)
        .setMaxWebSocketMessageSize(StreamHub.MAX_INBOUND_BYTES)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
    if (tlsCert != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tlsCert)
          .setKeyPath(c.getString(Addresses.Keys.TLS_KEY)));
    }
    server = vertx.createHttpServer(options);
    return server.requestHandler(req -> security.screen(req, router)).listen();
  }

  @Override
  public Future<?> stop() {
    if (hub != null) {
      hub.close();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * The Host header rule: on when bound to a loopback literal or when host names are allowed
   * explicitly; then loopback literals, the bind address (unless 0.0.0.0 or ::) and the allowed
   * names pass. Off (null) for a public address without allowed names, where the token guards.
   */
  static HostRule hostRule(String bindHost, List<String> allowedHosts) {
    if (!HostRule.isLoopbackLiteral(bindHost) && allowedHosts.isEmpty()) {
      return null;
    }
    List<String> names = new java.util.ArrayList<>(allowedHosts);
    try {
      String bind = HostRule.canonicalName(bindHost);
      if (!bind.equals("0.0.0.0") && !bind.equals("[0:0:0:0:0:0:0:0]")) {
        names.add(bindHost);
      }
    } catch (IllegalArgumentException e) {
      // not a host name (the bind itself will fail): only the other names pass
    }
    return new HostRule(names);
  }

  private void createRunHandler(RoutingContext ctx) {
    jsonBodyTo(ctx, Addresses.CMD_CREATE, 201, "{\"config\": \"yin_yang\"}");
  }

  /** Sends the request's JSON object body to {@code address}; 400 with {@code example} if it is none. */
  private void jsonBodyTo(RoutingContext ctx, String address, int okStatus, String example) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      HttpErrors.send(ctx, 400, "body must be a JSON object: " + e.getMessage());
      return;
    }
    if (body == null) {
      HttpErrors.send(ctx, 400, "body must be a JSON object such as " + example);
      return;
    }
    ask(ctx, address, body, okStatus);
  }

  /**
   * Any name {@code GET /api/runs} lists can be fetched, run id or not (a folder whose name is no
   * run id is a damaged run, and its summary says why); only names that are no plain folder name
   * are a 400.
   */
  private void getRunHandler(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!RunMessages.isPlainName(id)) {
      HttpErrors.send(ctx, 400, "invalid run id '" + id + "': expected a folder name of the runs folder");
      return;
    }
    JsonObject q = new JsonObject().put("id", id);
    try {
      Boolean batches = boolParam(ctx, "batches");
      if (batches != null) {
        q.put("batches", batches);
      }
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    ask(ctx, Addresses.CMD_GET, q, 200);
  }

  private void metricsHandler(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    try {
      q.put("since", longParam(ctx, "since", -1, -1, Long.MAX_VALUE));
      q.put("points", (int) longParam(ctx, "points", BatchDecimator.MAX_POINTS, MIN_POINTS, MAX_POINTS));
      q.put("width", longParam(ctx, "width", 1, 1, MAX_WIDTH));
      for (String flag : List.of("activity", "batches", "epochs")) {
        Boolean value = boolParam(ctx, flag);
        if (value != null) {
          q.put(flag, value);
        }
      }
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    withId(ctx, Addresses.CMD_METRICS, q);
  }

  private void listConfigsHandler(RoutingContext ctx) {
    vertx.executeBlocking(() -> new JsonObject().put("configs", configs.list()), false)
        .onSuccess(ctx::json)
        .onFailure(e -> HttpErrors.send(ctx, 500, e.getMessage()));
  }

  private void getConfigHandler(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!ConfigLibrary.isValidName(name)) {
      HttpErrors.send(ctx, 400, "invalid config name '" + name + "': letters, digits, '.', '_', '+', '-' only");
      return;
    }
    vertx.executeBlocking(() -> configs.read(name), false).onSuccess(text -> {
      if (text.isEmpty()) {
        HttpErrors.send(ctx, 404, "no config '" + name + "'; GET /api/configs lists them");
      } else {
        ctx.json(new JsonObject().put("name", name).put("yaml", text.get()));
      }
    }).onFailure(e -> HttpErrors.send(ctx, 500, e.getMessage()));
  }

  /** Upgrades {@value #WEBSOCKET_PATH} to the live stream, within the connection cap. */
  private void streamHandler(RoutingContext ctx) {
    if (!WEBSOCKET_PATH.equals(ctx.normalizedPath())) {
      HttpErrors.send(ctx, 404, "the live stream is a WebSocket at " + WEBSOCKET_PATH);
      return;
    }
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      HttpErrors.send(ctx, 400, WEBSOCKET_PATH + " needs a WebSocket upgrade (Upgrade: websocket)");
      return;
    }
    if (!hub.hasRoom()) {
      hub.refused();
      ctx.response().putHeader("Retry-After", "10");
      HttpErrors.send(ctx, 503, "too many live connections: the workbench serves at most "
          + hub.limits().maxClients() + " (serve --max-clients); close other tabs or try again later");
      return;
    }
    hub.upgrading();
    ctx.request().toWebSocket().onComplete(ar -> {
      if (ar.succeeded()) {
        hub.accept(ar.result());
      } else {
        hub.upgradeFailed();
      }
    });
  }

  private void withId(RoutingContext ctx, String address, JsonObject body) {
    withId(ctx, address, body, 200);
  }

  private void withId(RoutingContext ctx, String address, JsonObject body, int okStatus) {
    String id = ctx.pathParam("id");
    if (!RunStore.isValidId(id)) {
      HttpErrors.send(ctx, 400, RunMessages.invalidId(id));
      return;
    }
    ask(ctx, address, body.put("id", id), okStatus);
  }

  private void ask(RoutingContext ctx, String address, JsonObject body, int okStatus) {
    vertx.eventBus().<JsonObject>request(address, body, SLOW).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().setStatusCode(okStatus);
        ctx.json(ar.result().body());
      } else {
        HttpErrors.fromReply(ctx, ar.cause());
      }
    });
  }

  private void failureHandler(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String message = switch (status) {
      case 413 -> "request body larger than " + MAX_BODY_BYTES + " bytes";
      case 404 -> "not found: " + ctx.normalizedPath();
      default -> ctx.failure() != null ? String.valueOf(ctx.failure().getMessage()) : "request failed";
    };
    HttpErrors.send(ctx, status, message);
  }

  /** Absent = null (the API's default), else true or false; anything else is a 400. */
  private static Boolean boolParam(RoutingContext ctx, String name) {
    List<String> v = ctx.queryParam(name);
    if (v.isEmpty()) {
      return null;
    }
    return switch (v.get(0).trim()) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v.get(0) + "'");
    };
  }

  /**
   * A whole-number query parameter in [min, max] (absent: {@code dflt}). Parsed exactly, so a
   * value beyond the range, even beyond a long, is a 400 naming the range, never wrapped.
   */
  private static long longParam(RoutingContext ctx, String name, long dflt, long min, long max) {
    List<String> v = ctx.queryParam(name);
    if (v.isEmpty()) {
      return dflt;
    }
    String text = v.get(0).trim();
    java.math.BigInteger x;
    try {
      x = new java.math.BigInteger(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + v.get(0) + "'");
    }
    if (x.compareTo(java.math.BigInteger.valueOf(min)) < 0 || x.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got "
          + (text.length() > 40 ? text.substring(0, 40) + "..." : text));
    }
    return x.longValueExact();
  }
}
