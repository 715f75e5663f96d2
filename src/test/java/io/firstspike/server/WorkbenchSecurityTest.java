package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class WorkbenchSecurityTest {
  private static final String TOKEN = "test-token-0123456789";

  @Test
  @DisplayName("With a token every API call and the WebSocket need it, as Bearer header or login cookie")
  void tokenEnforced(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withToken(TOKEN))) {
      assertThat(s.get("/api/health").statusCode()).as("health is public").isEqualTo(200);
      assertThat(s.get("/api/health").bodyAsJsonObject().getBoolean("tokenRequired")).isTrue();
      assertThat(s.get("/api/runs").statusCode()).isEqualTo(401);
      assertThat(s.post("/api/runs", new JsonObject().put("config", "fast")).statusCode()).isEqualTo(401);
      assertThat(s.get("/api/meta").statusCode()).isEqualTo(401);
      assertThat(s.get("/").statusCode()).as("the page itself loads, to ask for the token").isEqualTo(200);

      s.bearer = "wrong";
      assertThat(s.get("/api/runs").statusCode()).isEqualTo(401);
      s.bearer = TOKEN;
      assertThat(s.get("/api/runs").statusCode()).isEqualTo(200);
      s.bearer = null;

      HttpResponse<Buffer> badLogin = s.post("/api/login", new JsonObject().put("token", "nope"));
      assertThat(badLogin.statusCode()).isEqualTo(401);
      HttpResponse<Buffer> login = s.post("/api/login", new JsonObject().put("token", TOKEN));
      assertThat(login.statusCode()).isEqualTo(204);
      String cookie = login.cookies().get(0);
      assertThat(cookie).contains(ApiSecurity.COOKIE + "=" + TOKEN).containsIgnoringCase("HttpOnly")
          .containsIgnoringCase("SameSite=Strict");
      HttpResponse<Buffer> withCookie = ServerTestSupport.await(s.client.get("/api/runs")
          .putHeader("Cookie", ApiSecurity.COOKIE + "=" + TOKEN).send());
      assertThat(withCookie.statusCode()).isEqualTo(200);

      WebSocketConnectOptions noToken = EventBusSocket.options(s.workbench.port());
      assertThatThrownBy(() -> new EventBusSocket(vertx, noToken)).hasMessageContaining("401");
      WebSocketConnectOptions withHeader = EventBusSocket.options(s.workbench.port())
          .addHeader("Authorization", "Bearer " + TOKEN);
      new EventBusSocket(vertx, withHeader).close();
      WebSocketConnectOptions withLoginCookie = EventBusSocket.options(s.workbench.port())
          .addHeader("Cookie", ApiSecurity.COOKIE + "=" + TOKEN);
      new EventBusSocket(vertx, withLoginCookie).close();
    }
  }

  @Test
  @DisplayName("Foreign origins cannot open the bridge or change anything; foreign Host names are refused")
  void originAndHost(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withAllowedOrigins(java.util.List.of("http://dashboard.test:9000")))) {
      int port = s.workbench.port();
      WebSocketConnectOptions evil = EventBusSocket.options(port).addHeader("Origin", "http://evil.example");
      assertThatThrownBy(() -> new EventBusSocket(vertx, evil)).hasMessageContaining("403");
      WebSocketConnectOptions same = EventBusSocket.options(port).addHeader("Origin", "http://127.0.0.1:" + port);
      new EventBusSocket(vertx, same).close();
      WebSocketConnectOptions configured = EventBusSocket.options(port).addHeader("Origin", "http://dashboard.test:9000");
      new EventBusSocket(vertx, configured).close();

      HttpResponse<Buffer> csrf = ServerTestSupport.await(s.client.post("/api/runs")
          .putHeader("Origin", "http://evil.example").sendJsonObject(new JsonObject().put("config", "fast")));
      assertThat(csrf.statusCode()).isEqualTo(403);
      assertThat(s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs")).as("nothing was started").isEmpty();

      HttpResponse<Buffer> rebinding = ServerTestSupport.await(s.client.get("/api/runs")
          .putHeader("Host", "evil.example:" + port).send());
      assertThat(rebinding.statusCode()).isEqualTo(403);
    }
  }

  @Test
  @DisplayName("Wrong tokens from one address are answered 429 with Retry-After after five, even a right one then; the API's bearer tokens count too")
  void wrongTokensBackOff(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withToken(TOKEN))) {
      List<Integer> codes = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        codes.add(s.post("/api/login", new JsonObject().put("token", "guess-" + i)).statusCode());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertThat(codes.subList(0, TokenThrottle.FREE_FAILURES + 1)).as("answered at once").containsOnly(401);
      assertThat(codes.get(TokenThrottle.FREE_FAILURES + 1)).isEqualTo(429);
      // after the first block (1 s) one more guess is checked, then blocks of 2, 4, 8 s follow
      long checked = codes.stream().filter(c -> c == 401).count();
      assertThat(checked).as("guesses checked among 200 in %.2f s", seconds)
          .isLessThanOrEqualTo(TokenThrottle.FREE_FAILURES + 1 + (long) Math.ceil(Math.log(seconds + 1) / Math.log(2)));
      assertThat(codes).containsOnly(401, 429);
      HttpResponse<Buffer> blocked = s.post("/api/login", new JsonObject().put("token", TOKEN));
      assertThat(blocked.statusCode()).as("the right token is not even looked at").isEqualTo(429);
      int retryAfter = Integer.parseInt(blocked.getHeader("Retry-After"));
      assertThat(retryAfter).isBetween(1, 60);
      s.bearer = TOKEN;
      assertThat(s.get("/api/runs").statusCode()).as("same address, API call").isEqualTo(429);
      Thread.sleep(retryAfter * 1000L + 100);
      assertThat(s.get("/api/runs").statusCode()).as("after the delay").isEqualTo(200);
      s.bearer = "wrong-bearer-token";
      assertThat(s.get("/api/runs").statusCode()).isEqualTo(401);
      for (int i = 0; i < TokenThrottle.FREE_FAILURES; i++) {
        s.get("/api/runs");
      }
      assertThat(s.get("/api/runs").statusCode()).as("bearer guesses are throttled too").isEqualTo(429);
    }
  }

  @Test
  @DisplayName("Tokens shorter than 16 characters are refused, naming the option")
  void shortToken() {
    assertThatThrownBy(() -> WorkbenchOptions.defaults().withToken("a"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--token")
        .hasMessageContaining("16").hasMessageContaining("got 1");
    assertThatThrownBy(() -> WorkbenchOptions.defaults().withToken("0123456789abcde"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(WorkbenchOptions.defaults().withToken("0123456789abcdef").token()).hasSize(16);
  }

  @Test
  @DisplayName("Binding a non-loopback address without a token generates one; loopback needs none")
  void tokenGeneration() {
    assertThat(Workbench.isLoopback("127.0.0.1")).isTrue();
    assertThat(Workbench.isLoopback("localhost")).isTrue();
    assertThat(Workbench.isLoopback("::1")).isTrue();
    assertThat(Workbench.isLoopback("0.0.0.0")).isFalse();
    assertThat(Workbench.isLoopback("192.0.2.1")).isFalse();
    String a = Workbench.newToken();
    String b = Workbench.newToken();
    assertThat(a).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(b).matches("[A-Za-z0-9_-]+");
  }
}
