package io.firstspike.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Requests written byte for byte on a socket: headers exactly as given (a Host header with any
 * spelling, none, or two), which an HTTP client library would check or normalise.
 */
final class RawHttp {
  private RawHttp() {}

  /** The status code of the answer to {@code head} (request line and header lines) and body. */
  static int status(int port, String requestLine, List<String> headers, String body) throws IOException {
    String text = head(requestLine, headers, body) + (body == null ? "" : body);
    return Integer.parseInt(statusLine(port, text).split(" ")[1]);
  }

  /**
   * Request line, headers, Content-Length when there is a body, Connection: close unless the
   * headers have a Connection header, blank line.
   */
  static String head(String requestLine, List<String> headers, String body) {
    StringBuilder b = new StringBuilder(requestLine).append("\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    if (body != null) {
      b.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
    }
    if (headers.stream().noneMatch(h -> h.regionMatches(true, 0, "Connection:", 0, 11))) {
      b.append("Connection: close\r\n");
    }
    return b.append("\r\n").toString();
  }

  /** Sends the text and returns the first line of the answer. */
  static String statusLine(int port, String text) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.write(c);
      }
      String l = line.toString(StandardCharsets.UTF_8).strip();
      if (!l.startsWith("HTTP/1.")) {
        throw new IOException("no HTTP answer, got '" + l + "'");
      }
      return l;
    }
  }

  /** The headers of a WebSocket upgrade of {@code path} (without Host and Origin). */
  static List<String> upgradeHeaders() {
    return List.of("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
  }
}
