package io.firstspike.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down token guessing: per client, the first {@value #FREE_FAILURES} wrong tokens are
 * answered at once; each further one blocks that client for a delay that doubles from
 * {@value #BASE_DELAY_MS} ms up to {@value #MAX_DELAY_MS} ms, during which every token check of
 * that client is answered 429 without looking at the token (so a correct guess cannot be told
 * from a wrong one either). A correct token clears the client's record; a client without a
 * failure for {@value #FORGET_MS} ms starts afresh.
 *
 * <p>A client is its IP address; IPv6 clients are grouped by their /64 network, which one host
 * usually owns whole. The table holds at most {@value #MAX_CLIENTS} clients, the least recently
 * seen are forgotten first, so memory stays bounded under a flood from many addresses.
 * Thread-safe.
 */
final class TokenThrottle {
  static final int FREE_FAILURES = 5;
  static final long BASE_DELAY_MS = 1_000;
  static final long MAX_DELAY_MS = 60_000;
  static final long FORGET_MS = 15 * 60_000;
  static final int MAX_CLIENTS = 10_000;

  private static final class Entry {
    int failures;
    long lastFailure;
    long blockedUntil;
  }

  private final LongSupplier clockMillis;
  private final Map<String, Entry> clients = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_CLIENTS;
    }
  };

  TokenThrottle() {
    this(System::currentTimeMillis);
  }

  /** @param clockMillis the time source (tests step it by hand) */
  TokenThrottle(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /** Milliseconds this client must wait before its token is checked again; 0 if none. */
  synchronized long retryAfterMillis(String client) {
    Entry e = clients.get(client);
    return e == null ? 0 : Math.max(0, e.blockedUntil - clockMillis.getAsLong());
  }

  /** Records a wrong token from this client. */
  synchronized void failed(String client) {
    long now = clockMillis.getAsLong();
    Entry e = clients.computeIfAbsent(client, k -> new Entry());
    if (now - e.lastFailure > FORGET_MS) {
      e.failures = 0;
    }
    e.failures++;
    e.lastFailure = now;
    int over = e.failures - FREE_FAILURES;
    if (over > 0) {
      long delay = over > 20 ? MAX_DELAY_MS : Math.min(MAX_DELAY_MS, BASE_DELAY_MS << (over - 1));
      e.blockedUntil = now + delay;
    }
  }

  /** A correct token: the client's failures are forgotten. */
  synchronized void succeeded(String client) {
    clients.remove(client);
  }

  /** Clients currently remembered. */
  synchronized int size() {
    return clients.size();
  }

  /** The client key of a remote IP address: the address itself, or its /64 network for IPv6. */
  static String clientKey(String address) {
    if (address == null) {
      return "unknown";
    }
    if (!address.contains(":")) {
      return address;
    }
    try {
      byte[] b = InetAddress.getByName(address.replaceAll("%.*$", "")).getAddress(); // a literal: no lookup
      if (b.length != 16) {
        return address;
      }
      return HexFormat.of().formatHex(b, 0, 8) + "::/64";
    } catch (UnknownHostException | IllegalArgumentException e) {
      return address;
    }
  }
}
