// A client for the workbench's live stream: one plain WebSocket speaking the JSON frames of the
// Vert.x event-bus bridge, so the page needs no SockJS library. It keeps its subscriptions across
// connections: when the socket drops (network, server restart, or the server closing a connection
// that fell behind) it reconnects with exponential backoff, registers every address again and
// then tells its listeners, which backfill what they missed over HTTP.

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const DECODER = new TextDecoder();

export class EventBus {
  /**
   * @param {string} path the bridge's WebSocket path from /api/meta (e.g. /eventbus/websocket)
   * @param {number} pingMillis how often to ping; the server drops sockets that stay silent
   */
  constructor(path, pingMillis) {
    this.url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
    this.pingMillis = Math.max(1000, pingMillis || 5000);
    this.handlers = new Map(); // address -> Set of handlers
    this.statusListeners = new Set();
    this.reconnectListeners = new Set();
    this.state = 'connecting';
    this.lastMessageAt = null;
    this.attempt = 0;
    this.nextRetryAt = null;
    this.everConnected = false;
    this.messages = 0;
    this.ws = null;
    this.pingTimer = null;
    this.retryTimer = null;
    this.connect();
  }

  /** Calls handler(body, address) for every message on address until the returned function is called. */
  subscribe(address, handler) {
    let set = this.handlers.get(address);
    if (!set) {
      set = new Set();
      this.handlers.set(address, set);
      this.send({ type: 'register', address });
    }
    set.add(handler);
    return () => {
      const s = this.handlers.get(address);
      if (!s) return;
      s.delete(handler);
      if (s.size === 0) {
        this.handlers.delete(address);
        this.send({ type: 'unregister', address });
      }
    };
  }

  /** fn({state, lastMessageAt, attempt, nextRetryAt}) on every change; called once at once. */
  onStatus(fn) {
    this.statusListeners.add(fn);
    fn(this.status());
    return () => this.statusListeners.delete(fn);
  }

  /** fn() after a reconnect, once every address is registered again: the time to backfill. */
  onReconnect(fn) {
    this.reconnectListeners.add(fn);
    return () => this.reconnectListeners.delete(fn);
  }

  status() {
    return { state: this.state, lastMessageAt: this.lastMessageAt, attempt: this.attempt, nextRetryAt: this.nextRetryAt };
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    // The server sends its JSON frames as binary WebSocket messages (encoded once for every
    // socket): read them as bytes.
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.attempt = 0;
      this.nextRetryAt = null;
      for (const address of this.handlers.keys()) this.send({ type: 'register', address });
      this.send({ type: 'ping' });
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), this.pingMillis);
      this.setState('connected');
      if (reconnected) for (const fn of this.reconnectListeners) safely(fn);
    };
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = () => {
      clearInterval(this.pingTimer);
      if (this.ws === ws) {
        this.ws = null;
        this.scheduleRetry();
      }
    };
    ws.onerror = () => { /* onclose follows and schedules the retry */ };
  }

  scheduleRetry() {
    // Exponential backoff with jitter, so many tabs do not hammer a restarting server in step.
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** this.attempt);
    const delay = base * (0.75 + 0.5 * Math.random());
    this.attempt++;
    this.nextRetryAt = Date.now() + delay;
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Connect now instead of waiting for the backoff (the "retry now" button). */
  retryNow() {
    if (this.state !== 'connected') this.connect();
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : DECODER.decode(data));
    } catch {
      return;
    }
    this.lastMessageAt = Date.now();
    if (frame.type === 'err') {
      console.warn('event bus refused:', frame.body, frame.address ?? '');
      return;
    }
    if (frame.type !== 'rec') return;
    this.messages++;
    const set = this.handlers.get(frame.address);
    if (!set) return;
    for (const h of [...set]) safely(() => h(frame.body, frame.address));
    this.emitStatus();
  }

  send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  setState(s) {
    this.state = s;
    this.emitStatus();
  }

  emitStatus() {
    const st = this.status();
    for (const fn of this.statusListeners) safely(() => fn(st));
  }
}

function safely(fn) {
  try {
    fn();
  } catch (e) {
    console.error(e);
  }
}
