"""Figures on the held-out side, measured through LiteRT (what ships), for ``metrics.json``."""

import numpy as np

from ml.dataset import STROKE_ONLY_CATEGORIES, HeldOut, Split
from ml.evaluation import PERCENT, SIX_WAY, LiveReplay
from ml.inference import Classifier
from ml.metrics import (
    confusion_matrix,
    per_class_accuracy,
    restricted_accuracy,
    top_confusions,
    top_k_accuracy,
)
from ml.raster import rasterize, render_raw

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
    figures = {"n": len(labels), "top1": _round(top_k_accuracy(probs, labels, 1)), "top3": _round(top_k_accuracy(probs, labels, 3))}
    if per_class:
        top1, top3 = per_class_accuracy(probs, labels, names, 1), per_class_accuracy(probs, labels, names, 3)
        counts = np.bincount(labels, minlength=len(names))
        figures["per_class"] = {
            name: {"n": int(counts[names.index(name)]), "top1": _round(top1[name]), "top3": _round(top3[name])} for name in top1
        }
    return figures


def live_figures(classifier: Classifier, drawings: list, names: list[str]) -> dict:
    """Replay raw drawings update by update as ``python -m ml.evaluate`` does (``ml.live``): share whose
    true category is top-1 after some update, and the mean time fraction before the guess locks on it
    for good (1.0 for a drawing that does not end on it; lower is better)."""
    replay = LiveReplay(classifier)
    for drawing in drawings:
        replay.add(drawing.strokes, names.index(drawing.category))
    replay.flush()
    found = replay.figures(skipped={})
    recognized = found["recognized_some_prefix"]
    return {
        "n": found["n"],
        "updates": found["updates"],
        "frame_ms": found["frame_ms"],
        "send_interval_ms": found["send_interval_ms"],
        "ever_top1": None if recognized is None else _round(recognized / PERCENT),
        "mean_time_fraction_to_lock": found["mean_time_fraction_to_lock"],
    }


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
    # as ml.evaluate counts it: every simplified and raw stroke drawing, no bitmaps or thinline
    stroke_probs_all = np.concatenate([stroke_probs["simplified"], stroke_probs["raw"]])
    stroke_labels_all = np.concatenate([sets["simplified"].labels, sets["raw"].labels])
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
            "top1_restricted_strokes": _round(restricted_accuracy(stroke_probs_all, stroke_labels_all, six)),
            "n_strokes": int(np.isin(stroke_labels_all, six).sum()),
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
