"""Evaluation helpers, pure numpy: top-k accuracy, per-class figures, confusion, restricted
(n-way) accuracy (the live-guess figures are ``ml.live``'s). Shared by ``ml.train`` and ``ml.evaluate``."""

from collections.abc import Sequence

import numpy as np


def top_k_hits(probs: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Per row: whether the true label is among the ``k`` highest probabilities."""
    probs = np.asarray(probs)
    if len(probs) == 0:
        return np.zeros(0, dtype=bool)
    true_score = probs[np.arange(len(probs)), labels]
    # rank = how many classes score strictly higher than the true one (ties favour the truth)
    return (probs > true_score[:, None]).sum(axis=1) < k


def top_k_accuracy(probs: np.ndarray, labels: np.ndarray, k: int = 1) -> float:
    """Fraction of rows whose true label is in the top ``k`` (nan for no rows)."""
    hits = top_k_hits(probs, labels, k)
    return float(hits.mean()) if len(hits) else float("nan")


def per_class_accuracy(probs: np.ndarray, labels: np.ndarray, names: Sequence[str], k: int = 1) -> dict[str, float]:
    """Top-``k`` accuracy of each class that has rows, keyed by name."""
    hits = top_k_hits(probs, labels, k)
    return {names[c]: float(hits[labels == c].mean()) for c in range(len(names)) if (labels == c).any()}


def confusion_matrix(predicted: np.ndarray, labels: np.ndarray, classes: int) -> np.ndarray:
    """Counts ``[true, predicted]``."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(predicted)), 1)
    return matrix


def top_confusions(matrix: np.ndarray, names: Sequence[str], count: int) -> list[dict]:
    """The ``count`` most frequent mistakes: ``{"true", "predicted", "count", "rate"}`` (rate of the true class)."""
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off, axis=None, kind="stable")[:count]
    rows = []
    for flat in order:
        true, predicted = np.unravel_index(flat, off.shape)
        if off[true, predicted] == 0:
            break
        rows.append(
            {
                "true": names[true],
                "predicted": names[predicted],
                "count": int(off[true, predicted]),
                "rate": float(off[true, predicted] / matrix[true].sum()),
            }
        )
    return rows


def restricted_accuracy(probs: np.ndarray, labels: np.ndarray, subset: Sequence[int]) -> float:
    """Top-1 accuracy with the softmax restricted to ``subset`` (class indices), on rows of those classes."""
    subset = np.asarray(subset)
    rows = np.isin(labels, subset)
    if not rows.any():
        return float("nan")
    chosen = subset[np.argmax(np.asarray(probs)[rows][:, subset], axis=1)]
    return float((chosen == labels[rows]).mean())
