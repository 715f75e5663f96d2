package io.firstspike.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.Transport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The event-bus bridge for browsers: WebSocket transport only, outbound addresses matching
 * {@link Addresses#OUTBOUND_REGEX} only, nothing inbound; frames for a socket that does not keep
 * up are dropped and counted.
 */
final class BrowserBridge {
  /**
   * The bridge logs every browser that goes away (tab closed, page reloaded) as SEVERE with a
   * "Connection was closed" exception: normal for a dashboard, so those records are filtered out.
   * Held in a field because JUL forgets the filter of a logger nobody references.
   */
  private static final Logger BRIDGE_LOG = quietBridgeLog();

  private final AtomicLong droppedFrames = new AtomicLong();

  /** Frames dropped so far because a browser's socket had a full write queue. */
  long droppedFrames() {
    return droppedFrames.get();
  }

  /** The bridge's routes, for a sub-router at the event-bus path. */
  Router router(Vertx vertx, long pingTimeoutMillis) {
    SockJSHandlerOptions sockOpts = new SockJSHandlerOptions()
        .setRegisterWriteHandler(false)
        .setInsertJSESSIONID(false)
        .setLibraryURL("/sockjs-client-not-served.js");
    for (Transport t : Transport.values()) {
      if (t != Transport.WEBSOCKET) {
        sockOpts.addDisabledTransport(t.name());
      }
    }
    SockJSBridgeOptions bridgeOpts = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(Addresses.OUTBOUND_REGEX))
        .setPingTimeout(pingTimeoutMillis);
    return SockJSHandler.create(vertx, sockOpts).bridge(bridgeOpts, this::bridgeEventHandler);
  }

  /**
   * The bridge writes to a socket without looking at its write queue, so a browser that stops
   * reading (a background tab, a stalled network) would make the server buffer every message for
   * it. Instead, a message for a socket whose queue is full is dropped: the page backfills over
   * HTTP, and neither memory nor the training waits for that browser.
   */
  private void bridgeEventHandler(BridgeEvent event) {
    if (event.type() == BridgeEventType.RECEIVE && event.socket().writeQueueFull()) {
      droppedFrames.incrementAndGet();
      event.complete(false);
    } else {
      event.complete(true);
    }
  }

  private static Logger quietBridgeLog() {
    Logger log = Logger.getLogger("io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl");
    log.setFilter(r -> !(r.getThrown() instanceof HttpClosedException));
    return log;
  }
}
