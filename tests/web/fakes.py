"""A deterministic test double of ml.inference.Classifier, so protocol tests do not depend on a trained model.

Scores follow the rendered image's ink: a few pixels of ink make "sparse" the top guess, a lot make
"dense" win; "middle" is never first. Real rendering (ml.raster) runs unchanged.
"""

import threading
import time

import numpy as np

FAKE_LABELS = ("sparse", "dense", "middle")
FAKE_VERSION = "fake-ink-1"
DENSE_WEIGHT = 4.0
MIDDLE_SCORE = 0.05


class FakeClassifier:
    labels = list(FAKE_LABELS)
    version = FAKE_VERSION

    def __init__(self, *, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s  # simulated predict time, to make requests pile up
        self.batch_sizes: list[int] = []
        self._lock = threading.Lock()

    def predict(self, images: np.ndarray) -> np.ndarray:
        assert images.dtype == np.uint8 and images.shape[1:] == (28, 28)
        with self._lock:
            self.batch_sizes.append(len(images))
        if self.delay_s:
            time.sleep(self.delay_s)
        ink = (images > 0).reshape(len(images), -1).mean(axis=1)
        scores = np.stack([1.0 - ink, DENSE_WEIGHT * ink, np.full_like(ink, MIDDLE_SCORE)], axis=1)
        return (scores / scores.sum(axis=1, keepdims=True)).astype(np.float32)
