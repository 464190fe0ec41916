"""Which drawings train, validate and test the model, and the arrays built from them.

Splits are by upstream row (a drawing's identity across raw, simplified, bitmap and thinline files),
so a drawing never sits on both sides. TEST (never trained or tuned on): the highest
``TEST_FRACTION`` of each bitmap category's rows, plus the stroke drawings whose row falls in a
test fold (``stroke_fold``) together with that row's bitmap. Validation is carved from the rest.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_SIDE = 28
TEST_FRACTION = 0.10  # highest upstream rows of each bitmap category
ROW_STEP = 2  # the shared folder holds even stroke rows only
STROKE_FOLDS = 4
# Stroke drawings whose fold is listed here are held out for the raw/simplified test.
BITMAP_STROKE_TEST_FOLDS = (1, 3)  # half: bitmaps carry the training, strokes the raw-path test
RARE_STROKE_TEST_FOLDS = (3,)  # a quarter: stroke-only categories have few drawings to spare
STROKE_ONLY_CATEGORIES = ("giraffe", "bat", "camel")
THINLINE_CATEGORIES = STROKE_ONLY_CATEGORIES


def stroke_fold(row: int) -> int:
    """The fold of an upstream row: consecutive even rows cycle through ``STROKE_FOLDS`` folds."""
    return (row // ROW_STEP) % STROKE_FOLDS


def is_stroke_test_row(row: int, stroke_only: bool) -> bool:
    """Whether a stroke drawing (and any bitmap of the same row) belongs to the test side."""
    return stroke_fold(row) in (RARE_STROKE_TEST_FOLDS if stroke_only else BITMAP_STROKE_TEST_FOLDS)


def bitmap_categories(folder: Path) -> list[str]:
    return sorted(path.stem for path in (folder / "bitmaps").glob("*.npz"))


def vocabulary(folder: Path) -> list[str]:
    """Model output order: the bitmap categories and the stroke-only ones, alphabetically."""
    return sorted(set(bitmap_categories(folder)) | set(STROKE_ONLY_CATEGORIES))


def load_npz(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """``(images uint8 (N, 28, 28), rows int64 (N,))`` from a bitmaps/ or thinline/ file."""
    with np.load(path) as data:
        images = data["images"].reshape(-1, IMAGE_SIDE, IMAGE_SIDE).astype(np.uint8)
        return images, data["rows"].astype(np.int64)


def load_strokes(folder: Path, kind: str, category: str) -> list[tuple[int, list]]:
    """``(row, drawing)`` pairs from ``<kind>/<category>.ndjson`` (kind: raw or simplified)."""
    path = folder / kind / f"{category}.ndjson"
    if not path.exists():
        return []
    rows = json.loads((folder / "index.json").read_text(encoding="utf-8"))[category][f"{kind}_rows"]
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(row, json.loads(line)["drawing"]) for row, line in zip(rows, lines, strict=True)]


def bitmap_test_mask(rows: np.ndarray) -> np.ndarray:
    """The highest ``TEST_FRACTION`` of rows."""
    count = max(1, round(len(rows) * TEST_FRACTION))
    mask = np.zeros(len(rows), dtype=bool)
    mask[np.argsort(rows, kind="stable")[-count:]] = True
    return mask


@dataclass
class StrokeDrawing:
    category: str
    row: int
    strokes: list  # raw strokes when the row has them, else simplified
    kind: str  # "raw" or "simplified"
    simplified: list | None  # Google's simplified strokes of the same row, where present


def stroke_drawings(folder: Path, category: str) -> list[StrokeDrawing]:
    """Every stroke drawing of a category, one per row: raw where present, else simplified."""
    simplified = dict(load_strokes(folder, "simplified", category))
    raw = dict(load_strokes(folder, "raw", category))
    drawings = []
    for row in sorted(set(raw) | set(simplified)):
        kind = "raw" if row in raw else "simplified"
        strokes = raw[row] if row in raw else simplified[row]
        drawings.append(StrokeDrawing(category, row, strokes, kind, simplified.get(row)))
    return drawings


@dataclass
class Split:
    """Images with integer labels (index into the vocabulary) and per-image weights."""

    images: np.ndarray
    labels: np.ndarray
    weights: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.labels)


def concat(splits: list[Split]) -> Split:
    """One split from many; missing weights count as 1."""
    splits = [split for split in splits if len(split)]
    weights = [split.weights if split.weights is not None else np.ones(len(split), np.float32) for split in splits]
    return Split(
        np.concatenate([split.images for split in splits]).astype(np.uint8),
        np.concatenate([split.labels for split in splits]).astype(np.int64),
        np.concatenate(weights).astype(np.float32),
    )
