// The drawing surface: Pointer Events in (mouse, touch, pen), ink out, sharp at any devicePixelRatio.
// Points go into the Drawing model; rendering happens once per animation frame, incrementally.

const INK_WIDTH = 0.012; // of the canvas width: reads like a felt pen at any size
const INK_COLOR_VAR = "--ink";
const FALLBACK_INK = "#1d1b26";

export class SketchPad {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {import("./drawing.js").Drawing} drawing
   * @param {{onStrokeStart, onPoints, onStrokeEnd, canStartStroke, canAddPoint}} hooks  (functions)
   */
  constructor(canvas, drawing, hooks) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d", { desynchronized: true }) ?? canvas.getContext("2d");
    this.drawing = drawing;
    this.hooks = hooks;
    this.pointer = null; // the one pointer drawing now; others (a resting palm) are ignored
    this.rect = null;
    this.frame = null;
    this.painted = { strokes: 0, points: 0 }; // what is on the bitmap already
    this.ink = getComputedStyle(canvas).getPropertyValue(INK_COLOR_VAR).trim() || FALLBACK_INK;
    canvas.addEventListener("pointerdown", (event) => this.down(event));
    canvas.addEventListener("pointermove", (event) => this.move(event));
    for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) {
      canvas.addEventListener(type, (event) => this.up(event));
    }
    canvas.addEventListener("contextmenu", (event) => event.preventDefault());
    // iOS Safari may still scroll on touchmove without this, despite touch-action: none.
    canvas.addEventListener("touchmove", (event) => event.preventDefault(), { passive: false });
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  get drawingNow() {
    return this.pointer !== null;
  }

  /** The canvas size in CSS pixels. */
  get size() {
    return [this.canvas.clientWidth, this.canvas.clientHeight];
  }

  /** Event position in drawing units: canvas content-box pixels (the border is not paper), rescaled. */
  toDrawing(event) {
    const { left, top, width } = this.rect;
    const scale = this.drawing.space ? this.drawing.space[0] / width : 1;
    return [(event.clientX - left) * scale, (event.clientY - top) * scale];
  }

  down(event) {
    if (this.pointer !== null || (event.pointerType === "mouse" && event.button !== 0)) return;
    if (!this.hooks.canStartStroke()) return;
    event.preventDefault();
    this.canvas.setPointerCapture(event.pointerId);
    this.pointer = event.pointerId;
    const box = this.canvas.getBoundingClientRect();
    this.rect = { left: box.left + this.canvas.clientLeft, top: box.top + this.canvas.clientTop, width: this.canvas.clientWidth };
    const [x, y] = this.toDrawing(event);
    this.drawing.beginStroke(this.size, x, y, event.timeStamp);
    this.hooks.onStrokeStart();
    this.schedule();
  }

  move(event) {
    if (event.pointerId !== this.pointer) return;
    event.preventDefault();
    const events = event.getCoalescedEvents?.() ?? [];
    let added = 0;
    for (const sample of events.length > 0 ? events : [event]) {
      if (!this.hooks.canAddPoint()) break;
      const [x, y] = this.toDrawing(sample);
      if (this.drawing.addPoint(x, y, sample.timeStamp)) added += 1;
    }
    if (added > 0) {
      this.hooks.onPoints();
      this.schedule();
    }
  }

  up(event) {
    if (event.pointerId !== this.pointer) return;
    this.pointer = null;
    if (this.canvas.hasPointerCapture(event.pointerId)) this.canvas.releasePointerCapture(event.pointerId);
    this.hooks.onStrokeEnd();
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    const [width, height] = this.size;
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    this.redraw();
  }

  /** Repaints everything (after undo, clear or a resize). */
  redraw() {
    this.painted = { strokes: 0, points: 0 };
    this.context.setTransform(1, 0, 0, 1, 0, 0);
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.schedule();
  }

  schedule() {
    if (this.frame === null) this.frame = requestAnimationFrame(() => this.paint());
  }

  /** Paints the points added since the last frame. */
  paint() {
    this.frame = null;
    const { strokes, space } = this.drawing;
    if (this.painted.strokes > strokes.length) return this.redraw();
    if (strokes.length === 0 || space === null) return;
    const context = this.context;
    const scale = this.canvas.width / space[0]; // drawing units -> bitmap pixels
    context.setTransform(scale, 0, 0, scale, 0, 0);
    context.lineWidth = space[0] * INK_WIDTH;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = this.ink;
    context.fillStyle = this.ink;
    for (let index = Math.max(0, this.painted.strokes - 1); index < strokes.length; index += 1) {
      const points = strokes[index];
      const from = index === this.painted.strokes - 1 ? Math.max(0, this.painted.points - 1) : 0;
      if (points.length === 1) {
        context.beginPath();
        context.arc(points[0][0], points[0][1], context.lineWidth / 2, 0, 2 * Math.PI);
        context.fill();
      } else if (points.length - from > 1) {
        context.beginPath();
        context.moveTo(points[from][0], points[from][1]);
        for (let i = from + 1; i < points.length; i += 1) context.lineTo(points[i][0], points[i][1]);
        context.stroke();
      }
    }
    this.painted = { strokes: strokes.length, points: strokes.at(-1).length };
  }
}
