"""ml.metrics: pure evaluation helpers, table-driven."""

import numpy as np
import pytest

from ml.metrics import (
    confusion_matrix,
    per_class_accuracy,
    restricted_accuracy,
    top_confusions,
    top_k_accuracy,
)

PROBS = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.5, 0.1, 0.4], [0.1, 0.2, 0.7]])
LABELS = np.array([0, 2, 2, 2])


@pytest.mark.parametrize(("k", "expected"), [(1, 0.5), (2, 1.0), (3, 1.0)])
def test_top_k_accuracy(k: int, expected: float) -> None:
    assert top_k_accuracy(PROBS, LABELS, k) == pytest.approx(expected)


def test_per_class_accuracy_only_classes_with_rows() -> None:
    assert per_class_accuracy(PROBS, LABELS, ["a", "b", "c"]) == pytest.approx({"a": 1.0, "c": 1 / 3})


def test_confusion_and_top_confusions() -> None:
    matrix = confusion_matrix(PROBS.argmax(axis=1), LABELS, 3)
    assert matrix.tolist() == [[1, 0, 0], [0, 0, 0], [1, 1, 1]]
    assert top_confusions(matrix, ["a", "b", "c"], 5) == [
        {"true": "c", "predicted": "a", "count": 1, "rate": pytest.approx(1 / 3)},
        {"true": "c", "predicted": "b", "count": 1, "rate": pytest.approx(1 / 3)},
    ]


@pytest.mark.parametrize(("subset", "expected"), [([0, 2], 0.75), ([1, 2], 2 / 3), ([0, 1], 1.0)])
def test_restricted_accuracy(subset: list[int], expected: float) -> None:
    assert restricted_accuracy(PROBS, LABELS, subset) == pytest.approx(expected)
