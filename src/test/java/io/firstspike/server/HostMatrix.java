package io.firstspike.server;

import java.util.List;

/**
 * The rebinding test matrix: Host header values (with {@code {P}} for the server's port) and
 * whether a workbench bound to 127.0.0.1 with {@code --allowed-host workbench.lan} accepts them.
 * Shared by the unit test of {@link HostRule} and the HTTP tests (REST API and WebSocket).
 */
final class HostMatrix {
  private HostMatrix() {}

  /** The bind address and the allowed host of the matrix's server. */
  static final String BIND = "127.0.0.1";

  static final String ALLOWED = "workbench.lan";

  /** One row: the Host value, accepted or not, and why. */
  record Row(String host, boolean accepted, String why) {
    String at(int port) {
      return host.replace("{P}", Integer.toString(port));
    }

    @Override
    public String toString() {
      return (accepted ? "accept " : "refuse ") + host + " (" + why + ")";
    }
  }

  static Row accept(String host, String why) {
    return new Row(host, true, why);
  }

  static Row refuse(String host, String why) {
    return new Row(host, false, why);
  }

  static final List<Row> ROWS = List.of(
      accept("127.0.0.1:{P}", "the bind address"),
      accept("127.0.0.1", "no port"),
      accept("127.0.0.1:1", "smallest port"),
      accept("127.0.0.1:65535", "largest port"),
      accept("127.0.0.2:{P}", "127.0.0.0/8"),
      accept("127.255.255.254:{P}", "127.0.0.0/8"),
      accept("127.0.10.0:{P}", "zero octets"),
      accept("localhost:{P}", "localhost"),
      accept("LOCALHOST:{P}", "letter case"),
      accept("LocalHost", "letter case, no port"),
      accept("[::1]:{P}", "IPv6 loopback"),
      accept("[::1]", "IPv6 loopback, no port"),
      accept("[0:0:0:0:0:0:0:1]:{P}", "::1 in full"),
      accept("[0::1]:{P}", "::1 spelled 0::1"),
      accept("[0000::0001]:{P}", "::1 with leading zeros in groups"),
      accept("[::0:1]:{P}", "::1 spelled ::0:1"),
      accept("workbench.lan:{P}", "--allowed-host"),
      accept("WorkBench.LAN:{P}", "--allowed-host, letter case"),
      accept("workbench.lan", "--allowed-host, no port"),

      refuse("127.attacker.example:{P}", "a name that starts with 127. (the issue's exploit)"),
      refuse("127.0.0.1.attacker.example:{P}", "a name that starts with 127.0.0.1."),
      refuse("127.0.0.1.nip.io:{P}", "a public name resolving to 127.0.0.1"),
      refuse("localhost.attacker.example:{P}", "a name that starts with localhost."),
      refuse("evil.example:{P}", "a foreign name"),
      refuse("localhost.:{P}", "trailing dot"),
      refuse("127.0.0.1.:{P}", "trailing dot on the address"),
      refuse("workbench.lan.:{P}", "trailing dot on an allowed name"),
      refuse("x.workbench.lan:{P}", "subdomain of an allowed name"),
      refuse("x.localhost:{P}", "subdomain of localhost"),
      refuse("2130706433:{P}", "127.0.0.1 as one decimal number"),
      refuse("0x7f000001:{P}", "127.0.0.1 as one hex number"),
      refuse("0x7f.1:{P}", "hex and short form"),
      refuse("0x7f.0.0.1:{P}", "hex octet"),
      refuse("0177.0.0.1:{P}", "octal octet"),
      refuse("127.0.0.01:{P}", "leading zero"),
      refuse("127.000.000.001:{P}", "leading zeros"),
      refuse("127.1:{P}", "short form"),
      refuse("127.0.1:{P}", "three-part form"),
      refuse("127.0.0.256:{P}", "octet over 255"),
      refuse("127.0.0.1.1:{P}", "five parts"),
      refuse("128.0.0.1:{P}", "outside 127.0.0.0/8"),
      refuse("0.0.0.0:{P}", "the unspecified address"),
      refuse("0:{P}", "0 (reaches this host on some systems)"),
      refuse("[::ffff:7f00:1]:{P}", "IPv4-mapped 127.0.0.1"),
      refuse("[::ffff:127.0.0.1]:{P}", "IPv4-mapped, dotted"),
      refuse("[::127.0.0.1]:{P}", "IPv4-compatible, dotted"),
      refuse("[::1%25lo]:{P}", "zone id (URL-encoded)"),
      refuse("[::1%lo]:{P}", "zone id"),
      refuse("[::2]:{P}", "another IPv6 address"),
      refuse("[::]:{P}", "the unspecified IPv6 address"),
      refuse("[0:0:0:0:0:0:0:0:1]:{P}", "nine groups"),
      refuse("[::1::]:{P}", "two gaps"),
      refuse("[::1", "unclosed bracket"),
      refuse("::1", "IPv6 without brackets"),
      refuse("", "empty"),
      refuse("127.0.0.1:", "empty port"),
      refuse("127.0.0.1:0", "port 0"),
      refuse("127.0.0.1:65536", "port over 65535"),
      refuse("127.0.0.1:080", "port with a leading zero"),
      refuse("127.0.0.1:abc", "port not a number"),
      refuse("127.0.0.1:{P}:{P}", "two ports"),
      refuse("user@127.0.0.1:{P}", "user info"),
      refuse("127.0.0.1/x:{P}", "a path character"),
      refuse("127.0.0.1\t:{P}", "a tab inside"),
      refuse("loc%61lhost:{P}", "percent-encoded (crashed Vert.x's own Host parser)"),
      refuse("l\u00f3calhost:{P}", "non-ASCII"),
      refuse("xn--lcalhost-9za:{P}", "a punycode look-alike"));
}
