"""Benchmark of ml.raster on a typical live update: a real raw drawing truncated to ~200 points."""

import itertools
import json
import sys
from pathlib import Path

from ml.bench import measure, pin_to_one_core
from ml.config import quickdraw_dir
from ml.raster import rasterize, render_raw, simplify

LIVE_UPDATE_POINTS = 200  # points drawn so far in a typical live update
DRAWINGS = 300
ROUNDS = 5
TARGET_MEDIAN_US = 300  # the render_raw budget from the issue


def truncate(drawing: list, points: int) -> list:
    """The first ``points`` points of a raw drawing, as the server sees it mid-stroke."""
    kept, left = [], points
    for stroke in drawing:
        if left <= 0:
            break
        kept.append([field[:left] for field in stroke])
        left -= len(stroke[0])
    return kept


def live_updates(folder: Path, count: int, points: int) -> list[list]:
    """Up to ``count`` real raw drawings of at least ``points`` points, truncated; categories interleaved."""
    per_category = []
    for path in sorted((folder / "raw").glob("*.ndjson")):
        drawings = (json.loads(line)["drawing"] for line in path.read_text().splitlines())
        per_category.append([truncate(d, points) for d in drawings if sum(len(s[0]) for s in d) >= points])
    interleaved = [d for rank in itertools.zip_longest(*per_category) for d in rank if d is not None]
    return interleaved[:count]


def run() -> list[dict]:
    pinned = pin_to_one_core()
    folder = quickdraw_dir()
    if not (folder / "raw").is_dir():
        print(f"raster benchmark skipped: no Quick, Draw! data at {folder}", file=sys.stderr)
        return []
    raw = live_updates(folder, DRAWINGS, LIVE_UPDATE_POINTS)
    simplified = [simplify(drawing) for drawing in raw]
    rows = [
        measure("raster.simplify", simplify, raw, ROUNDS),
        measure("raster.rasterize", rasterize, simplified, ROUNDS),
        measure("raster.render_raw", render_raw, raw, ROUNDS),
    ]
    for row in rows:
        row.update(points=LIVE_UPDATE_POINTS, drawings=len(raw), cpu=pinned)
    rows[-1]["target_median_us"] = TARGET_MEDIAN_US
    return rows
