"""The committed model meets a floor on held-out Google bitmaps, through LiteRT only."""

from pathlib import Path

import numpy as np
import pytest

from ml.config import DEFAULT_MODEL_DIR
from ml.dataset import bitmap_test_mask, load_npz
from ml.inference import load_classifier

PER_CLASS = 20  # held-out bitmaps per category (the highest rows: the test slice)
TOP1_FLOOR = 0.85


def test_committed_model_top1_floor_on_held_out_bitmaps(quickdraw_data: Path) -> None:
    if not (DEFAULT_MODEL_DIR / "model.tflite").exists():
        pytest.skip(f"no committed model at {DEFAULT_MODEL_DIR}")
    classifier = load_classifier(DEFAULT_MODEL_DIR)
    hits = total = 0
    for path in sorted((quickdraw_data / "bitmaps").glob("*.npz")):
        images, rows = load_npz(path)
        held = np.flatnonzero(bitmap_test_mask(rows))[-PER_CLASS:]
        predicted = classifier.predict(images[held]).argmax(axis=1)
        hits += int((predicted == classifier.labels.index(path.stem)).sum())
        total += len(held)
    assert total >= PER_CLASS
    assert hits / total >= TOP1_FLOOR, f"top-1 {hits / total:.3f} on {total} held-out bitmaps"
