"""Real Quick, Draw! drawings turned into the messages a browser would send (pure, no Django).

The drawing page (static/js/app.js) collects pointer samples and sends them as one ``points`` message
per stroke at most every 32 ms, on the animation frame after that wait, and at once on pen-up
(``ml.live.page_sends``); ``page_messages`` turns a raw drawing into those messages by its own ``t``
timestamps, so a replay runs at the speed the person really drew and sends what the page would send.
"""

import json
import random
from dataclasses import dataclass
from pathlib import Path

from ml.live import drawing_span, page_sends


@dataclass(frozen=True)
class Chunk:
    """One ``points`` message: when to send it (drawing time, ms), its stroke and its points."""

    at_ms: float
    stroke: int
    points: list[list[float]]


@dataclass(frozen=True)
class Replay:
    """One real drawing as the messages the page sends for it."""

    category: str
    key_id: str
    messages: list[Chunk]

    @property
    def duration_ms(self) -> float:
        return self.messages[-1].at_ms if self.messages else 0.0


def page_messages(raw_strokes: list) -> list[Chunk]:
    """The drawing's ``points`` messages as the page sends them (``ml.live.page_sends``), times from its first point."""
    if not any(stroke[2] for stroke in raw_strokes):
        return []
    first, _ = drawing_span(raw_strokes)
    messages = []
    for send in page_sends(raw_strokes):
        xs, ys, ts = (values[send.start : send.stop] for values in raw_strokes[send.stroke])
        messages.append(Chunk(at_ms=send.at, stroke=send.stroke, points=[[x, y, t - first] for x, y, t in zip(xs, ys, ts)]))
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
