package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rebinding matrix ({@link HostMatrix}) over real HTTP against a started workbench (bound to
 * 127.0.0.1, {@code --allowed-host workbench.lan}): the REST API and the event-bus WebSocket,
 * each request written byte for byte with the row's Host header and the matching Origin, as a
 * page served under that host would send them.
 */
class RebindingHttpTest {
  @TempDir static Path tmp;
  private static Vertx vertx;
  private static ServerTestSupport server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = new ServerTestSupport(vertx, tmp, o -> o.withHost(HostMatrix.BIND)
        .withAccess(new WorkbenchOptions.Access(List.of(HostMatrix.ALLOWED), List.of(), null, null)));
    port = server.workbench.port();
  }

  @AfterAll
  static void stop() {
    server.close();
    ServerTestSupport.await(vertx.close());
  }

  static Stream<HostMatrix.Row> matrix() {
    return HostMatrix.ROWS.stream();
  }

  /** POST /api/runs as the dashboard does (a JSON body). */
  private static int createRun(List<String> hostHeaders, String origin) throws Exception {
    return createRun(hostHeaders, origin, "application/json");
  }

  /** POST /api/runs with the given body type; text/plain is the issue's exploit (a "simple" CORS request). */
  private static int createRun(List<String> hostHeaders, String origin, String contentType) throws Exception {
    List<String> h = new ArrayList<>(hostHeaders);
    h.add("Origin: " + origin);
    h.add("Content-Type: " + contentType);
    return RawHttp.status(port, "POST /api/runs HTTP/1.1", h, "{\"config\":\"fast\"}");
  }

  private static int openSocket(List<String> hostHeaders, String origin) throws Exception {
    List<String> h = new ArrayList<>(hostHeaders);
    h.add("Origin: " + origin);
    h.addAll(RawHttp.upgradeHeaders());
    return RawHttp.status(port, "GET " + HttpVerticle.EVENTBUS_PATH + "/websocket HTTP/1.1", h, null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  @DisplayName("REST API: POST /api/runs is answered for accepted Host values only")
  void restApi(HostMatrix.Row row) throws Exception {
    String host = row.at(port);
    int status = createRun(List.of("Host: " + host), "http://" + host);
    if (row.accepted()) {
      assertThat(status).as(row.toString()).isEqualTo(201);
    } else {
      assertThat(status).as(row.toString()).isIn(400, 403);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  @DisplayName("Event-bus WebSocket: the upgrade succeeds for accepted Host values only")
  void webSocket(HostMatrix.Row row) throws Exception {
    String host = row.at(port);
    int status = openSocket(List.of("Host: " + host), "http://" + host);
    if (row.accepted()) {
      assertThat(status).as(row.toString()).isEqualTo(101);
    } else {
      assertThat(status).as(row.toString()).isIn(400, 403);
    }
  }

  @Test
  @DisplayName("A missing, or a second, Host header is refused on both")
  void missingOrRepeatedHost() throws Exception {
    String origin = "http://127.0.0.1:" + port;
    assertThat(createRun(List.of(), origin)).isIn(400, 403);
    assertThat(openSocket(List.of(), origin)).isIn(400, 403);
    List<String> two = List.of("Host: 127.0.0.1:" + port, "Host: 127.attacker.example:" + port);
    assertThat(createRun(two, origin)).isIn(400, 403);
    assertThat(openSocket(two, origin)).isIn(400, 403);
  }

  @Test
  @DisplayName("The issue's exploit (Host and Origin 127.attacker.example, text/plain body) creates no run")
  void issueExploit() throws Exception {
    int before = server.get("/api/runs").bodyAsJsonObject().getJsonArray("runs").size();
    String h = "127.attacker.example:" + port;
    assertThat(createRun(List.of("Host: " + h), "http://" + h, "text/plain")).isEqualTo(403);
    assertThat(server.get("/api/runs").bodyAsJsonObject().getJsonArray("runs").size()).isEqualTo(before);
  }

  @Test
  @DisplayName("Bodies a page may send cross-site without a preflight (text/plain, form, multipart) are refused even from an accepted Host and Origin")
  void simpleRequestBodiesRefused() throws Exception {
    int before = server.get("/api/runs").bodyAsJsonObject().getJsonArray("runs").size();
    String host = "127.0.0.1:" + port;
    List<String> hostHeader = List.of("Host: " + host);
    for (String type : List.of("text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/jsonp", "text/json")) {
      assertThat(createRun(hostHeader, "http://" + host, type)).as(type).isEqualTo(415);
    }
    List<String> login = List.of("Host: " + host, "Origin: http://" + host, "Content-Type: text/plain");
    assertThat(RawHttp.status(port, "POST /api/login HTTP/1.1", login, "{\"token\":\"x\"}")).as("login").isEqualTo(415);
    assertThat(server.get("/api/runs").bodyAsJsonObject().getJsonArray("runs").size()).isEqualTo(before);
    assertThat(createRun(hostHeader, "http://" + host, "Application/JSON; charset=utf-8")).as("JSON with parameters").isEqualTo(201);
  }

  @Test
  @DisplayName("An accepted Host with a foreign or mismatched Origin is still refused")
  void originMustMatchHost() throws Exception {
    String host = "localhost:" + port;
    assertThat(createRun(List.of("Host: " + host), "http://127.attacker.example:" + port)).isEqualTo(403);
    assertThat(openSocket(List.of("Host: " + host), "http://127.attacker.example:" + port)).isEqualTo(403);
    assertThat(createRun(List.of("Host: " + host), "http://localhost:" + (port + 1))).isEqualTo(403);
    assertThat(createRun(List.of("Host: " + host), "https://localhost:" + port)).as("another scheme").isEqualTo(403);
    assertThat(createRun(List.of("Host: [0::1]:" + port), "http://[::1]:" + port)).as("same address").isEqualTo(201);
  }
}
