package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed bridge frames and URLs, sent by the hundred, leave a few short log lines: the JUL
 * output is captured (formatted as the console would print it) and measured.
 */
@ExtendWith(VertxExtension.class)
class LogFloodTest {
  /** Bytes of SimpleFormatter's first line (date, logger, method) besides the message. */
  private static final int HEADER_BYTES = 200;

  private final StringBuilder log = new StringBuilder();
  private final List<String> records = new ArrayList<>();
  private final Handler capture = new Handler() {
    private final SimpleFormatter format = new SimpleFormatter();

    @Override
    public void publish(LogRecord r) {
      synchronized (log) {
        String text = format.format(r);
        log.append(text);
        records.add(text);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureLog() {
    Logger.getLogger("").addHandler(capture);
  }

  @AfterEach
  void release() {
    Logger.getLogger("").removeHandler(capture);
  }

  /** One WebSocket frame from the client, masked (as clients must) or not. */
  private static byte[] frame(int opcode, byte[] payload, boolean mask) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x80 | opcode);
    int maskBit = mask ? 0x80 : 0;
    if (payload.length < 126) {
      b.write(maskBit | payload.length);
    } else {
      b.write(maskBit | 126);
      b.write(payload.length >> 8);
      b.write(payload.length & 255);
    }
    byte[] key = {11, 22, 33, 44};
    if (mask) {
      b.write(key, 0, 4);
    }
    for (int i = 0; i < payload.length; i++) {
      b.write(mask ? payload[i] ^ key[i % 4] : payload[i]);
    }
    return b.toByteArray();
  }

  /** Opens the bridge's WebSocket on a raw socket, sends {@code frame}, awaits the answer, closes. */
  private static void sendFrame(int port, byte[] frame) throws IOException, InterruptedException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      List<String> h = new ArrayList<>(RawHttp.upgradeHeaders());
      h.add("Host: 127.0.0.1:" + port);
      out.write(RawHttp.head("GET " + HttpVerticle.EVENTBUS_PATH + "/websocket HTTP/1.1", h, null)
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("no handshake: " + head);
        }
        head.append((char) c);
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 101");
      out.write(frame);
      out.flush();
      // the server answers: a close for a corrupt frame, an error frame for an unknown type
      try {
        in.read();
      } catch (IOException reset) {
        // closed hard: answered as well
      }
    }
  }

  private int bound(long millis, int loggers) {
    long lines = loggers * (QuietLogs.BURST + millis / QuietLogs.REFILL_MILLIS + 1);
    return (int) (lines * (QuietLogs.MAX_LINE + HEADER_BYTES + 60));
  }

  @Test
  @DisplayName("300 corrupt or odd bridge frames log a few short lines, no stack trace")
  void badFrames(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o)) {
      int port = s.workbench.port();
      long t0 = System.currentTimeMillis();
      String hugeType = "{\"type\":\"" + "x".repeat(60_000) + "\",\"address\":\"a\"}";
      for (int i = 0; i < 100; i++) {
        sendFrame(port, frame(1, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8), false)); // unmasked
        sendFrame(port, frame(3, new byte[] {1}, true)); // reserved opcode
        sendFrame(port, frame(1, (i % 10 == 0 ? hugeType : "{\"type\":\"nope\",\"address\":\"a\"}")
            .getBytes(StandardCharsets.UTF_8), true)); // unknown type
      }
      Thread.sleep(300);
      long millis = System.currentTimeMillis() - t0;
      String text;
      synchronized (log) {
        text = log.toString();
      }
      assertThat(text).as("no stack trace").doesNotContain("\tat ");
      assertThat(text.length()).as("bytes logged for 300 frames in %d ms", millis).isLessThanOrEqualTo(bound(millis, 2));
      assertThat(records).allSatisfy(r -> assertThat(r.length()).isLessThanOrEqualTo(QuietLogs.MAX_LINE + HEADER_BYTES));
      assertThat(records.size()).as("lines for 300 frames in %d ms", millis)
          .isLessThanOrEqualTo((int) (2 * (QuietLogs.BURST + millis / QuietLogs.REFILL_MILLIS + 1)));
    }
  }

  @Test
  @DisplayName("300 malformed URLs without the token are answered 400 and log nothing")
  void badUrls(Vertx vertx, @TempDir Path tmp) throws Exception {
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp, o -> o.withToken("log-flood-token-0123456789"))) {
      int port = s.workbench.port();
      for (int i = 0; i < 100; i++) {
        for (String uri : List.of("/api/runs/%zz", "/%zz/" + i, "/api/runs/x/metrics?since=%z")) {
          assertThat(RawHttp.status(port, "GET " + uri + " HTTP/1.1", List.of("Host: 127.0.0.1:" + port), null))
              .as(uri).isEqualTo(400);
        }
      }
      assertThat(RawHttp.status(port, "GET /api/runs/%41 HTTP/1.1", List.of("Host: 127.0.0.1:" + port), null))
          .as("a valid escape still reaches the API (and its token check)").isEqualTo(401);
      synchronized (log) {
        assertThat(log.toString()).isEmpty();
      }
    }
  }

  @Test
  @DisplayName("The compact line: message, exception and where it was thrown, printable, cut; drops counted")
  void compactLine() {
    long[] now = {0};
    QuietLogs.Compact c = new QuietLogs.Compact(null, () -> now[0]);
    int written = 0;
    for (int i = 0; i < 100; i++) {
      LogRecord r = new LogRecord(java.util.logging.Level.SEVERE, "SockJSSocket exception\nforged line");
      r.setThrown(new IllegalStateException("x".repeat(1000)));
      if (c.isLoggable(r)) {
        written++;
        assertThat(r.getThrown()).isNull();
        assertThat(r.getMessage()).startsWith("SockJSSocket exception?forged line: java.lang.IllegalStateException: xxx")
            .hasSizeLessThanOrEqualTo(QuietLogs.MAX_LINE + 3);
      }
    }
    assertThat(written).isEqualTo(QuietLogs.BURST);
    now[0] += QuietLogs.REFILL_MILLIS;
    LogRecord next = new LogRecord(java.util.logging.Level.SEVERE, "again");
    assertThat(c.isLoggable(next)).isTrue();
    assertThat(next.getMessage()).isEqualTo("again [90 similar records dropped]");
    LogRecord closed = new LogRecord(java.util.logging.Level.SEVERE, "SockJSSocket exception");
    closed.setThrown(new io.vertx.core.http.HttpClosedException("Connection was closed"));
    assertThat(c.isLoggable(closed)).as("a browser going away").isFalse();
  }
}
