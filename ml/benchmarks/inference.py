"""Benchmark of ml.inference on the committed model: LiteRT, one core, batch 1 and batch 32."""

import sys

import numpy as np

from ml.bench import measure, pin_to_one_core
from ml.config import DEFAULT_MODEL_DIR
from ml.inference import load_classifier

BATCH_SIZES = (1, 32)
INPUTS = 200  # distinct random images (or batches) per size
ROUNDS = 5
TARGET_MEDIAN_US = 150  # per image at batch 1, one core
SEED = 0


def run() -> list[dict]:
    pinned = pin_to_one_core()
    if not (DEFAULT_MODEL_DIR / "model.tflite").exists():
        print(f"inference benchmark skipped: no model at {DEFAULT_MODEL_DIR}", file=sys.stderr)
        return []
    classifier = load_classifier(DEFAULT_MODEL_DIR)
    rng = np.random.default_rng(SEED)
    rows = []
    for batch in BATCH_SIZES:
        inputs = [rng.integers(0, 256, size=(batch, 28, 28), dtype=np.uint8) for _ in range(INPUTS)]
        row = measure(f"inference.predict batch={batch}", classifier.predict, inputs, ROUNDS)
        row.update(
            per_image_median_us=round(row["median_us"] / batch, 1), model=classifier.version, cpu=pinned
        )
        if batch == 1:
            row["target_median_us"] = TARGET_MEDIAN_US
        rows.append(row)
    return rows
