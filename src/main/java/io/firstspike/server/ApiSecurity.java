package io.firstspike.server;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The workbench's guards, as route handlers.
 *
 * <ul>
 *   <li>Token: when one is configured, every API call and the WebSocket must carry it as
 *       {@code Authorization: Bearer <token>} or as the {@value #COOKIE} cookie that
 *       {@code POST /api/login} sets (browsers cannot add headers to a WebSocket). Compared in
 *       constant time; wrong tokens slow their client down ({@link TokenThrottle}: 429 with
 *       {@code Retry-After}). Over TLS the cookie is {@code Secure}.
 *   <li>Origin: a browser request that changes something (any method but GET/HEAD) or opens the
 *       event bus must come from the server's own origin (same scheme, and host and port as the
 *       Host header) or a configured one; requests without an Origin header (curl, tests) pass.
 *       Stops other web pages from driving the workbench.
 *   <li>Host: when the server is bound to loopback (or allowed host names are configured) the
 *       Host header must pass {@link HostRule}, so a DNS-rebinding page (evil.example resolving
 *       to 127.0.0.1) cannot pass as "same origin".
 * </ul>
 */
final class ApiSecurity {
  static final String COOKIE = "firstspike_token";
  /** Characters of a Host value (RFC 3986 authority without user info or percent-encoding). */
  private static final Pattern HOST_CHARS = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:\\[\\]-]*");

  private final byte[] token;
  private final HostRule hosts;
  private final List<String> allowedOrigins;
  private final boolean tls;
  private final TokenThrottle throttle;

  /**
   * @param token required token, null for none
   * @param hosts the Host header rule, null to accept any Host (bound to a public address with a
   *     token, and no allowed host names given)
   * @param allowedOrigins extra allowed origins ({@code scheme://host[:port]})
   * @param tls the server speaks HTTPS (the cookie gets {@code Secure}, origins must be https)
   */
  ApiSecurity(String token, HostRule hosts, List<String> allowedOrigins, boolean tls, TokenThrottle throttle) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.hosts = hosts;
    this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    this.tls = tls;
    this.throttle = throttle;
  }

  boolean tokenRequired() {
    return token != null;
  }

  /**
   * The checks every request passes before the router sees it. A URI with a malformed percent
   * escape ({@code /api/runs/%zz}) gets 400 here: the router would fail on it and log a stack
   * trace. Then the Host header (DNS rebinding): a Host with
   * characters a host name never has gets 400 (so no percent sign or non-ASCII character reaches
   * Vert.x's own Host parser, which throws on them in 5.0.7: the request would hang unanswered
   * and log a stack trace); then, with a {@link HostRule}, a Host it refuses gets 403.
   */
  void screen(HttpServerRequest req, Handler<HttpServerRequest> next) {
    String host = hostHeader(req);
    if (!validEscapes(req.uri())) {
      HttpErrors.send(req.response(), 400, "malformed percent-encoding in the request URI (a '%' must be"
          + " followed by two hex digits)");
    } else if (host != null && !HOST_CHARS.matcher(host).matches()) {
      HttpErrors.send(req.response(), 400, "Host header " + HttpErrors.quote(host) + " is not a host name");
    } else if (hosts != null && (host == null || !hosts.accepts(host))) {
      HttpErrors.send(req.response(), 403, "Host header must name this machine (localhost, 127.0.0.1, [::1],"
          + " the --host address or an --allowed-host name), got " + (host == null ? "none or several" : HttpErrors.quote(host)));
    } else {
      next.handle(req);
    }
  }

  /** Token check for the API and the bridge. */
  void requireToken(RoutingContext ctx) {
    if (token == null) {
      ctx.next();
      return;
    }
    String client = TokenThrottle.clientKey(ctx.request().remoteAddress() == null ? null
        : ctx.request().remoteAddress().hostAddress());
    if (tooManyFailures(ctx, client)) {
      return;
    }
    String presented = presentedToken(ctx);
    if (matches(presented)) {
      throttle.succeeded(client);
      ctx.next();
      return;
    }
    if (presented != null) {
      throttle.failed(client);
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    HttpErrors.send(ctx, 401, "missing or wrong token: send 'Authorization: Bearer <token>' or log in with POST /api/login");
  }

  /** Origin check for state-changing API calls. */
  void checkOriginForMutations(RoutingContext ctx) {
    HttpMethod m = ctx.request().method();
    if (m == HttpMethod.GET || m == HttpMethod.HEAD) {
      ctx.next();
    } else {
      checkOrigin(ctx);
    }
  }

  /**
   * A request with a body must declare it as JSON. The only bodies a page of another origin can
   * send without a CORS preflight are text/plain, form and multipart ones, so this refuses every
   * "simple" cross-site write even if a Host or Origin check were ever wrong (defence in depth).
   */
  void requireJsonBody(RoutingContext ctx) {
    HttpServerRequest r = ctx.request();
    String length = r.getHeader("Content-Length");
    boolean hasBody = r.getHeader("Transfer-Encoding") != null || (length != null && !length.trim().equals("0"));
    if (!hasBody || isJson(r.getHeader("Content-Type"))) {
      ctx.next();
    } else {
      HttpErrors.send(ctx, 415, "request bodies must be JSON: send them with Content-Type: application/json");
    }
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return type.equalsIgnoreCase("application/json");
  }

  /** Origin check for the event-bus bridge (and mutations). */
  void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || isAllowedOrigin(origin, hostHeader(ctx.request()))) {
      ctx.next();
    } else {
      HttpErrors.send(ctx, 403, "origin " + HttpErrors.quote(origin) + " is not allowed; use the page served by this server");
    }
  }

  /** {@code POST /api/login} with {"token": "..."}: sets the HttpOnly cookie, 204; 401 if wrong. */
  void login(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      HttpErrors.send(ctx, 400, "body must be JSON {\"token\": \"...\"}");
      return;
    }
    Object value = body == null ? null : body.getValue("token");
    String presented = value instanceof String s ? s : null;
    if (token != null) {
      String client = TokenThrottle.clientKey(ctx.request().remoteAddress() == null ? null
          : ctx.request().remoteAddress().hostAddress());
      if (tooManyFailures(ctx, client)) {
        return;
      }
      if (!matches(presented)) {
        throttle.failed(client);
        HttpErrors.send(ctx, 401, "wrong token");
        return;
      }
      throttle.succeeded(client);
      ctx.response().addCookie(Cookie.cookie(COOKIE, presented).setHttpOnly(true).setSecure(tls)
          .setSameSite(CookieSameSite.STRICT).setPath("/"));
    }
    ctx.response().setStatusCode(204).end();
  }

  /**
   * True if {@code origin} is a configured origin, or the server's own: same scheme as the
   * server, same host (canonical, see {@link HostRule}) and port as the Host header, default
   * ports counted.
   */
  boolean isAllowedOrigin(String origin, String hostHeader) {
    String o = origin.toLowerCase(Locale.ROOT);
    if (allowedOrigins.contains(o)) {
      return true;
    }
    String scheme = tls ? "https" : "http";
    if (hostHeader == null || !o.startsWith(scheme + "://")) {
      return false;
    }
    HostRule.Authority from = HostRule.parseAuthority(o.substring(scheme.length() + 3));
    HostRule.Authority to = HostRule.parseAuthority(hostHeader);
    int defaultPort = tls ? 443 : 80;
    return from != null && to != null && from.host().equals(to.host())
        && (from.port() < 0 ? defaultPort : from.port()) == (to.port() < 0 ? defaultPort : to.port());
  }

  private boolean tooManyFailures(RoutingContext ctx, String client) {
    long wait = throttle.retryAfterMillis(client);
    if (wait <= 0) {
      return false;
    }
    long seconds = (wait + 999) / 1000;
    ctx.response().putHeader("Retry-After", Long.toString(seconds));
    HttpErrors.send(ctx, 429, "too many wrong tokens from this address; try again in " + seconds + " s");
    return true;
  }

  /**
   * The Host header's value when the request has exactly one (HTTP/1.x), or the authority of an
   * HTTP/2 request; null otherwise.
   */
  private static String hostHeader(HttpServerRequest r) {
    if (r.version() == HttpVersion.HTTP_2) {
      HostAndPort a = r.authority();
      return a == null ? null : a.host() + (a.port() >= 0 ? ":" + a.port() : "");
    }
    List<String> values = r.headers().getAll("Host");
    return values.size() == 1 ? values.get(0) : null;
  }

  /** True if every '%' in {@code uri} starts an escape of two hex digits. */
  static boolean validEscapes(String uri) {
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || !isHex(uri.charAt(i + 1)) || !isHex(uri.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private String presentedToken(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    Cookie c = ctx.request().getCookie(COOKIE);
    return c == null ? null : c.getValue();
  }

  private boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
  }
}
