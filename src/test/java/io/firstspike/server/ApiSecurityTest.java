package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ApiSecurityTest {
  private final ApiSecurity sec = new ApiSecurity(null, new HostRule(List.of("127.0.0.1")),
      List.of("http://dash.test:9000"), false, new TokenThrottle());

  @Test
  @DisplayName("Same origin means same host and port as the Host header; default ports count")
  void sameOrigin() {
    String here = "127.0.0.1:8080";
    assertThat(sec.isAllowedOrigin("http://127.0.0.1:8080", here)).isTrue();
    assertThat(sec.isAllowedOrigin("HTTP://127.0.0.1:8080", here)).isTrue();
    assertThat(sec.isAllowedOrigin("http://127.0.0.1:8081", here)).isFalse();
    assertThat(sec.isAllowedOrigin("http://localhost:8080", here)).isFalse();
    assertThat(sec.isAllowedOrigin("http://evil.example", here)).isFalse();
    assertThat(sec.isAllowedOrigin("null", here)).isFalse();
    assertThat(sec.isAllowedOrigin("http://127.0.0.1", "127.0.0.1")).isTrue();
    assertThat(sec.isAllowedOrigin("http://[::1]:8080", "[::1]:8080")).isTrue();
    assertThat(sec.isAllowedOrigin("http://[0::1]:8080", "[::1]:8080")).as("one address, two spellings").isTrue();
    assertThat(sec.isAllowedOrigin("https://127.0.0.1:8080", here)).as("another scheme").isFalse();
    assertThat(sec.isAllowedOrigin("http://127.0.0.1:8080/", here)).as("not an origin").isFalse();
    assertThat(sec.isAllowedOrigin("http://127.attacker.example:8080", "127.attacker.example:8080"))
        .as("same origin, but the Host check refuses that host before").isTrue();
    assertThat(sec.isAllowedOrigin("http://dash.test:9000", here)).as("configured").isTrue();
  }
}
