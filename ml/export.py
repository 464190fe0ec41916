"""Export a trained Keras model: ``model.keras`` (training), ``model.tflite`` (serving) and a reload check.

The check runs the same images through the reloaded ``.keras`` model and through LiteRT (via
``ml.inference``) and fails loudly if their probabilities disagree beyond what the export's
quantization explains: what ships is what was measured (every figure is taken through LiteRT).

Quantization ``dynamic-int8`` stores weights as int8 and lets LiteRT (XNNPACK) quantize activations
per image on the fly: about 3x faster at batch 1 on one core and 4x smaller than ``float32``, and a
drawing's probabilities do not depend on the other images of its batch. With ``mirror`` (the default)
the ``.tflite`` averages the model over each image and its mirror (``ml.model.mirror_averaged``).
"""

import contextlib
import io
import json
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from ml.inference import LABELS_FILE, METRICS_FILE, MODEL_FILE, load_classifier
from ml.model import mirror_averaged

KERAS_FILE = "model.keras"
FLOAT32, DYNAMIC_INT8 = "float32", "dynamic-int8"
QUANTIZATIONS = (FLOAT32, DYNAMIC_INT8)
DEFAULT_QUANTIZATION = DYNAMIC_INT8
# max |p_keras - p_tflite|: float32 kernels differ only by rounding; int8 weights move a probability
# by ~0.02 at most on validation images (measured), so 0.1 still catches a broken export
RELOAD_TOLERANCE = {FLOAT32: 1e-4, DYNAMIC_INT8: 0.1}
MIN_TOP1_AGREEMENT = {FLOAT32: 1.0, DYNAMIC_INT8: 0.99}  # share of images whose top-1 is the same
DEFAULT_MIRROR = True


def serving_network(model: keras.Model, mirror: bool) -> keras.Model:
    """The network the ``.tflite`` computes for ``model``."""
    return mirror_averaged(model) if mirror else model


def to_tflite(model: keras.Model, quantization: str = DEFAULT_QUANTIZATION, mirror: bool = DEFAULT_MIRROR) -> bytes:
    """The served model as a TFLite flatbuffer (batch dimension resizable at load time)."""
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"quantization must be one of {QUANTIZATIONS}, not {quantization!r}")
    converter = tf.lite.TFLiteConverter.from_keras_model(serving_network(model, mirror))
    if quantization == DYNAMIC_INT8:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]  # no representative data: weights only
    with contextlib.redirect_stdout(io.StringIO()):  # the converter prints every captured variable
        return converter.convert()


def write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def export_model(
    model: keras.Model, labels: list[str], metrics: dict, out_dir: Path, quantization: str = DEFAULT_QUANTIZATION,
    mirror: bool = DEFAULT_MIRROR,
) -> None:
    """Write ``model.keras``, ``model.tflite``, ``labels.json`` and ``metrics.json`` (needs ``version``)."""
    if "version" not in metrics:
        raise ValueError("metrics must name the model's version")
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(out_dir / KERAS_FILE)
    (out_dir / MODEL_FILE).write_bytes(to_tflite(model, quantization, mirror))
    write_json(out_dir / LABELS_FILE, list(labels))
    write_metrics(out_dir, metrics)


def write_metrics(out_dir: Path, metrics: dict) -> None:
    """Rewrite ``metrics.json`` alone (figures measured after the export)."""
    write_json(out_dir / METRICS_FILE, metrics)


def reload_agreement(out_dir: Path, images: np.ndarray, mirror: bool = DEFAULT_MIRROR) -> dict:
    """Reloaded ``.keras`` vs LiteRT on ``images``: largest probability gap and share of equal top-1."""
    reloaded = serving_network(keras.models.load_model(out_dir / KERAS_FILE), mirror)
    expected = reloaded.predict(images.astype(np.float32), verbose=0)
    served = load_classifier(out_dir).predict(images)
    return {
        "max_gap": float(np.abs(expected - served).max()),
        "top1_agreement": float((expected.argmax(axis=1) == served.argmax(axis=1)).mean()),
    }


def check_reload(
    out_dir: Path, images: np.ndarray, quantization: str = DEFAULT_QUANTIZATION, mirror: bool = DEFAULT_MIRROR
) -> dict:
    """``reload_agreement``, raising if the gap or the top-1 disagreement exceeds the quantization's allowance."""
    found = reload_agreement(out_dir, images, mirror)
    if found["max_gap"] > RELOAD_TOLERANCE[quantization] or found["top1_agreement"] < MIN_TOP1_AGREEMENT[quantization]:
        raise RuntimeError(
            f".keras and .tflite ({quantization}) disagree: max gap {found['max_gap']:.2e} "
            f"(allowed {RELOAD_TOLERANCE[quantization]:g}), same top-1 on {found['top1_agreement']:.1%} "
            f"(needed {MIN_TOP1_AGREEMENT[quantization]:.0%})"
        )
    return found
