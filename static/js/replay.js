// Replays a saved drawing at its real speed, from its raw strokes ([[xs], [ys], [ts]] per stroke, ts in ms since
// the first point) and its guess timeline ([t_ms, label, score] each time the top-1 guess changed).
// The pure parts (timing, the current timeline entry, fitting to a canvas, the play clock) take plain data and a
// clock reading; ReplayPlayer alone touches a canvas. Used by the admin's drawing page and the public gallery.

/** Speed choices: drawing milliseconds per real millisecond; "instant" shows the finished drawing at once. */
export const SPEEDS = Object.freeze({ 1: 1, 2: 2, 4: 4, instant: Infinity });

const PADDING_FRACTION = 0.06; // of the canvas side, around a drawing fitted to its own extent
const INK_FRACTION = 0.012; // of the canvas width: the drawing page's felt-pen look at any size
const MIN_INK_PX = 1.5;
const INK_COLOR_VAR = "--ink";
const FALLBACK_INK = "#1d1b26";

/** Number of values in the ascending `sorted` that are <= t. */
function countAtMost(sorted, t) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] <= t) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Time (ms) of the drawing's last point; 0 for an empty drawing. */
export function strokesDuration(strokes) {
  let last = 0;
  for (const [, , ts] of strokes) if (ts && ts.length > 0) last = Math.max(last, ts[ts.length - 1]);
  return last;
}

/** How long a replay lasts: until the last point or the last change of guess, whichever comes later. */
export function replayDuration(strokes, timeline) {
  return timeline.reduce((latest, [t]) => Math.max(latest, t), strokesDuration(strokes));
}

/** Points of each stroke on paper at drawing time t: those with ts <= t (a stroke without times shows whole). */
export function visibleCounts(strokes, t) {
  return strokes.map(([xs, , ts]) => (ts ? countAtMost(ts, t) : xs.length));
}

/** Index of the timeline entry current at time t (the last one with t_ms <= t), or -1 before the first guess. */
export function entryAt(timeline, t) {
  return countAtMost(timeline.map(([time]) => time), t) - 1;
}

/** The drawing's extent {left, top, width, height}, or null when it has no points. */
export function strokesBounds(strokes) {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [xs, ys] of strokes) {
    for (let i = 0; i < xs.length; i += 1) {
      left = Math.min(left, xs[i]);
      right = Math.max(right, xs[i]);
      top = Math.min(top, ys[i]);
      bottom = Math.max(bottom, ys[i]);
    }
  }
  return left === Infinity ? null : { left, top, width: right - left, height: bottom - top };
}

/**
 * The area a replay shows: the person's canvas (as they saw the drawing) when `fit` is "canvas" and it is
 * known, else the drawing's own extent with some padding around it.
 * @returns {{box: {left, top, width, height}, padding: number}}
 */
export function viewArea(drawing, fit) {
  if (fit === "canvas" && drawing.canvas) {
    return { box: { left: 0, top: 0, width: drawing.canvas[0], height: drawing.canvas[1] }, padding: 0 };
  }
  return { box: strokesBounds(drawing.strokes) ?? { left: 0, top: 0, width: 0, height: 0 }, padding: PADDING_FRACTION };
}

/**
 * Maps drawing coordinates into a width x height canvas: canvas = drawing * scale + offset, one scale for
 * both axes, the box centred, `padding` (a fraction of each side) left free. A zero-sized side counts as 1.
 */
export function fitTransform(box, width, height, padding = 0) {
  const boxWidth = box.width || 1;
  const boxHeight = box.height || 1;
  const scale = Math.min((width * (1 - 2 * padding)) / boxWidth, (height * (1 - 2 * padding)) / boxHeight);
  return {
    scale,
    x: (width - boxWidth * scale) / 2 - box.left * scale,
    y: (height - boxHeight * scale) / 2 - box.top * scale,
  };
}

/**
 * Where the replay is in drawing time, given real-time readings `now` (ms). Starts paused at the end, so the
 * finished drawing shows first; play() from the end starts over.
 */
export class ReplayClock {
  constructor(duration, speed = 1) {
    this.duration = duration;
    this.speed = speed;
    this.playing = false;
    this.anchor = duration; // drawing time at real time `since`
    this.since = 0;
  }

  position(now) {
    if (!this.playing) return this.anchor;
    if (this.speed === Infinity) return this.duration;
    return Math.min(this.duration, this.anchor + (now - this.since) * this.speed);
  }

