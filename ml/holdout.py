"""Figures on the held-out side, measured through LiteRT (what ships), for ``metrics.json``."""

import numpy as np

from ml.dataset import STROKE_ONLY_CATEGORIES, HeldOut, Split
from ml.inference import Classifier
from ml.metrics import (
    confusion_matrix,
    per_class_accuracy,
    restricted_accuracy,
    settle_fraction,
    top_confusions,
    top_k_accuracy,
)
from ml.raster import rasterize, render_raw

SIX_WAY = ("cat", "giraffe", "sheep", "bat", "octopus", "camel")
LIVE_UPDATES = 24  # replay instants per drawing, evenly spaced in the drawing's own time
CONFUSIONS_REPORTED = 12
DECIMALS = 4
PREDICT_BATCH = 256


def predict(classifier: Classifier, images: np.ndarray) -> np.ndarray:
    parts = [classifier.predict(images[i : i + PREDICT_BATCH]) for i in range(0, len(images), PREDICT_BATCH)]
    return np.concatenate(parts) if parts else np.zeros((0, len(classifier.labels)), np.float32)


def _round(value: float) -> float:
    return round(float(value), DECIMALS)


def summary(probs: np.ndarray, labels: np.ndarray, names: list[str], per_class: bool = True) -> dict:
    """Overall (and per-class) top-1/top-3 for one set of images."""
    figures = {"n": int(len(labels)), "top1": _round(top_k_accuracy(probs, labels, 1)), "top3": _round(top_k_accuracy(probs, labels, 3))}
    if per_class:
        top1, top3 = per_class_accuracy(probs, labels, names, 1), per_class_accuracy(probs, labels, names, 3)
        counts = np.bincount(labels, minlength=len(names))
        figures["per_class"] = {
            name: {"n": int(counts[names.index(name)]), "top1": _round(top1[name]), "top3": _round(top3[name])} for name in top1
        }
    return figures


def replay_instants(strokes: list, updates: int) -> tuple[list[list], np.ndarray]:
    """The drawing as the server sees it at ``updates`` evenly spaced instants of its own time."""
    end = max(max(stroke[2]) for stroke in strokes if stroke[2])
    start = min(min(stroke[2]) for stroke in strokes if stroke[2])
    instants = np.linspace(start, end, updates)
    partials = []
    for instant in instants:
        partial = []
        for xs, ys, ts in strokes:
            keep = int(np.searchsorted(ts, instant, side="right"))
            if keep:
                partial.append([xs[:keep], ys[:keep], ts[:keep]])
        partials.append(partial)
    return partials, instants


def live_figures(classifier: Classifier, drawings: list, names: list[str]) -> dict:
    """Replay raw drawings: share whose true label is ever top-1, and the mean settling fraction
    (1.0 for a drawing that does not end on the right guess)."""
    ever, settle = [], []
    for drawing in drawings:
        partials, instants = replay_instants(drawing.strokes, LIVE_UPDATES)
        probs = predict(classifier, np.stack([render_raw(p) for p in partials]))
        correct = probs.argmax(axis=1) == names.index(drawing.category)
        ever.append(bool(correct.any()))
        fraction = settle_fraction(correct, instants)
        settle.append(1.0 if fraction is None else fraction)
    return {"n": len(drawings), "updates_per_drawing": LIVE_UPDATES, "ever_top1": _round(np.mean(ever)), "mean_settle_fraction": _round(np.mean(settle))}


def _images(images: list[np.ndarray], labels: list[int]) -> Split:
    shaped = np.array(images, dtype=np.uint8).reshape(-1, 28, 28)
    return Split(shaped, np.array(labels, dtype=np.int64))


def evaluate(classifier: Classifier, held: HeldOut, live: bool = True) -> dict:
    """Every held-out figure for metrics.json (bitmaps, simplified, raw, six-way, live, confusions)."""
    names = classifier.labels
    index = {name: i for i, name in enumerate(names)}
    bitmap_probs = predict(classifier, held.bitmaps.images)
    simplified = [d for d in held.strokes if d.simplified is not None]
    raw = [d for d in held.strokes if d.kind == "raw"]
    sets = {
        "simplified": _images([rasterize(d.simplified) for d in simplified], [index[d.category] for d in simplified]),
        "raw": _images([render_raw(d.strokes) for d in raw], [index[d.category] for d in raw]),
    }
    stroke_probs = {key: predict(classifier, split.images) for key, split in sets.items()}
    six_names = [name for name in SIX_WAY if name in index]
    six = [index[name] for name in six_names]
    # six-way: every held-out image of the six (bitmaps, simplified strokes, converted thinline)
    six_probs = np.concatenate([bitmap_probs, stroke_probs["simplified"], predict(classifier, held.thinline.images)])
    six_labels = np.concatenate([held.bitmaps.labels, sets["simplified"].labels, held.thinline.labels])
    rare = np.isin(six_labels, [index[name] for name in STROKE_ONLY_CATEGORIES if name in index])
    matrix = confusion_matrix(bitmap_probs.argmax(axis=1), held.bitmaps.labels, len(names))
    return {
        "bitmaps": summary(bitmap_probs, held.bitmaps.labels, names),
        "simplified": summary(stroke_probs["simplified"], sets["simplified"].labels, names),
        "raw": summary(stroke_probs["raw"], sets["raw"].labels, names),
        "thinline_converted_stroke_only": summary(predict(classifier, held.thinline.images), held.thinline.labels, names),
        "six_way": {
            "classes": six_names,
            "top1_restricted": _round(restricted_accuracy(six_probs, six_labels, six)),
            "n": int(np.isin(six_labels, six).sum()),
            "per_class_top1_28way": {
                name: _round(top_k_accuracy(six_probs[six_labels == index[name]], six_labels[six_labels == index[name]], 1))
                for name in six_names
            },
            "stroke_only_top1_28way": _round(top_k_accuracy(six_probs[rare], six_labels[rare], 1)),
        },
        "live": live_figures(classifier, raw, names) if live else None,
        "confusions_bitmaps": top_confusions(matrix, names, CONFUSIONS_REPORTED),
        "confusion_matrix_bitmaps": matrix.tolist(),
    }
