// Protocol v1 (docs/protocol.md) on top of the drawing and the socket: live points, undo, clear,
// submit, and the replay that makes a fresh server session match the drawing on screen after a
// reconnect. Submissions stay queued until the server answers `saved`, so none is lost offline.
import { strokesToMessages } from "./drawing.js";
import { DrawSocket } from "./socket.js";

const RESYNC_DELAY_MS = 600; // after a rejected message, wait a moment, then send the whole drawing again
const RESET_TYPES = new Set(["clear", "submit"]);
// bad_key: the server holds another drawing than ours (after an earlier refusal): send ours again
const RESYNC_CODES = new Set(["rate_limited", "bad_stroke", "bad_seq", "bad_points", "bad_key"]);
const SUBMIT_REFUSALS = new Set(["nothing_to_submit", "bad_label", "bad_canvas", "bad_public"]);
const ENTRY = Symbol("submission"); // symbol keys never reach JSON.stringify
// protocol defaults, until `ready` says otherwise
const DEFAULT_LIMITS = { max_points_per_message: 1000, max_strokes: 250, max_points: 20000 };

const canvasSize = (space) => space.map((side) => Math.max(1, Math.round(side)));

export class DrawClient {
  /**
   * @param {string} url  @param {import("./drawing.js").Drawing} drawing
   * @param {{onGuesses, onSaved, onRefused, onStatus, onReady, currentCanvas}} hooks
   */
  constructor(url, drawing, hooks) {
    this.drawing = drawing;
    this.hooks = hooks;
    this.limits = { ...DEFAULT_LIMITS };
    this.prompt = null;
    this.submissions = []; // {strokes, space, key, label, public, seq} until `saved`
    this.resetsQueued = 0; // clear/submit queued but not sent: guesses arriving now are stale
    this.guessFloor = 0; // guesses with a lower seq describe a drawing that is gone
    this.helloCanvas = null;
    this.resyncTimer = null;
    this.socket = new DrawSocket(url, {
      onOpen: () => this.opened(),
      onMessage: (message) => this.received(message),
      onSent: (message) => this.sent(message),
      onStatus: (status, detail) => hooks.onStatus(status, detail),
    });
  }

  start() {
    this.socket.connect();
  }

  get isLive() {
    return this.socket.isOpen;
  }

  canStartStroke() {
    return this.drawing.strokes.length < this.limits.max_strokes && this.canAddPoint();
  }

  canAddPoint() {
    return this.drawing.pointCount < this.limits.max_points;
  }

  setPrompt(prompt) {
    this.prompt = prompt;
    this.hello();
  }

  hello(canvas = this.drawing.space ?? this.hooks.currentCanvas()) {
    this.helloCanvas = canvasSize(canvas);
    this.socket.send({ type: "hello", canvas: this.helloCanvas, prompt: this.prompt });
  }

  /** A new drawing started at a canvas size the server was not told about: tell it. */
  strokeStarted() {
    const space = canvasSize(this.drawing.space);
    if (this.drawing.strokes.length === 1 && String(space) !== String(this.helloCanvas)) this.hello(space);
  }

  /** Ships the points drawn since the last call (a no-op offline: the replay will carry them). */
  sendPoints() {
    if (!this.isLive) return;
    for (const message of this.drawing.takeUnsent(this.limits.max_points_per_message)) this.socket.send(message);
  }

  undo() {
    this.sendPoints(); // earlier strokes' tails first, so the server removes the right stroke
    if (this.drawing.undo()) this.socket.send({ type: "undo" });
  }

  clear() {
    this.drawing.clear();
    this.sendReset({ type: "clear" });
  }

  /**
   * Submits the drawing as `label`, in the public gallery if `isPublic`; it is kept until the server
   * confirms it (resent after a reconnect under the same key: saved once). Returns false if offline.
   */
  submit(label, isPublic = false) {
    const entry = { ...this.drawing.snapshot(), label, public: isPublic, seq: null };
    this.submissions.push(entry);
    this.sendPoints();
    const sent = this.sendReset(this.submitMessage(entry));
    this.drawing.clear();
    return sent;
  }

  submitMessage(entry) {
    const message = { type: "submit", canvas: canvasSize(entry.space), public: entry.public, [ENTRY]: entry };
    if (entry.label) message.label = entry.label;
    if (entry.key) message.key = entry.key;
    return message;
  }

  sendReset(message) {
    if (!this.isLive) return false;
    this.resetsQueued += 1;
    return this.socket.send(message);
  }

  /** Drops the connection on purpose; it comes back by itself (used by the browser tests). */
  drop() {
    this.socket.drop();
  }

  opened() {
    this.resetsQueued = 0;
    this.guessFloor = 0;
    this.hello();
    const maxPoints = this.limits.max_points_per_message;
    for (const entry of this.submissions) {
      for (const message of strokesToMessages(entry.strokes, maxPoints, entry.key)) this.socket.send(message);
      this.sendReset(this.submitMessage(entry));
    }
    for (const message of this.drawing.replay(maxPoints)) this.socket.send(message);
  }

  sent(message) {
    if (RESET_TYPES.has(message.type)) {
      this.resetsQueued = Math.max(0, this.resetsQueued - 1);
      this.guessFloor = message.seq;
    }
    if (message[ENTRY]) message[ENTRY].seq = message.seq;
  }

  received(message) {
    switch (message.type) {
      case "ready":
        this.limits = { ...this.limits, ...message.limits };
        this.hooks.onReady(message);
        break;
      case "guesses":
        if (this.resetsQueued > 0 || message.seq < this.guessFloor) return;
        if (this.drawing.isEmpty && message.guesses.length > 0) return; // answers a drawing just cleared
        this.hooks.onGuesses(message.guesses);
        break;
      case "saved":
        this.confirm(message);
        break;
      case "error":
        this.refused(message);
        break;
      default:
        break; // unknown types are for later protocol versions
    }
  }

  confirm(message) {
    const index = this.submissions.findIndex((entry) => entry.seq === message.seq);
    const [entry] = index >= 0 ? this.submissions.splice(index, 1) : [null];
    this.hooks.onSaved(message, entry);
  }

  refused(message) {
    const index = this.submissions.findIndex((entry) => entry.seq === message.seq && message.seq !== null);
    if (index >= 0 && SUBMIT_REFUSALS.has(message.code)) this.submissions.splice(index, 1);
    if (RESYNC_CODES.has(message.code)) this.scheduleResync();
    this.hooks.onRefused(message);
  }

  /** Replaces the server's copy of the drawing with ours (after it refused part of it). */
  scheduleResync() {
    clearTimeout(this.resyncTimer);
    this.resyncTimer = setTimeout(() => {
      if (!this.isLive) return; // a reconnect replays anyway
      this.sendReset({ type: "clear" });
      for (const message of this.drawing.replay(this.limits.max_points_per_message)) this.socket.send(message);
    }, RESYNC_DELAY_MS);
  }
}
