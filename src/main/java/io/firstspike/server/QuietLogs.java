package io.firstspike.server;

import io.vertx.core.http.HttpClosedException;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps what clients can make Vert.x log small: a corrupt WebSocket frame made the event-bus
 * bridge log a 2.3 KB SEVERE stack trace, a malformed URL ({@code /api/runs/%zz}) made the router
 * log 4.4 KB, and a bridge frame's unknown {@code type} was logged whole (up to a frame's 64 KB);
 * any client, even one without the token, could send thousands a second.
 *
 * <p>Records of the loggers below become one line (at most {@value #MAX_LINE} characters: the
 * message, then the exception's class, message and the frame it was thrown at, control characters
 * replaced) without the stack trace, and at most {@value #BURST} lines per logger are written in a
 * row, then one every {@value #REFILL_MILLIS} ms; the next line written says how many were
 * dropped. A browser closing its tab ({@link HttpClosedException} on the bridge) is not logged.
 */
final class QuietLogs {
  static final int MAX_LINE = 240;
  static final int BURST = 10;
  static final long REFILL_MILLIS = 6_000;

  /** The loggers whose records clients can provoke. */
  static final List<String> LOGGERS = List.of(
      "io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl",
      "io.vertx.ext.web.handler.sockjs.impl.SockJSSession",
      "io.vertx.ext.web.RoutingContext",
      "io.vertx.core.impl.ContextImpl");

  /** Held so that JUL keeps the loggers (and their filters) alive. */
  private static final List<Logger> HELD = LOGGERS.stream().map(Logger::getLogger).toList();

  private QuietLogs() {}

  /** Installs the filters once per JVM (later calls do nothing); keeps an earlier filter first. */
  static synchronized void install() {
    for (Logger log : HELD) {
      if (!(log.getFilter() instanceof Compact)) {
        log.setFilter(new Compact(log.getFilter(), System::currentTimeMillis));
      }
    }
  }

  /** Shortens and rate-limits the records of one logger. */
  static final class Compact implements Filter {
    private final Filter previous;
    private final LongSupplier clock;
    private double permits = BURST;
    private long last;
    private long dropped;

    Compact(Filter previous, LongSupplier clock) {
      this.previous = previous;
      this.clock = clock;
      this.last = clock.getAsLong();
    }

    @Override
    public boolean isLoggable(LogRecord r) {
      if (previous != null && !previous.isLoggable(r)) {
        return false;
      }
      if (r.getThrown() instanceof HttpClosedException) {
        return false; // a browser went away: normal for a dashboard
      }
      synchronized (this) {
        long now = clock.getAsLong();
        permits = Math.min(BURST, permits + (double) (now - last) / REFILL_MILLIS);
        last = now;
        if (permits < 1) {
          dropped++;
          return false;
        }
        permits--;
        r.setMessage(line(r, dropped));
        dropped = 0;
      }
      r.setParameters(null);
      r.setThrown(null);
      return true;
    }

    /** The record as one line: its message and exception, and how many were dropped before. */
    static String line(LogRecord r, long dropped) {
      StringBuilder b = new StringBuilder(String.valueOf(r.getMessage()));
      Throwable t = r.getThrown();
      if (t != null) {
        b.append(": ").append(t.getClass().getName()).append(": ").append(t.getMessage());
        StackTraceElement[] at = t.getStackTrace();
        if (at.length > 0) {
          b.append(" (at ").append(at[0]).append(')');
        }
      }
      String text = HttpErrors.printable(b.toString(), MAX_LINE);
      return dropped > 0 ? text + " [" + dropped + " similar records dropped]" : text;
    }
  }
}
