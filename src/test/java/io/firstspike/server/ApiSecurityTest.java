package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.HostAndPort;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ApiSecurityTest {
  private final ApiSecurity sec = new ApiSecurity(null, true, List.of("http://dash.test:9000"));

  @Test
  @DisplayName("Same origin means same host and port as the Host header; default ports count")
  void sameOrigin() {
    HostAndPort here = HostAndPort.create("127.0.0.1", 8080);
    assertThat(sec.isAllowedOrigin("http://127.0.0.1:8080", here)).isTrue();
    assertThat(sec.isAllowedOrigin("HTTP://127.0.0.1:8080", here)).isTrue();
    assertThat(sec.isAllowedOrigin("http://127.0.0.1:8081", here)).isFalse();
    assertThat(sec.isAllowedOrigin("http://localhost:8080", here)).isFalse();
    assertThat(sec.isAllowedOrigin("http://evil.example", here)).isFalse();
    assertThat(sec.isAllowedOrigin("null", here)).isFalse();
    assertThat(sec.isAllowedOrigin("http://127.0.0.1", HostAndPort.create("127.0.0.1", -1))).isTrue();
    assertThat(sec.isAllowedOrigin("http://[::1]:8080", HostAndPort.create("[::1]", 8080))).isTrue();
    assertThat(sec.isAllowedOrigin("http://dash.test:9000", here)).as("configured").isTrue();
  }

  @Test
  @DisplayName("Loopback names are localhost, 127.x and ::1")
  void loopbackNames() {
    assertThat(ApiSecurity.isLoopbackName("LOCALHOST")).isTrue();
    assertThat(ApiSecurity.isLoopbackName("127.0.0.2")).isTrue();
    assertThat(ApiSecurity.isLoopbackName("[::1]")).isTrue();
    assertThat(ApiSecurity.isLoopbackName("127.example.com")).as("a name, not an address").isTrue();
  }
}
