// Other players' drawings, live: each tile replays the stroke operations the server fans out
// (`strokes` messages: points / undo / clear) onto a small canvas.

const TILE_INK_WIDTH = 0.02; // of the drawing's width
const INK = "#1d1b26";

/** Applies one operation to a raw-ish drawing kept as [[x, y, t], ...] per stroke (pure). */
export function applyOp(strokes, op) {
  if (op.op === "clear") return [];
  if (op.op === "undo") return strokes.slice(0, -1);
  if (op.op === "points") {
    const next = strokes.slice();
    if (op.stroke === next.length) next.push([]);
    if (op.stroke !== next.length - 1) return strokes; // out of step: wait for the next full state
    next[op.stroke] = next[op.stroke].concat(op.points);
    return next;
  }
  return strokes;
}

/** Google raw [xs, ys, ts] strokes to [[x, y, t], ...] strokes. */
export function fromRaw(raw) {
  return (raw ?? []).map(([xs, ys, ts]) => xs.map((x, i) => [x, ys[i], ts[i]]));
}

export class Tiles {
  constructor(container) {
    this.container = container;
    this.tiles = new Map(); // player id -> {strokes, canvas, element, space}
  }

  /** Shows exactly these players ({id, name}), each with an empty drawing unless given one. */
  reset(players, drawings = {}) {
    this.container.replaceChildren();
    this.tiles.clear();
    for (const player of players) {
      const figure = document.createElement("figure");
      figure.className = "tile";
      figure.dataset.player = String(player.id);
      figure.innerHTML = "<canvas width='160' height='160'></canvas><figcaption></figcaption>";
      figure.querySelector("figcaption").textContent = player.name;
      this.container.append(figure);
      const live = drawings[String(player.id)];
      const tile = { strokes: fromRaw(live?.strokes), space: live?.canvas ?? null, element: figure };
      this.tiles.set(player.id, tile);
      this.paint(tile);
    }
  }

  apply(player, canvas, ops) {
    const tile = this.tiles.get(player);
    if (!tile) return;
    tile.space = canvas ?? tile.space;
    for (const op of ops) tile.strokes = applyOp(tile.strokes, op);
    this.paint(tile);
  }

  mark(player, text) {
    const tile = this.tiles.get(player);
    if (tile) {
      tile.element.dataset.recognized = "true";
      tile.element.querySelector("figcaption").textContent += ` ✓ ${text}`;
    }
  }

  paint(tile) {
    const canvas = tile.element.querySelector("canvas");
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    const points = tile.strokes.flat();
    if (points.length === 0) return;
    // the sender's canvas when known, else the drawing's own extent
    const width = tile.space ? tile.space[0] : Math.max(...points.map((p) => p[0])) || 1;
    const height = tile.space ? tile.space[1] : Math.max(...points.map((p) => p[1])) || 1;
    const scale = Math.min(canvas.width / width, canvas.height / height);
    context.setTransform(scale, 0, 0, scale, 0, 0);
    context.lineWidth = width * TILE_INK_WIDTH;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = INK;
    for (const stroke of tile.strokes) {
      context.beginPath();
      stroke.forEach(([x, y], index) => (index === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
      if (stroke.length === 1) context.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
      context.stroke();
    }
    context.setTransform(1, 0, 0, 1, 0, 0);
  }
}
