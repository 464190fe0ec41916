"""Strokes to top-K guesses for a batch of drawings (pure, no Django): the path `ml.evaluate` uses too.

``render_raw`` (Google's simplification + numpy_bitmap rendering) per drawing, or for drawings with a
session's ``ml.incremental.LiveRaster`` the same image from ONE ``render_many`` call, then ONE
``Classifier.predict`` for the whole batch, then ``top_k`` per row.
"""

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from ml.errors import DrawsiteError
from ml.incremental import LiveRaster, render_many, render_raw_or_error
from ml.inference import top_k
from recognizer.timeline import Guess

Outcome = list[Guess] | DrawsiteError


class ClassifierLike(Protocol):
    labels: Sequence[str]
    version: str

    def predict(self, images: np.ndarray) -> np.ndarray: ...


def recognize_batch(
    drawings: Sequence[list],
    *,
    classifier: ClassifierLike,
    k: int,
    rasters: Sequence[LiveRaster | None] | None = None,
) -> list[Outcome]:
    """One outcome per drawing: its top-``k`` guesses, ``[]`` if empty, or the error rendering it raised.

    ``rasters[i]`` renders drawing ``i`` incrementally (None or absent: ``render_raw``). Safe to run in
    several threads at once (``Classifier.predict`` keeps one interpreter per thread).
    """
    outcomes: list[Outcome] = [[] for _ in drawings]
    rasters = rasters or [None] * len(drawings)
    live = [i for i, strokes in enumerate(drawings) if strokes and rasters[i] is not None]
    images = dict(zip(live, render_many([(rasters[i], drawings[i]) for i in live]), strict=True))
    for index, strokes in enumerate(drawings):
        if strokes and index not in images:
            images[index] = render_raw_or_error(strokes)
    rows = []
    for index, image in sorted(images.items()):
        if isinstance(image, DrawsiteError):
            outcomes[index] = image
        else:
            rows.append(index)
    if rows:
        probabilities = classifier.predict(np.stack([images[index] for index in rows]))
        for index, row in zip(rows, probabilities, strict=True):
            outcomes[index] = [Guess(str(label), float(score)) for label, score in top_k(row, classifier.labels, k)]
    return outcomes
