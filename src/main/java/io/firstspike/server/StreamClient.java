package io.firstspike.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * One browser's socket in the {@link StreamHub}: its registered addresses, the bytes handed to
 * the socket and not yet written out to the network, and a small queue of frames it could not
 * take yet. Confined to the HTTP verticle's event loop, like the hub.
 *
 * <p>A frame goes straight to the socket while fewer than {@link StreamHub.Limits#queueBytes}
 * bytes are in flight (a frame counts from {@code write} until Netty wrote it to the kernel) and
 * nothing waits before it. Otherwise the client is <em>behind</em>: the frame waits in
 * {@link #pending}, where a newer batch or epoch frame of an address replaces the older one (the
 * page backfills the gap over HTTP), and state frames keep their order. Each completed write
 * writes out more of the queue. A client whose queue outgrows {@link StreamHub.Limits#maxPending}
 * frames, or stays behind longer than {@link StreamHub.Limits#slowCloseMillis}, is closed by the
 * hub. So a socket holds at most {@code queueBytes} (or one frame, if larger) in flight plus
 * references to frames that every other socket shares.
 */
final class StreamClient {
  /** A frame encoded once by the hub; {@code latestOnly}: a newer one of its address supersedes it. */
  record Frame(String address, Buffer bytes, boolean latestOnly) {}

  final ServerWebSocket ws;
  private final int queueBytes;
  final Set<String> addresses = new HashSet<>();
  final ArrayDeque<Frame> pending = new ArrayDeque<>();
  /** When the client fell behind (ms), or -1 while it keeps up. */
  long behindSince = -1;
  /** The last frame the client sent us (ms): the page pings every few seconds. */
  long lastHeard;
  long sent;
  long dropped;
  /** Bytes written to the socket and not yet out to the network. */
  long inFlight;
  /** The most bytes ever in flight at once. */
  long maxInFlight;
  boolean closing;

  StreamClient(ServerWebSocket ws, int queueBytes, long now) {
    this.ws = ws;
    this.queueBytes = queueBytes;
    this.lastHeard = now;
  }

  /**
   * Sends the frame now, or queues it while the client is behind. Returns the number of frames
   * dropped by this call (superseded ones), or -1 when the queue is over {@code maxPending}: the
   * caller then closes the client.
   */
  int offer(Frame f, int maxPending, long now) {
    if (closing) {
      return 0;
    }
    if (pending.isEmpty() && fits(f)) {
      write(f);
      return 0;
    }
    if (behindSince < 0) {
      behindSince = now;
    }
    int droppedNow = 0;
    if (f.latestOnly()) {
      for (Iterator<Frame> it = pending.iterator(); it.hasNext(); ) {
        if (it.next().address().equals(f.address())) {
          it.remove();
          droppedNow++;
          break;
        }
      }
    }
    dropped += droppedNow;
    if (pending.size() >= maxPending) {
      return -1;
    }
    pending.add(f);
    return droppedNow;
  }

  /** Writes queued frames while they fit; the client keeps up again once all are out. */
  void flush() {
    while (!closing && !pending.isEmpty() && fits(pending.peek())) {
      write(pending.poll());
    }
    if (pending.isEmpty()) {
      behindSince = -1;
    }
  }

  /** Frames the client will never get: the queue, when it is closed. */
  int discard() {
    int n = pending.size();
    dropped += n;
    pending.clear();
    return n;
  }

  /** Room for the frame: under the limit, or nothing in flight (a frame larger than the limit). */
  private boolean fits(Frame f) {
    return !ws.isClosed() && (inFlight == 0 || inFlight + f.bytes().length() <= queueBytes);
  }

  private void write(Frame f) {
    int n = f.bytes().length();
    inFlight += n;
    maxInFlight = Math.max(maxInFlight, inFlight);
    sent++;
    // The same Buffer goes to every socket: Vert.x slices it, so the bytes are not copied. The
    // write completes (or fails, on a closed socket) on this event loop once it left the process.
    ws.write(f.bytes()).onComplete(ar -> {
      inFlight -= n;
      if (!pending.isEmpty()) {
        flush();
      }
    });
  }
}
