package io.firstspike.server;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which {@code Host} header values the workbench answers: the guard against DNS rebinding. A page
 * on {@code evil.example} whose name is rebound to 127.0.0.1 reaches the server with
 * {@code Host: evil.example}; only names nobody else controls are accepted.
 *
 * <p>A Host value is {@code host} or {@code host:port}, port 1..65535 in decimal (at most five
 * digits, no leading zero). The host is accepted when it is
 *
 * <ul>
 *   <li>{@code localhost}, in any letter case, exactly (not {@code localhost.}, not
 *       {@code x.localhost});
 *   <li>an IPv4 literal in 127.0.0.0/8 written as four decimal octets 0..255 without leading
 *       zeros ({@code 127.0.0.1}, {@code 127.1.2.3}); other spellings that some resolvers read as
 *       127.0.0.1 ({@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1}, {@code 127.1}) and a
 *       trailing dot are refused, like any host whose last label is a number and which is not
 *       such a literal;
 *   <li>the IPv6 loopback address in brackets, in any valid spelling of {@code ::1}
 *       ({@code [::1]}, {@code [0:0:0:0:0:0:0:1]}, {@code [0::0001]}); no zone id. The IPv4-mapped
 *       {@code [::ffff:127.0.0.1]} is refused: it is not {@code ::1}, browsers never send it for a
 *       loopback page, and where it leads depends on the system's dual-stack settings;
 *   <li>one of the extra names: the bind address given with {@code --host} and each
 *       {@code --allowed-host}, compared without letter case and exactly (a trailing dot or a
 *       subdomain is another name). An IP literal among them matches its other spellings.
 * </ul>
 *
 * Everything else, a missing, empty or repeated Host header included, is refused.
 */
final class HostRule {
  private static final Pattern AUTHORITY = Pattern.compile("(\\[[^\\]]*\\]|[^:\\[\\]]*)(?::([0-9]*))?");
  private static final Pattern IPV4 = Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+");
  private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-f]{1,4}");
  private static final String LOOPBACK6 = "[0:0:0:0:0:0:0:1]";

  /** A parsed {@code host[:port]}: the canonical host (see {@link #canonicalHost}), port -1 if absent. */
  record Authority(String host, int port) {}

  private final Set<String> extra = new HashSet<>();

  /**
   * @param names the bind address and the allowed host names; each must be a valid host (see
   *     {@link #canonicalHost}; an IPv6 literal may be given without brackets)
   * @throws IllegalArgumentException naming the first invalid name
   */
  HostRule(List<String> names) {
    for (String n : names) {
      extra.add(canonicalName(n));
    }
  }

  /**
   * The canonical form of a configured name ({@code --host}, {@code --allowed-host}).
   *
   * @throws IllegalArgumentException naming the value and the valid forms
   */
  static String canonicalName(String name) {
    String c = name == null ? null : canonicalHost(name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name);
    if (c == null) {
      throw new IllegalArgumentException("'" + name + "' is not a host name (letters, digits, '-' in"
          + " dot-separated labels, no trailing dot) nor an IP address (127.0.0.1, ::1)");
    }
    return c;
  }

  /** True if the whole Host header value is accepted. */
  boolean accepts(String hostHeader) {
    Authority a = parseAuthority(hostHeader);
    return a != null && (isLoopbackLiteral(a.host()) || extra.contains(a.host()));
  }

  /**
   * True for a canonical host that is {@code localhost}, an IPv4 literal in 127.0.0.0/8 or the
   * IPv6 loopback address. Also takes an IPv6 literal without brackets (a bind address) and any
   * host {@link #canonicalHost} accepts.
   */
  static boolean isLoopbackLiteral(String host) {
    if (host == null) {
      return false;
    }
    String c = host.contains(":") && !host.startsWith("[") ? canonicalHost("[" + host + "]") : canonicalHost(host);
    return c != null && (c.equals("localhost") || c.equals(LOOPBACK6) || (isIpv4(c) && c.startsWith("127.")));
  }

  /** True for a canonical host that is an IPv4 literal. */
  private static boolean isIpv4(String canonical) {
    return IPV4.matcher(canonical).matches();
  }

  /**
   * {@code host[:port]} as in a Host header or an origin, or null when malformed: the host is
   * canonical, the port 1..65535 without leading zeros or absent (-1).
   */
  static Authority parseAuthority(String value) {
    if (value == null) {
      return null;
    }
    Matcher m = AUTHORITY.matcher(value);
    if (!m.matches()) {
      return null;
    }
    String host = canonicalHost(m.group(1));
    if (host == null) {
      return null;
    }
    int port = -1;
    if (m.group(2) != null) {
      String p = m.group(2);
      if (p.isEmpty() || p.length() > 5 || p.charAt(0) == '0') {
        return null;
      }
      port = Integer.parseInt(p);
      if (port > 65535) {
        return null;
      }
    }
    return new Authority(host, port);
  }

  /**
   * The canonical form of a host, or null if it is none: a name in lower case (dot-separated
   * labels of letters, digits and inner hyphens, no trailing dot, at most 253 characters, last
   * label not a number); an IPv4 literal as four canonical decimal octets; an IPv6 literal in
   * brackets as eight lower-case hex groups without leading zeros ({@code [0:0:0:0:0:0:0:1]}).
   */
  static String canonicalHost(String host) {
    if (host == null || host.isEmpty() || host.length() > 253) {
      return null;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      return h.endsWith("]") ? ipv6(h.substring(1, h.length() - 1)) : null;
    }
    String[] labels = h.split("\\.", -1);
    for (String l : labels) {
      if (!LABEL.matcher(l).matches()) {
        return null; // empty label: leading, trailing or double dot
      }
    }
    String last = labels[labels.length - 1];
    boolean numeric = last.chars().allMatch(Character::isDigit) || last.startsWith("0x");
    if (!numeric) {
      return h;
    }
    // a number in the last label: some resolvers read it as an IPv4 address; only the
    // canonical dotted quad is taken as one, every other spelling is refused
    if (labels.length != 4) {
      return null;
    }
    for (String l : labels) {
      if (!OCTET.matcher(l).matches() || Integer.parseInt(l) > 255) {
        return null;
      }
    }
    return h;
  }

  /** Eight hex groups, "::" for one run of zero groups; no zone id, no dotted IPv4 tail. */
  private static String ipv6(String s) {
    int gap = s.indexOf("::");
    if (gap != s.lastIndexOf("::") || s.isEmpty()) {
      return null;
    }
    String[] head = groups(gap < 0 ? s : s.substring(0, gap));
    String[] tail = gap < 0 ? new String[0] : groups(s.substring(gap + 2));
    if (head == null || tail == null) {
      return null;
    }
    int zeros = 8 - head.length - tail.length;
    if (gap < 0 ? zeros != 0 : zeros < 1) {
      return null;
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 8; i++) {
      String g = i < head.length ? head[i] : i < head.length + zeros ? "0" : tail[i - head.length - zeros];
      b.append(i > 0 ? ":" : "").append(Integer.toHexString(Integer.parseInt(g, 16)));
    }
    return b.append(']').toString();
  }

  private static String[] groups(String part) {
    if (part.isEmpty()) {
      return new String[0];
    }
    String[] g = part.split(":", -1);
    for (String x : g) {
      if (!HEX_GROUP.matcher(x).matches()) {
        return null;
      }
    }
    return g;
  }
}
