"""Real Quick, Draw! drawings turned into the messages a browser would send (pure, no Django).

A browser sends at most one ``points`` message per animation frame (~16.7 ms at 60 Hz) and stroke,
holding the points the pointer produced in that frame; ``frames_of`` does the same with the raw
drawing's own ``t`` timestamps, so a replay runs at the speed the person really drew.
"""

import json
import random
from dataclasses import dataclass
from pathlib import Path

FRAME_MS = 1000.0 / 60.0  # one requestAnimationFrame at 60 Hz


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
    """One real drawing as the messages of its frames."""

    category: str
    key_id: str
    frames: list[Chunk]

    @property
    def duration_ms(self) -> float:
        return self.frames[-1].at_ms if self.frames else 0.0


def frames_of(raw_strokes: list, frame_ms: float = FRAME_MS) -> list[Chunk]:
    """The drawing's ``points`` messages, one per frame and stroke, times shifted so the first point is t=0."""
    times = [t for stroke in raw_strokes for t in stroke[2]]
    if not times:
        return []
    start = min(times)
    shifted = [[xs, ys, [t - start for t in ts]] for xs, ys, ts in raw_strokes]
    return chunk_by_time(shifted, frame_ms)


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
        frames = frames_of(record["drawing"])
        if frames:
            replays.append(Replay(category=category, key_id=str(record.get("key_id", "")), frames=frames))
    return replays
