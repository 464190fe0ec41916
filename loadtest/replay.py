"""Real Quick, Draw! drawings turned into the messages a browser would send (pure, no Django).

The drawing page (static/js/app.js) collects pointer samples and sends them as one ``points`` message
per stroke at most every ``SEND_INTERVAL_MS``, on the animation frame after that wait, and at once on
pen-up; ``page_messages`` does the same with the raw drawing's own ``t`` timestamps, so a replay runs at
the speed the person really drew and sends what the page would send (~30 messages/s while drawing).
"""

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

FRAME_MS = 1000.0 / 60.0  # one requestAnimationFrame at 60 Hz
SEND_INTERVAL_MS = 32.0  # static/js/app.js SEND_INTERVAL_MS (a test keeps the two equal)


@dataclass(frozen=True)
class Chunk:
    """One ``points`` message: when to send it (drawing time, ms), its stroke and its points."""

    at_ms: float
    stroke: int
    points: list[list[float]]


def chunk_by_time(strokes: list, interval_ms: float) -> list[Chunk]:
    """Split raw strokes into messages as a browser batching points every ``interval_ms`` would send them.

    A message holds the points of one stroke whose times fall in one window; it is sent at the time
    of its last point.
    """
    chunks: list[Chunk] = []
    for number, (xs, ys, ts) in enumerate(strokes):
        current: list[list[float]] = []
        window = None
        for x, y, t in zip(xs, ys, ts, strict=True):
            this_window = int(t // interval_ms)
            if current and this_window != window:
                chunks.append(Chunk(at_ms=current[-1][2], stroke=number, points=current))
                current = []
            window = this_window
            current.append([x, y, t])
        if current:
            chunks.append(Chunk(at_ms=current[-1][2], stroke=number, points=current))
    return chunks


@dataclass(frozen=True)
class Replay:
    """One real drawing as the messages the page sends for it."""

    category: str
    key_id: str
    messages: list[Chunk]

    @property
    def duration_ms(self) -> float:
        return self.messages[-1].at_ms if self.messages else 0.0


def page_messages(raw_strokes: list, *, frame_ms: float = FRAME_MS, send_interval_ms: float = SEND_INTERVAL_MS) -> list[Chunk]:
    """The drawing's ``points`` messages as the page sends them, times shifted so the first point is t=0.

    A point that finds no send pending schedules one on the first animation frame at least
    ``send_interval_ms`` after the previous send; the points gathered until then leave together. The
    last point of a stroke (pen-up) sends what is pending at once.
    """
    times = [t for stroke in raw_strokes for t in stroke[2]]
    if not times:
        return []
    start = min(times)
    messages: list[Chunk] = []
    last_send = -math.inf
    for number, (xs, ys, ts) in enumerate(raw_strokes):
        pending: list[list[float]] = []
        send_at = None
        for index, (x, y, t) in enumerate(zip(xs, ys, [t - start for t in ts], strict=True)):
            if send_at is not None and send_at < t:  # points of the same instant go together
                messages.append(Chunk(at_ms=send_at, stroke=number, points=pending))
                last_send, pending, send_at = send_at, [], None
            pending.append([x, y, t])
            if send_at is None:
                send_at = math.ceil(max(t, last_send + send_interval_ms) / frame_ms) * frame_ms
            if index == len(ts) - 1:
                messages.append(Chunk(at_ms=t, stroke=number, points=pending))
                last_send = t
    return messages


def load_replays(data_dir: Path, *, count: int, seed: int) -> list[Replay]:
    """``count`` raw drawings drawn at random (seeded) from every category under ``data_dir/raw``."""
    files = sorted((data_dir / "raw").glob("*.ndjson"))
    if not files:
        raise FileNotFoundError(f"no raw/*.ndjson under {data_dir} (see ml.config.quickdraw_dir)")
    records = []
    for path in files:
        with path.open(encoding="utf-8") as lines:
            records.extend((path.stem, line) for line in lines if line.strip())
    rng = random.Random(seed)
    chosen = rng.sample(records, min(count, len(records)))
    replays = []
    for category, line in chosen:
        record = json.loads(line)
        messages = page_messages(record["drawing"])
        if messages:
            replays.append(Replay(category=category, key_id=str(record.get("key_id", "")), messages=messages))
    return replays
