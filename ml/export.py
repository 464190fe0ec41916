"""Export a trained Keras model: ``model.keras`` (training), ``model.tflite`` (serving) and a reload check.

The check runs the same images through the reloaded ``.keras`` model and through LiteRT (via
``ml.inference``) and fails loudly if their probabilities disagree: what ships is what was measured.
"""

import contextlib
import io
import json
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from ml.inference import LABELS_FILE, METRICS_FILE, MODEL_FILE, load_classifier

KERAS_FILE = "model.keras"
RELOAD_TOLERANCE = 1e-4  # max |p_keras - p_tflite|: float32 kernels differ only by rounding


def to_tflite(model: keras.Model) -> bytes:
    """The model as a float32 TFLite flatbuffer (batch dimension resizable at load time)."""
    with contextlib.redirect_stdout(io.StringIO()):  # the converter prints every captured variable
        return tf.lite.TFLiteConverter.from_keras_model(model).convert()


def write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def export_model(model: keras.Model, labels: list[str], metrics: dict, out_dir: Path) -> None:
    """Write ``model.keras``, ``model.tflite``, ``labels.json`` and ``metrics.json`` (needs ``version``)."""
    if "version" not in metrics:
        raise ValueError("metrics must name the model's version")
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(out_dir / KERAS_FILE)
    (out_dir / MODEL_FILE).write_bytes(to_tflite(model))
    write_json(out_dir / LABELS_FILE, list(labels))
    write_json(out_dir / METRICS_FILE, metrics)


def reload_gap(out_dir: Path, images: np.ndarray) -> float:
    """Largest probability gap between the reloaded ``.keras`` model and LiteRT on ``images``."""
    reloaded = keras.models.load_model(out_dir / KERAS_FILE)
    expected = reloaded.predict(images.astype(np.float32), verbose=0)
    served = load_classifier(out_dir).predict(images)
    return float(np.abs(expected - served).max())


def check_reload(out_dir: Path, images: np.ndarray) -> float:
    """``reload_gap``, raising if it exceeds ``RELOAD_TOLERANCE``."""
    gap = reload_gap(out_dir, images)
    if gap > RELOAD_TOLERANCE:
        raise RuntimeError(f".keras and .tflite disagree by {gap:.2e} (> {RELOAD_TOLERANCE:g})")
    return gap
