// One websocket that reconnects by itself (backoff with jitter) and paces what it sends to the
// server's message rate. Messages are only accepted while connected: after a reconnect the app
// replays its drawing from its own state, so nothing queued on a dead connection matters.
import { backoffDelay } from "./backoff.js";

const CONNECT_TIMEOUT_MS = 8000; // a handshake that hangs this long is abandoned and retried
const RATE_SAFETY = 0.8; // stay a little under the server's token bucket
// protocol defaults, until `ready` says otherwise
const DEFAULT_LIMITS = { rate_per_second: 60, rate_burst: 120, max_points_per_message: 1000 };
const COUNTDOWN_TICK_MS = 1000;

export const Status = Object.freeze({
  CONNECTING: "connecting",
  LIVE: "live",
  RETRYING: "retrying",
  OFFLINE: "offline",
});

export class DrawSocket {
  /**
   * @param {string} url ws(s):// address
   * @param {{onOpen: Function, onMessage: Function, onSent: Function, onStatus: Function}} handlers
   *   onOpen() when connected (send the hello and replay here), onMessage(obj) for each server message,
   *   onSent(msg) once a message (with its seq) left, onStatus(status, detail) on every state change.
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.ws = null;
    this.seq = 0; // never reused, so it always increases on whichever connection carries it
    this.attempt = 0;
    this.retryTimer = null;
    this.countdownTimer = null;
    this.outbox = [];
    this.flushTimer = null;
    this.setLimits(DEFAULT_LIMITS);
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => this.status(Status.OFFLINE));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && !this.ws) this.reconnectNow();
    });
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  setLimits(limits) {
    const merged = { ...DEFAULT_LIMITS, ...limits };
    this.rate = merged.rate_per_second * RATE_SAFETY;
    this.burst = Math.max(1, Math.floor(merged.rate_burst * RATE_SAFETY));
    this.maxPoints = merged.max_points_per_message;
    this.tokens = this.burst;
    this.tokensAt = performance.now();
  }

  connect() {
    clearTimeout(this.retryTimer);
    clearInterval(this.countdownTimer);
    this.status(Status.CONNECTING);
    const ws = new WebSocket(this.url);
    this.ws = ws;
    const handshakeTimer = setTimeout(() => ws.readyState === WebSocket.CONNECTING && ws.close(), CONNECT_TIMEOUT_MS);
    ws.addEventListener("open", () => {
      clearTimeout(handshakeTimer);
      this.outbox = [];
      this.handlers.onOpen();
    });
    ws.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return; // the server only sends JSON; anything else is not ours to act on
      }
      if (message.type === "ready") {
        this.attempt = 0; // a full handshake: the next drop starts the backoff afresh
        if (message.limits) this.setLimits(message.limits);
        this.status(Status.LIVE);
      }
      this.handlers.onMessage(message);
    });
    ws.addEventListener("close", () => {
      clearTimeout(handshakeTimer);
      if (this.ws === ws) this.scheduleRetry();
    });
  }

  /** Drops the connection on purpose (tests, "reconnect now"); it comes back by itself. */
  drop() {
    this.ws?.close();
  }

  reconnectNow() {
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
    this.attempt = 0;
    this.connect();
  }

  scheduleRetry() {
    this.ws = null;
    this.outbox = [];
    clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!navigator.onLine) {
      this.status(Status.OFFLINE); // the "online" event reconnects
      return;
    }
    const delay = backoffDelay(this.attempt++);
    const due = performance.now() + delay;
    const tick = () => this.status(Status.RETRYING, Math.max(1, Math.ceil((due - performance.now()) / 1000)));
    tick();
    this.countdownTimer = setInterval(tick, COUNTDOWN_TICK_MS);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  status(status, detail = null) {
    this.handlers.onStatus(status, detail);
  }

  /** Queues a message (seq added when it leaves); false when not connected. */
  send(message) {
    if (!this.isOpen) return false;
    const last = this.outbox.at(-1);
    // Waiting points of the same stroke travel as one message: fewer frames under a tight rate.
    if (last && last.type === "points" && message.type === "points" && last.stroke === message.stroke &&
        last.points.length + message.points.length <= this.maxPoints) {
      last.points = last.points.concat(message.points);
    } else {
      this.outbox.push({ ...message });
    }
    this.flush();
    return true;
  }

  flush() {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.tokensAt) / 1000) * this.rate);
    this.tokensAt = now;
    while (this.outbox.length > 0 && this.tokens >= 1 && this.isOpen) {
      const message = this.outbox.shift();
      message.seq = this.seq++;
      this.tokens -= 1;
      this.ws.send(JSON.stringify(message));
      this.handlers.onSent(message);
    }
    if (this.outbox.length > 0 && this.flushTimer === null) {
      const wait = ((1 - this.tokens) / this.rate) * 1000;
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        this.flush();
      }, Math.max(0, wait));
    }
  }
}
