package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TokenThrottleTest {
  private long now = 1_000_000;
  private final TokenThrottle throttle = new TokenThrottle(() -> now);

  @Test
  @DisplayName("Five wrong tokens are free; then each one blocks for 1, 2, 4, ... s, at most 60 s")
  void growingDelay() {
    for (int i = 0; i < TokenThrottle.FREE_FAILURES; i++) {
      assertThat(throttle.retryAfterMillis("a")).isZero();
      throttle.failed("a");
    }
    assertThat(throttle.retryAfterMillis("a")).isZero();
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      throttle.failed("a");
      long wait = throttle.retryAfterMillis("a");
      delays.add(wait);
      now += wait; // the client waits exactly as told, then guesses again
    }
    assertThat(delays).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 60_000L, 60_000L, 60_000L);
    assertThat(throttle.retryAfterMillis("b")).as("other clients are not affected").isZero();
  }

  @Test
  @DisplayName("A correct token clears the record; a client quiet for 15 minutes starts afresh")
  void clearAndForget() {
    for (int i = 0; i < 7; i++) {
      throttle.failed("a");
    }
    assertThat(throttle.retryAfterMillis("a")).isPositive();
    throttle.succeeded("a");
    assertThat(throttle.retryAfterMillis("a")).isZero();
    for (int i = 0; i < TokenThrottle.FREE_FAILURES; i++) {
      throttle.failed("a");
    }
    now += TokenThrottle.FORGET_MS + 1;
    throttle.failed("a");
    assertThat(throttle.retryAfterMillis("a")).as("the old failures were forgotten").isZero();
  }

  @Test
  @DisplayName("The table holds at most 10000 clients however many addresses guess")
  void boundedTable() {
    for (int i = 0; i < 3 * TokenThrottle.MAX_CLIENTS; i++) {
      throttle.failed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
    }
    assertThat(throttle.size()).isEqualTo(TokenThrottle.MAX_CLIENTS);
  }

  @Test
  @DisplayName("Clients are IPv4 addresses, or IPv6 /64 networks")
  void clientKeys() {
    assertThat(TokenThrottle.clientKey("192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(TokenThrottle.clientKey("2001:db8:1:2:aaaa::1"))
        .isEqualTo(TokenThrottle.clientKey("2001:db8:1:2:bbbb::2"))
        .isNotEqualTo(TokenThrottle.clientKey("2001:db8:1:3::1"));
    assertThat(TokenThrottle.clientKey("0:0:0:0:0:0:0:1")).isEqualTo(TokenThrottle.clientKey("::1"));
  }
}
