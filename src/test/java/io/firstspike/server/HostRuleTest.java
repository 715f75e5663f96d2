package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HostRuleTest {
  private static final HostRule RULE = new HostRule(List.of(HostMatrix.BIND, HostMatrix.ALLOWED));

  static Stream<HostMatrix.Row> matrix() {
    return HostMatrix.ROWS.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  @DisplayName("The Host rule accepts exactly the loopback literals and the configured names")
  void matrixRow(HostMatrix.Row row) {
    assertThat(RULE.accepts(row.at(8080))).as(row.toString()).isEqualTo(row.accepted());
  }

  @Test
  @DisplayName("The matrix covers both outcomes in numbers (no row escapes)")
  void matrixSize() {
    assertThat(HostMatrix.ROWS.stream().filter(HostMatrix.Row::accepted)).hasSize(19);
    assertThat(HostMatrix.ROWS.stream().filter(r -> !r.accepted())).hasSize(48);
  }

  @Test
  @DisplayName("Without the allowed name only loopback literals and the bind address pass")
  void noExtraNames() {
    HostRule bare = new HostRule(List.of("127.0.0.1"));
    assertThat(bare.accepts("workbench.lan:8080")).isFalse();
    assertThat(bare.accepts("localhost:8080")).isTrue();
    assertThat(bare.accepts("127.attacker.example:8080")).isFalse();
  }

  @Test
  @DisplayName("Bind addresses: loopback literals only; names are never looked up")
  void loopbackBind() {
    for (String h : List.of("127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1")) {
      assertThat(HostRule.isLoopbackLiteral(h)).as(h).isTrue();
      assertThat(Workbench.isLoopback(h)).as(h).isTrue();
    }
    for (String h : List.of("127.attacker.example", "127.0.0.1.nip.io", "localhost.", "127.1", "2130706433",
        "0.0.0.0", "::", "::ffff:127.0.0.1", "192.0.2.1", "ip6-localhost", "127.host1", "")) {
      assertThat(HostRule.isLoopbackLiteral(h)).as(h).isFalse();
      assertThat(Workbench.isLoopback(h)).as(h).isFalse();
    }
  }

  @Test
  @DisplayName("The Host check is on for a loopback bind or with allowed names; the bind address itself passes")
  void hostRuleOfServer() {
    assertThat(HttpVerticle.hostRule("0.0.0.0", List.of())).as("public bind, token guards").isNull();
    HostRule publicWithNames = HttpVerticle.hostRule("0.0.0.0", List.of("box.lan"));
    assertThat(publicWithNames.accepts("box.lan:8080")).isTrue();
    assertThat(publicWithNames.accepts("0.0.0.0:8080")).as("the unspecified address is no name").isFalse();
    assertThat(publicWithNames.accepts("evil.example:8080")).isFalse();
    HostRule lan = HttpVerticle.hostRule("192.0.2.7", List.of("box.lan"));
    assertThat(lan.accepts("192.0.2.7:8080")).isTrue();
    HostRule v6 = HttpVerticle.hostRule("2001:db8::7", List.of("box.lan"));
    assertThat(v6.accepts("[2001:db8:0:0:0:0:0:7]:8080")).as("other spelling of the bind address").isTrue();
    HostRule named = HttpVerticle.hostRule("localhost", List.of());
    assertThat(named.accepts("localhost:8080")).isTrue();
    assertThat(named.accepts("127.attacker.example:8080")).isFalse();
  }

  @Test
  @DisplayName("Allowed host names must be host names or addresses")
  void badAllowedNames() {
    for (String bad : List.of("", "evil.example.", "a b", "http://x", "x:80", "*.lan", "127.1")) {
      assertThatThrownBy(() -> new WorkbenchOptions.Access(List.of(bad), List.of(), null, null))
          .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--allowed-host");
    }
  }
}
