"""Strokes to top-K guesses for a batch of drawings (pure, no Django): the path `ml.evaluate` uses too.

``render_raw`` (Google's simplification + numpy_bitmap rendering) per drawing, or a renderer that
gives the same image (a session's ``ml.incremental.LiveRaster``), then ONE ``Classifier.predict`` for
the whole batch, then ``top_k`` per row.
"""

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from ml.errors import DrawsiteError
from ml.inference import top_k
from ml.raster import render_raw
from recognizer.timeline import Guess

Outcome = list[Guess] | DrawsiteError
Renderer = Callable[[list], np.ndarray]  # raw strokes -> the model's input image, as render_raw makes it


class ClassifierLike(Protocol):
    labels: Sequence[str]
    version: str

    def predict(self, images: np.ndarray) -> np.ndarray: ...


def recognize_batch(
    drawings: Sequence[list],
    *,
    classifier: ClassifierLike,
    k: int,
    renderers: Sequence[Renderer | None] | None = None,
) -> list[Outcome]:
    """One outcome per drawing: its top-``k`` guesses, ``[]`` if empty, or the error rendering it raised.

    ``renderers[i]`` renders drawing ``i`` (None or absent: ``render_raw``). Safe to run in several
    threads at once (``Classifier.predict`` keeps one interpreter per thread).
    """
    outcomes: list[Outcome] = [[] for _ in drawings]
    images: list[np.ndarray] = []
    rows: list[int] = []
    for index, strokes in enumerate(drawings):
        if not strokes:
            continue
        render = (renderers[index] if renderers is not None else None) or render_raw
        try:
            images.append(render(strokes))
        except DrawsiteError as error:
            outcomes[index] = error
            continue
        rows.append(index)
    if images:
        probabilities = classifier.predict(np.stack(images))
        for index, row in zip(rows, probabilities, strict=True):
            outcomes[index] = [Guess(str(label), float(score)) for label, score in top_k(row, classifier.labels, k)]
    return outcomes
