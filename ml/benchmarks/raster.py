"""Benchmark of ml.raster and ml.incremental on live updates of real raw drawings.

Rows: ``simplify``, ``rasterize`` and ``render_raw`` of a drawing truncated to ~200 points (the whole
drawing re-rendered, as before ml.incremental); ``incremental update``: ``LiveRaster.render`` of the
frame that brings a drawing to ~200 points, the raster having rendered the frame before (what the
server now does per live update; the new frame holds the points of one 60 Hz animation frame);
and both renderers over every frame of whole drawings (the server's mean CPU per update).
"""

import itertools
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from ml import live
from ml.bench import MICROSECONDS, P95, measure, pin_to_one_core
from ml.config import quickdraw_dir
from ml.incremental import LiveRaster
from ml.raster import rasterize, render_raw, simplify

LIVE_UPDATE_POINTS = 200  # points drawn so far in a typical live update
DRAWINGS = 300
WHOLE_DRAWINGS = 60  # replayed frame by frame (about 100 updates each)
ROUNDS = 5
TARGET_MEDIAN_US = 300  # the budget for simplify + rasterize of a typical live update


def truncate(drawing: list, points: int) -> list:
    """The first ``points`` points of a raw drawing, as the server sees it mid-stroke."""
    kept, left = [], points
    for stroke in drawing:
        if left <= 0:
            break
        kept.append([field[:left] for field in stroke])
        left -= len(stroke[0])
    return kept


def _drawings(folder: Path, count: int, points: int) -> list[list]:
    """Up to ``count`` real raw drawings of at least ``points`` points; categories interleaved."""
    per_category = []
    for path in sorted((folder / "raw").glob("*.ndjson")):
        drawings = (json.loads(line)["drawing"] for line in path.read_text().splitlines())
        per_category.append([d for d in drawings if sum(len(s[0]) for s in d) >= points])
    interleaved = [d for rank in itertools.zip_longest(*per_category) for d in rank if d is not None]
    return interleaved[:count]


def frame_pairs(drawings: list[list], points: int) -> list[tuple[list, list]]:
    """(the drawing one frame before, the drawing after the frame that reaches ``points`` points)."""
    pairs = []
    for drawing in drawings:
        frames = live.chunks(drawing)
        reached = [sum(len(s[0]) for s in drawing[: f.stroke]) + f.points >= points for f in frames]
        at = reached.index(True)
        if at:
            pairs.append((live.prefix(drawing, frames[at - 1]), live.prefix(drawing, frames[at])))
    return pairs


def _row(name: str, seconds: list[float]) -> dict:
    timings = np.array(seconds)
    return {
        "name": name,
        "median_us": float(np.median(timings) * MICROSECONDS),
        "p95_us": float(np.percentile(timings, P95) * MICROSECONDS),
        "n": len(seconds),
    }


def measure_updates(pairs: list[tuple[list, list]], rounds: int) -> dict:
    """``LiveRaster.render(after)`` timed on a raster that has just rendered ``before``."""
    clock, seconds = time.perf_counter, []
    for round_number in range(rounds + 1):  # round 0 warms up
        for before, after in pairs:
            raster = LiveRaster()
            raster.render(before)
            start = clock()
            raster.render(after)
            if round_number:
                seconds.append(clock() - start)
    row = _row("incremental update (LiveRaster.render)", seconds)
    row["new_points_median"] = statistics.median(
        sum(len(s[0]) for s in after) - sum(len(s[0]) for s in before) for before, after in pairs
    )
    return row


def measure_replays(drawings: list[list]) -> list[dict]:
    """Every frame of whole drawings: render_raw from scratch vs one LiveRaster per drawing."""
    clock = time.perf_counter
    full, incremental = [], []
    for drawing in drawings:
        raster = LiveRaster()
        for frame in live.chunks(drawing):
            state = live.prefix(drawing, frame)
            start = clock()
            render_raw(state)
            middle = clock()
            raster.render(state)
            incremental.append(clock() - middle)
            full.append(middle - start)
    rows = [_row("every frame: render_raw", full), _row("every frame: LiveRaster.render", incremental)]
    for row, seconds in zip(rows, (full, incremental), strict=True):
        row["mean_us"] = round(float(np.mean(seconds)) * MICROSECONDS, 1)
    return rows


def run() -> list[dict]:
    pinned = pin_to_one_core()
    folder = quickdraw_dir()
    if not (folder / "raw").is_dir():
        print(f"raster benchmark skipped: no Quick, Draw! data at {folder}", file=sys.stderr)
        return []
    drawings = _drawings(folder, DRAWINGS, LIVE_UPDATE_POINTS)
    raw = [truncate(drawing, LIVE_UPDATE_POINTS) for drawing in drawings]
    simplified = [simplify(drawing) for drawing in raw]
    rows = [
        measure("raster.simplify", simplify, raw, ROUNDS),
        measure("raster.rasterize", rasterize, simplified, ROUNDS),
        measure("raster.render_raw", render_raw, raw, ROUNDS),
        measure_updates(frame_pairs(drawings, LIVE_UPDATE_POINTS), ROUNDS),
    ]
    for row in rows:
        row.update(points=LIVE_UPDATE_POINTS, drawings=len(raw), cpu=pinned)
    for row in rows[2:]:
        row["target_median_us"] = TARGET_MEDIAN_US
    replays = measure_replays(drawings[:WHOLE_DRAWINGS])
    for row in replays:
        row.update(drawings=min(WHOLE_DRAWINGS, len(drawings)), cpu=pinned)
    return rows + replays
