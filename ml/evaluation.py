"""The figures behind ``python -m ml.evaluate``: every format of a data folder through the serving path.

Bitmaps are predicted as stored; simplified strokes go through ``ml.raster.rasterize`` (Google's
own bitmap recipe) and raw strokes through ``ml.raster.render_raw`` (simplify + rasterize), exactly
what the server does with a browser's strokes; predictions come from ``ml.inference`` (LiteRT, no
TensorFlow). Work is batched: images are gathered into ``FLUSH_IMAGES`` and predicted in
``PREDICT_BATCH`` rows per call (the last batch zero-padded, so LiteRT keeps one interpreter).
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ml import live
from ml.data import RAW, SIMPLIFIED, DataFileError, DataFolder, iter_drawings, load_bitmaps
from ml.dataset import STROKE_ONLY_CATEGORIES, bitmap_test_mask, is_stroke_test_row
from ml.errors import InvalidDrawing
from ml.inference import IMAGE_SIDE, Classifier
from ml.metrics import top_k_hits
from ml.raster import rasterize, render_raw

PREDICT_BATCH = 256  # rows per LiteRT call
FLUSH_IMAGES = 8 * PREDICT_BATCH  # images gathered before predicting: padding wastes at most 1/8
TOP_KS = (1, 3)
SIX_WAY = ("cat", "giraffe", "sheep", "bat", "octopus", "camel")  # the seed animals
PERCENT = 100.0
PERCENT_DECIMALS = 2
FRACTION_DECIMALS = 4
SPLIT_ALL, SPLIT_HELDOUT = "all", "heldout"
SPLITS = (SPLIT_ALL, SPLIT_HELDOUT)

Progress = Callable[[str], None]
Sink = Callable[[np.ndarray, np.ndarray], None]  # (probs (N, C), true labels (N,))


def predict(classifier: Classifier, images: np.ndarray) -> np.ndarray:
    """Probabilities for uint8 ``(N, 28, 28)`` images, ``PREDICT_BATCH`` rows per call."""
    parts = []
    for start in range(0, len(images), PREDICT_BATCH):
        batch = np.asarray(images[start : start + PREDICT_BATCH], dtype=np.uint8)
        padded = np.zeros((PREDICT_BATCH, IMAGE_SIDE, IMAGE_SIDE), np.uint8)
        padded[: len(batch)] = batch
        parts.append(classifier.predict(padded)[: len(batch)])
    return np.concatenate(parts) if parts else np.zeros((0, len(classifier.labels)), np.float32)


def percent(hits: np.ndarray) -> float | None:
    return round(float(np.mean(hits)) * PERCENT, PERCENT_DECIMALS) if len(hits) else None


@dataclass
class Tally:
    """One section's hits, item by item in reading order, plus what it skipped."""

    names: list[str]
    labels: list[np.ndarray] = field(default_factory=list)
    predicted: list[np.ndarray] = field(default_factory=list)
    hits: dict[int, list[np.ndarray]] = field(default_factory=lambda: {k: [] for k in TOP_KS})
    skipped: Counter = field(default_factory=Counter)  # category outside the vocabulary -> items
    invalid: int = 0  # drawings ml.raster refuses (InvalidDrawing): not counted in n

    def add(self, probs: np.ndarray, labels: np.ndarray) -> None:
        self.labels.append(labels)
        self.predicted.append(probs.argmax(axis=1))
        for k in TOP_KS:
            self.hits[k].append(top_k_hits(probs, labels, k))

    def joined(self, parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def skipped_figures(self) -> dict:
        return {"items": sum(self.skipped.values()), "categories": sorted(self.skipped)}

    def figures(self) -> dict:
        labels = self.joined(self.labels)
        hits = {k: self.joined(self.hits[k]).astype(bool) for k in TOP_KS}
        per_class = {}
        for number, name in enumerate(self.names):
            rows = labels == number
            if rows.any():
                per_class[name] = {"n": int(rows.sum())} | {f"top{k}": percent(hits[k][rows]) for k in TOP_KS}
        return {"n": len(labels)} | {f"top{k}": percent(hits[k]) for k in TOP_KS} | {
            "per_class": per_class,
            "skipped": self.skipped_figures(),
            "invalid": self.invalid,
        }


@dataclass
class SixWay:
    """Top-1 with the softmax restricted (renormalised) to the seed animals the model knows."""

    names: list[str]
    hits: list[np.ndarray] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return [name for name in SIX_WAY if name in self.names]

    def add(self, probs: np.ndarray, labels: np.ndarray) -> None:
        subset = np.array([self.names.index(name) for name in self.classes], dtype=np.int64)
        rows = np.isin(labels, subset)
        if subset.size and rows.any():
            restricted = probs[rows][:, subset]
            restricted = restricted / restricted.sum(axis=1, keepdims=True)
            self.hits.append(subset[restricted.argmax(axis=1)] == labels[rows])

    def figures(self) -> dict:
        hits = np.concatenate(self.hits) if self.hits else np.zeros(0, bool)
        return {"n": len(hits), "top1": percent(hits), "classes": self.classes}


class Batches:
    """Images gathered until ``FLUSH_IMAGES``, then predicted and handed to every sink."""

    def __init__(self, classifier: Classifier, sinks: Iterable[Sink]) -> None:
        self.classifier, self.sinks = classifier, list(sinks)
        self.images: list[np.ndarray] = []
        self.labels: list[int] = []

    def add(self, image: np.ndarray, label: int) -> None:
        self.images.append(image)
        self.labels.append(label)
        if len(self.images) >= FLUSH_IMAGES:
            self.flush()

    def flush(self) -> None:
        if self.images:
            probs = predict(self.classifier, np.stack(self.images))
            labels = np.array(self.labels, dtype=np.int64)
            for sink in self.sinks:
                sink(probs, labels)
        self.images, self.labels = [], []


@dataclass
class LiveReplay:
    """Raw drawings replayed message by message as the page sends them (``ml.live.page_chunks``); all of a
    drawing's states in one predict."""

    classifier: Classifier
    frame_ms: float = live.FRAME_MS
    send_interval_ms: float = live.SEND_INTERVAL_MS
    recognized: list[bool] = field(default_factory=list)
    fractions: list[float] = field(default_factory=list)
    updates: int = 0
    invalid: int = 0
    pending: list[tuple[list, int, list[live.Chunk], np.ndarray]] = field(default_factory=list)
    pending_images: int = 0

    def add(self, strokes: list, label: int) -> None:
        steps = live.page_chunks(strokes, frame_ms=self.frame_ms, send_interval_ms=self.send_interval_ms)
        try:
            images = np.stack([render_raw(live.prefix(strokes, chunk)) for chunk in steps])
        except InvalidDrawing:
            self.invalid += 1
            return
        self.pending.append((strokes, label, steps, images))
        self.pending_images += len(images)
        if self.pending_images >= FLUSH_IMAGES:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        top1 = predict(self.classifier, np.concatenate([images for *_, images in self.pending])).argmax(axis=1)
        start = 0
        for strokes, label, steps, images in self.pending:
            guesses = [self.classifier.labels[i] for i in top1[start : start + len(images)]]
            start += len(images)
            truth = self.classifier.labels[label]
            timeline = [(chunk.t, guess) for chunk, guess in zip(steps, guesses, strict=True)]
            self.recognized.append(live.recognized_some_prefix(guesses, truth))
            self.fractions.append(live.lock_fraction(timeline, truth, start=live.drawing_span(strokes)[0]))
            self.updates += len(images)
        self.pending, self.pending_images = [], 0

    def figures(self, skipped: dict) -> dict:
        return {
            "n": len(self.fractions),
            "recognized_some_prefix": percent(np.array(self.recognized, dtype=bool)),
            "mean_time_fraction_to_lock": (
                round(float(np.mean(self.fractions)), FRACTION_DECIMALS) if self.fractions else None
            ),
            "updates": self.updates,
            "frame_ms": round(self.frame_ms, FRACTION_DECIMALS),
            "send_interval_ms": self.send_interval_ms,
            "skipped": skipped,
            "invalid": self.invalid,
        }


def is_heldout_stroke(row: int | None, category: str, path: Path) -> bool:
    """Whether a stroke drawing is on ``ml.dataset``'s test side (never trained or tuned on)."""
    if row is None:
        raise DataFileError(f"{path}: upstream rows unknown, so --split {SPLIT_HELDOUT} cannot tell held-out drawings")
    return is_stroke_test_row(row, category in STROKE_ONLY_CATEGORIES)


def count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as lines:
        return sum(1 for line in lines if line.strip())


def bitmap_tally(classifier: Classifier, files: dict[str, Path], split: str, progress: Progress) -> Tally:
    """Stored bitmaps (``.npz`` or upstream ``.npy``, memory-mapped), ``FLUSH_IMAGES`` at a time."""
    tally = Tally(classifier.labels)
    for number, (category, path) in enumerate(files.items(), start=1):
        progress(f"bitmaps {number}/{len(files)}: {category}")
        images, rows = load_bitmaps(path, mmap=True)
        if category not in classifier.labels:
            tally.skipped[category] += len(rows)
            continue
        # held out: ml.dataset's test slice of the category (its highest upstream rows)
        chosen = np.flatnonzero(bitmap_test_mask(rows)) if split == SPLIT_HELDOUT else np.arange(len(rows))
        label = classifier.labels.index(category)
        for start in range(0, len(chosen), FLUSH_IMAGES):
            batch = np.asarray(images[chosen[start : start + FLUSH_IMAGES]]).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
            tally.add(predict(classifier, batch), np.full(len(batch), label, dtype=np.int64))
    return tally


def stroke_tally(
    classifier: Classifier,
    kind: str,
    files: dict[str, Path],
    split: str,
    sinks: Iterable[Sink],
    replay: LiveReplay | None,
    progress: Progress,
) -> Tally:
    """Stroke drawings of ``kind`` rendered like serving; raw ones are also replayed live when asked."""
    tally = Tally(classifier.labels)
    batches = Batches(classifier, [tally.add, *sinks])
    render = rasterize if kind == SIMPLIFIED else render_raw
    for number, (category, path) in enumerate(files.items(), start=1):
        progress(f"{kind} {number}/{len(files)}: {category}")
        if category not in classifier.labels:
            tally.skipped[category] += count_lines(path)
            continue
        label = classifier.labels.index(category)
        for record in iter_drawings(path, kind):
            if split == SPLIT_HELDOUT and not is_heldout_stroke(record.row, category, path):
                continue
            try:
                image = render(record.drawing)
            except InvalidDrawing:
                tally.invalid += 1
                continue
            batches.add(image, label)
            if replay is not None:
                replay.add(record.drawing, label)
    batches.flush()
    if replay is not None:
        replay.flush()
    return tally


def evaluate(
    classifier: Classifier,
    folder: DataFolder,
    split: str = SPLIT_ALL,
    with_live: bool = True,
    frame_ms: float = live.FRAME_MS,
    send_interval_ms: float = live.SEND_INTERVAL_MS,
    progress: Progress = lambda text: None,
) -> dict:
    """Every section's figures; a section is None when the folder has no file of its format."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    six = SixWay(classifier.labels)
    replay = LiveReplay(classifier, frame_ms, send_interval_ms) if with_live and folder.raw else None
    tallies: dict[str, Tally | None] = {"bitmaps": None, SIMPLIFIED: None, RAW: None}
    if folder.bitmaps:
        tallies["bitmaps"] = bitmap_tally(classifier, folder.bitmaps, split, progress)
    for kind in (SIMPLIFIED, RAW):
        files = getattr(folder, kind)
        if files:
            tallies[kind] = stroke_tally(
                classifier, kind, files, split, [six.add], replay if kind == RAW else None, progress
            )
    figures: dict = {name: tally.figures() if tally else None for name, tally in tallies.items()}
    figures["live"] = replay.figures(figures[RAW]["skipped"]) if replay else None
    figures["six_way"] = six.figures() if folder.simplified or folder.raw else None
    return figures
