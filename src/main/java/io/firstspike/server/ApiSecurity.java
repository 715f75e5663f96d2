package io.firstspike.server;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The workbench's guards, as route handlers.
 *
 * <ul>
 *   <li>Token: when one is configured, every API call and the WebSocket must carry it as
 *       {@code Authorization: Bearer <token>} or as the {@value #COOKIE} cookie that
 *       {@code POST /api/login} sets (browsers cannot add headers to a WebSocket). Compared in
 *       constant time.
 *   <li>Origin: a browser request that changes something (any method but GET/HEAD) or opens the
 *       event bus must come from the server's own origin or a configured one; requests without an
 *       Origin header (curl, tests) pass. Stops other web pages from driving the workbench.
 *   <li>Host: when bound to loopback the Host header must name loopback too, so a DNS-rebinding
 *       page (evil.example resolving to 127.0.0.1) cannot pass as "same origin".
 * </ul>
 */
final class ApiSecurity {
  static final String COOKIE = "firstspike_token";
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

  private final byte[] token;
  private final boolean loopbackOnly;
  private final List<String> allowedOrigins;

  /**
   * @param token required token, null for none
   * @param loopbackOnly the server is bound to a loopback address
   * @param allowedOrigins extra allowed origins ({@code scheme://host[:port]})
   */
  ApiSecurity(String token, boolean loopbackOnly, List<String> allowedOrigins) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.loopbackOnly = loopbackOnly;
    this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
  }

  boolean tokenRequired() {
    return token != null;
  }

  /** Host header check (DNS rebinding), for every request. */
  void checkHost(RoutingContext ctx) {
    HostAndPort authority = ctx.request().authority();
    if (loopbackOnly && (authority == null || !isLoopbackName(authority.host()))) {
      HttpErrors.send(ctx, 403, "Host header must name this machine (localhost or 127.0.0.1), got "
          + (authority == null ? "none" : authority.host()));
      return;
    }
    ctx.next();
  }

  /** Token check for the API and the bridge. */
  void requireToken(RoutingContext ctx) {
    if (token == null || matches(presentedToken(ctx))) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      HttpErrors.send(ctx, 401, "missing or wrong token: send 'Authorization: Bearer <token>' or log in with POST /api/login");
    }
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

  /** Origin check for the event-bus bridge (and mutations). */
  void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || isAllowedOrigin(origin, ctx.request().authority())) {
      ctx.next();
    } else {
      HttpErrors.send(ctx, 403, "origin " + origin + " is not allowed; use the page served by this server");
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
    String presented = body == null ? null : body.getString("token");
    if (token != null && !matches(presented)) {
      HttpErrors.send(ctx, 401, "wrong token");
      return;
    }
    if (token != null) {
      ctx.response().addCookie(Cookie.cookie(COOKIE, presented).setHttpOnly(true)
          .setSameSite(CookieSameSite.STRICT).setPath("/"));
    }
    ctx.response().setStatusCode(204).end();
  }

  boolean isAllowedOrigin(String origin, HostAndPort authority) {
    String o = origin.toLowerCase(Locale.ROOT);
    if (allowedOrigins.contains(o)) {
      return true;
    }
    try {
      URI u = new URI(o);
      if (authority == null || u.getHost() == null) {
        return false;
      }
      int port = u.getPort() >= 0 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
      int authPort = authority.port() >= 0 ? authority.port() : 80;
      return stripBrackets(u.getHost()).equals(stripBrackets(authority.host().toLowerCase(Locale.ROOT)))
          && port == authPort;
    } catch (URISyntaxException e) {
      return false;
    }
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

  static boolean isLoopbackName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return LOOPBACK_NAMES.contains(h) || h.startsWith("127.");
  }

  private static String stripBrackets(String h) {
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }
}
