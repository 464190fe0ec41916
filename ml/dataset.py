"""Which drawings train, validate and test the model, and the arrays built from them.

Splits are by upstream row (a drawing's identity across raw, simplified, bitmap and thinline files),
so a drawing never sits on both sides. TEST (never trained or tuned on): the highest
``TEST_FRACTION`` of each bitmap category's rows, plus the stroke drawings whose row falls in a
test fold (``stroke_fold``) together with that row's bitmap. Validation is carved from the rest:
a random share of the training-side bitmaps always, and for tuning runs (``tune_fold``) also one
training-side fold of stroke drawings (with their bitmaps) and of giraffe/bat/camel thinline drawings,
so partial-drawing (live) and stroke-only figures can be tuned without touching the test side.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.augment import thinline_image
from ml.data import iter_drawings, load_bitmaps

IMAGE_SIDE = 28
TEST_FRACTION = 0.10  # highest upstream rows of each bitmap category
ROW_STEP = 2  # the shared folder holds even stroke rows only
STROKE_FOLDS = 4
# Stroke drawings whose fold is listed here are held out for the raw/simplified test.
BITMAP_STROKE_TEST_FOLDS = (1, 3)  # half: bitmaps carry the training, strokes the raw-path test
RARE_STROKE_TEST_FOLDS = (3,)  # a quarter: stroke-only categories have few drawings to spare
TUNE_FOLD = 0  # a training-side fold for both kinds: validation strokes and thinline of tuning runs
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
    images, rows = load_bitmaps(path)
    return images.reshape(-1, IMAGE_SIDE, IMAGE_SIDE), rows


def load_strokes(folder: Path, kind: str, category: str) -> list[tuple[int, list]]:
    """``(row, drawing)`` pairs from ``<kind>/<category>.ndjson`` (kind: raw or simplified)."""
    path = folder / kind / f"{category}.ndjson"
    if not path.exists():
        return []
    return [(record.row, record.drawing) for record in iter_drawings(path, kind)]


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
    if not splits:
        return Split(np.zeros((0, IMAGE_SIDE, IMAGE_SIDE), np.uint8), np.zeros(0, np.int64), np.zeros(0, np.float32))
    weights = [split.weights if split.weights is not None else np.ones(len(split), np.float32) for split in splits]
    return Split(
        np.concatenate([split.images for split in splits]).astype(np.uint8),
        np.concatenate([split.labels for split in splits]).astype(np.int64),
        np.concatenate(weights).astype(np.float32),
    )


@dataclass
class HeldOut:
    """The test side: never trained or tuned on."""

    bitmaps: Split  # highest rows of every bitmap category
    strokes: list[StrokeDrawing]  # stroke drawings in a test fold (all 28 categories)
    thinline: Split  # stroke-only categories' thinline drawings in a test fold, converted (approximate)


@dataclass
class TrainSide:
    """What training may use: train-side bitmaps, stroke drawings and stroke-only thinline images."""

    bitmaps: Split
    strokes: list[StrokeDrawing]
    thinline: dict[str, np.ndarray]  # category -> raw thinline images whose rows have no strokes here
    tuning: HeldOut | None = None  # tuning runs only: strokes and thinline kept out for validation (no bitmaps)


def is_tuning_row(row: int, stroke_only: bool, tune_fold: int | None, thinline: bool) -> bool:
    """Whether a training-side row is kept out for a tuning run's validation: stroke drawings of the
    bitmap categories (with their bitmaps) and the stroke-only categories' thinline drawings in
    ``tune_fold``; the stroke-only categories' 10 stroke drawings stay in training."""
    return tune_fold is not None and stroke_fold(row) == tune_fold and (stroke_only == thinline)


def _converted(thin: list[tuple[str, np.ndarray]], index: dict[str, int]) -> Split:
    return concat([Split(np.stack([thinline_image(im) for im in images]), np.full(len(images), index[c])) for c, images in thin])


def split_data(folder: Path, labels: list[str], tune_fold: int | None = None) -> tuple[TrainSide, HeldOut]:
    """Partition the shared folder by upstream row into the training side and the test side
    (and, with ``tune_fold``, a stroke/thinline validation set carved from the training side)."""
    index = {name: number for number, name in enumerate(labels)}
    train_bitmaps, test_bitmaps, train_strokes, test_strokes, tune_strokes = [], [], [], [], []
    train_thin: dict[str, np.ndarray] = {}
    test_thin, tune_thin = [], []
    for category in labels:
        stroke_only = category in STROKE_ONLY_CATEGORIES
        drawings = stroke_drawings(folder, category)
        test_rows = {d.row for d in drawings if is_stroke_test_row(d.row, stroke_only)}
        tune_rows = {d.row for d in drawings if d.row not in test_rows and is_tuning_row(d.row, stroke_only, tune_fold, False)}
        train_strokes += [d for d in drawings if d.row not in test_rows | tune_rows]
        test_strokes += [d for d in drawings if d.row in test_rows]
        tune_strokes += [d for d in drawings if d.row in tune_rows]
        bitmap_path = folder / "bitmaps" / f"{category}.npz"
        if bitmap_path.exists():
            images, rows = load_npz(bitmap_path)
            test = bitmap_test_mask(rows)
            train = ~test & ~np.isin(rows, list(test_rows | tune_rows))
            test_bitmaps.append(Split(images[test], np.full(test.sum(), index[category])))
            train_bitmaps.append(Split(images[train], np.full(train.sum(), index[category])))
        if category in THINLINE_CATEGORIES:
            images, rows = load_npz(folder / "thinline" / f"{category}.npz")
            test = np.array([is_stroke_test_row(int(row), stroke_only) for row in rows], dtype=bool)
            tune = ~test & np.array([is_tuning_row(int(row), stroke_only, tune_fold, True) for row in rows], dtype=bool)
            with_strokes = np.isin(rows, [d.row for d in drawings])
            train_thin[category] = images[~test & ~tune & ~with_strokes]
            test_thin.append((category, images[test]))
            tune_thin.append((category, images[tune & ~with_strokes]))
    empty = concat([])
    tuning = HeldOut(empty, tune_strokes, _converted(tune_thin, index)) if tune_fold is not None else None
    return (
        TrainSide(concat(train_bitmaps), train_strokes, train_thin, tuning),
        HeldOut(concat(test_bitmaps), test_strokes, _converted(test_thin, index)),
    )


def carve_validation(bitmaps: Split, fraction: float, rng: np.random.Generator) -> tuple[Split, Split]:
    """``(train, validation)``: a random ``fraction`` of the training-side bitmaps for validation."""
    order = rng.permutation(len(bitmaps))
    cut = int(len(order) * fraction)
    pick = lambda ids: Split(bitmaps.images[ids], bitmaps.labels[ids])  # noqa: E731
    return pick(np.sort(order[cut:])), pick(np.sort(order[:cut]))