  ended(now) {
    return this.position(now) >= this.duration;
  }

  play(now) {
    if (this.playing) return;
    const from = this.anchor;
    this.anchor = from >= this.duration ? 0 : from;
    this.since = now;
    this.playing = true;
  }

  pause(now) {
    this.anchor = this.position(now);
    this.playing = false;
  }

  restart(now) {
    this.anchor = 0;
    this.since = now;
    this.playing = true;
  }

  setSpeed(speed, now) {
    this.anchor = this.position(now);
    this.since = now;
    this.speed = speed;
  }
}

const sameCounts = (a, b) => b !== null && a.length === b.length && a.every((count, index) => count === b[index]);

/** Replays `drawing` ({strokes, timeline, canvas}) on `canvas`; `onFrame(state)` after every painted frame. */
export class ReplayPlayer {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{strokes: number[][][], timeline: Array, canvas: number[] | null}} drawing
   * @param {{fit?: "canvas" | "bounds", speed?: number, onFrame?: Function}} options
   */
  constructor(canvas, drawing, { fit = "canvas", speed = 1, onFrame = () => {} } = {}) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.drawing = drawing;
    this.area = viewArea(drawing, fit);
    this.duration = replayDuration(drawing.strokes, drawing.timeline);
    this.clock = new ReplayClock(this.duration, speed);
    this.onFrame = onFrame;
    this.frame = null;
    this.painted = null; // visible counts now on the bitmap
    this.ink = getComputedStyle(canvas).getPropertyValue(INK_COLOR_VAR).trim() || FALLBACK_INK;
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  get playing() {
    return this.clock.playing;
  }

  play() {
    this.clock.play(performance.now());
    this.update();
  }

  pause() {
    this.clock.pause(performance.now());
    this.render();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  restart() {
    this.clock.restart(performance.now());
    this.update();
  }

  setSpeed(speed) {
    this.clock.setSpeed(speed, performance.now());
    this.update();
  }

  /** Shows a control's effect at once (the page's state follows the click), then animates from the next frame. */
  update() {
    this.render();
    if (this.clock.playing) this.schedule();
  }

  /** Sharp at any devicePixelRatio: the bitmap follows the canvas's CSS size. */
  resize() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(this.canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(this.canvas.clientHeight * ratio));
    if (width === this.canvas.width && height === this.canvas.height && this.painted !== null) return;
    this.canvas.width = width;
    this.canvas.height = height;
    this.painted = null;
    this.render();
  }

  schedule() {
    if (this.frame === null) this.frame = requestAnimationFrame(() => this.tick());
  }

  tick() {
    this.frame = null;
    const now = performance.now();
    if (this.clock.playing && this.clock.ended(now)) this.clock.pause(now);
    this.render(now);
    if (this.clock.playing) this.schedule();
  }

  render(now = performance.now()) {
    const position = this.clock.position(now);
    const counts = visibleCounts(this.drawing.strokes, position);
    if (!sameCounts(counts, this.painted)) {
      this.paint(counts);
      this.painted = counts;
    }
    this.onFrame({
      position,
      duration: this.duration,
      entry: entryAt(this.drawing.timeline, position),
      playing: this.clock.playing,
      ended: position >= this.duration,
    });
  }

  /** Paints the first counts[i] points of every stroke i, from a blank canvas. */
  paint(counts) {
    const { canvas, context } = this;
    const { box, padding } = this.area;
    const { scale, x, y } = fitTransform(box, canvas.width, canvas.height, padding);
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.lineWidth = Math.max(MIN_INK_PX * (window.devicePixelRatio || 1), canvas.width * INK_FRACTION);
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = this.ink;
    context.fillStyle = this.ink;
    this.drawing.strokes.forEach(([xs, ys], index) => {
      const count = counts[index];
      if (count === 0) return;
      context.beginPath();
      if (count === 1) {
        context.arc(xs[0] * scale + x, ys[0] * scale + y, context.lineWidth / 2, 0, 2 * Math.PI);
        context.fill();
        return;
      }
      context.moveTo(xs[0] * scale + x, ys[0] * scale + y);
      for (let i = 1; i < count; i += 1) context.lineTo(xs[i] * scale + x, ys[i] * scale + y);
      context.stroke();
    });
  }
}
