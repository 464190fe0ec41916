"""Serving inference on LiteRT: load the exported model once, predict batches from many threads.

No TensorFlow here: the web app runs on ``ai_edge_litert`` alone. Images are uint8 ``(N, 28, 28)``
exactly as ``ml.raster.rasterize`` returns them (255 = ink on 0); the model itself scales them.
"""

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from ml.errors import DrawsiteError

MODEL_FILE = "model.tflite"
LABELS_FILE = "labels.json"
METRICS_FILE = "metrics.json"
IMAGE_SIDE = 28
INTERPRETER_THREADS = 1  # one core per call: the server parallelises across calls, not inside one


class _Interpreters(threading.local):
    """Per-thread interpreters keyed by batch size: LiteRT interpreters are not thread-safe."""

    def __init__(self) -> None:
        self.by_batch: dict[int, Interpreter] = {}


@dataclass(eq=False)
class Classifier:
    """A LiteRT image classifier over ``labels``; ``predict`` is safe to call from any thread."""

    model_path: Path
    labels: list[str]
    version: str
    _local: _Interpreters = field(default_factory=_Interpreters, repr=False)

    def _interpreter(self, batch: int) -> Interpreter:
        interpreter = self._local.by_batch.get(batch)
        if interpreter is None:
            interpreter = Interpreter(model_path=str(self.model_path), num_threads=INTERPRETER_THREADS)
            index = interpreter.get_input_details()[0]["index"]
            interpreter.resize_tensor_input(index, [batch, IMAGE_SIDE, IMAGE_SIDE], strict=False)
            interpreter.allocate_tensors()
            self._local.by_batch[batch] = interpreter
        return interpreter

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities, float32 ``(N, len(labels))``, for uint8 images ``(N, 28, 28)``."""
        images = np.asarray(images)
        if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
            raise DrawsiteError(f"images must be (N, {IMAGE_SIDE}, {IMAGE_SIDE}), got {images.shape}")
        if images.shape[0] == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        interpreter = self._interpreter(images.shape[0])
        input_detail = interpreter.get_input_details()[0]
        interpreter.set_tensor(input_detail["index"], images.astype(input_detail["dtype"], copy=False))
        interpreter.invoke()
        output = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
        return np.asarray(output, dtype=np.float32)


def top_k(probs_row: np.ndarray, labels: list[str], k: int) -> list[tuple[str, float]]:
    """The ``k`` most probable ``(label, probability)`` pairs, most probable first (ties: label order)."""
    order = np.argsort(-np.asarray(probs_row), kind="stable")[: max(k, 0)]
    return [(labels[i], float(probs_row[i])) for i in order]


def load_classifier(model_dir: Path) -> Classifier:
    """The classifier in ``model_dir``: ``model.tflite``, ``labels.json`` and ``metrics.json``."""
    model_dir = Path(model_dir)
    labels = json.loads((model_dir / LABELS_FILE).read_text(encoding="utf-8"))
    version = json.loads((model_dir / METRICS_FILE).read_text(encoding="utf-8"))["version"]
    classifier = Classifier(model_dir / MODEL_FILE, [str(label) for label in labels], str(version))
    outputs = classifier._interpreter(1).get_output_details()[0]["shape"][-1]
    if outputs != len(classifier.labels):
        raise DrawsiteError(f"{MODEL_FILE} has {outputs} outputs but {LABELS_FILE} names {len(labels)}")
    return classifier
