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
