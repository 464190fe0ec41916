// The drawing as the client keeps it: strokes in Google's raw layout ([x, y, t] points, canvas CSS
// pixels of `space`, ms since the first point), plus which points the server has not been sent yet.
// No DOM here: the canvas draws it, the socket ships it, and a reconnect replays it whole.

const COORD_SCALE = 100; // keep x, y to 0.01 px: smaller frames, no visible difference

const roundCoord = (value) => Math.round(value * COORD_SCALE) / COORD_SCALE;

export class Drawing {
  /** @param {{newKey?: () => string | null}} options  newKey names each new drawing (none by default) */
  constructor({ newKey = () => null } = {}) {
    this.newKey = newKey;
    this.clear();
  }

  clear() {
    this.key = null; // named when its first stroke starts: an emptied drawing is a new one
    this.strokes = []; // [[x, y, t], ...] per stroke
    this.space = null; // [width, height] of the canvas when the first point was drawn
    this.origin = null; // event timeStamp of the first point
    this.lastT = 0;
    this.unsent = []; // [{stroke, points}] in drawing order
    this.sentCounts = []; // per stroke: points already handed to the socket
  }

  get isEmpty() {
    return this.strokes.length === 0;
  }

  get pointCount() {
    return this.strokes.reduce((total, stroke) => total + stroke.length, 0);
  }

  /** Starts a stroke at (x, y); `space` fixes the coordinate frame for the whole drawing. */
  beginStroke(space, x, y, timeStamp) {
    if (this.space === null) this.space = [...space];
    if (this.origin === null) this.origin = timeStamp;
    if (this.key === null) this.key = this.newKey();
    this.strokes.push([]);
    this.sentCounts.push(0);
    return this.addPoint(x, y, timeStamp, true);
  }

  /** Appends a point to the last stroke; returns it, or null for a repeat of the previous point. */
  addPoint(x, y, timeStamp, force = false) {
    const stroke = this.strokes.at(-1);
    const last = stroke.at(-1);
    const point = [roundCoord(x), roundCoord(y), Math.max(this.lastT, Math.round(timeStamp - this.origin))];
    if (!force && last && last[0] === point[0] && last[1] === point[1]) return null;
    this.lastT = point[2];
    stroke.push(point);
    const index = this.strokes.length - 1;
    const tail = this.unsent.at(-1);
    if (tail && tail.stroke === index) tail.points.push(point);
    else this.unsent.push({ stroke: index, points: [point] });
    return point;
  }

  /** Removes the last stroke; true when the server had some of it (so it must be told). */
  undo() {
    if (this.isEmpty) return false;
    const index = this.strokes.length - 1;
    this.strokes.pop();
    const wasSent = this.sentCounts.pop() > 0;
    this.unsent = this.unsent.filter((batch) => batch.stroke !== index);
    if (this.isEmpty) this.clear();
    return wasSent;
  }

  /** The unsent points as `points` messages (at most `maxPoints` each), now counted as sent. */
  takeUnsent(maxPoints) {
    const messages = [];
    for (const batch of this.unsent) {
      messages.push(...pointMessages(batch.stroke, batch.points, maxPoints, this.key));
      this.sentCounts[batch.stroke] += batch.points.length;
    }
    this.unsent = [];
    return messages;
  }

  /** The whole drawing as `points` messages for a fresh server session, now counted as sent. */
  replay(maxPoints) {
    this.unsent = [];
    this.sentCounts = this.strokes.map((stroke) => stroke.length);
    return strokesToMessages(this.strokes, maxPoints, this.key);
  }

  /** A copy of the strokes, for a submission kept until the server confirms it. */
  snapshot() {
    const strokes = this.strokes.map((stroke) => stroke.map((point) => [...point]));
    return { strokes, space: this.space, key: this.key };
  }
}

/**
 * `points` messages for part of one stroke. The drawing's key rides on stroke 0: every drawing the
 * server holds starts with it, also after a reconnect or a resync, so the server always learns the key
 * before it could save the drawing.
 */
export function pointMessages(stroke, points, maxPoints, key = null) {
  const messages = [];
  for (let start = 0; start < points.length; start += maxPoints) {
    const message = { type: "points", stroke, points: points.slice(start, start + maxPoints) };
    if (key !== null && stroke === 0) message.key = key;
    messages.push(message);
  }
  return messages;
}

export function strokesToMessages(strokes, maxPoints, key = null) {
  return strokes.flatMap((points, stroke) => pointMessages(stroke, points, maxPoints, key));
}
