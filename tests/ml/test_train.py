"""Training smoke test: 2 categories x 64 images, 1 epoch, tiny model; export and reload agree."""

import json
from pathlib import Path

import numpy as np

from ml.inference import load_classifier
from ml.train import main


def test_training_smoke_exports_agreeing_keras_and_tflite(quickdraw_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    args = ["--data", str(quickdraw_data), "--out", str(out), "--limit-categories", "2", "--limit-per-class", "64",
            "--epochs", "1", "--widths", "4,4,4", "--dense", "8", "--recipe-scale", "0.02", "--skip-live",
            "--verbose", "0", "--version", "smoke"]
    assert main(args) == 0
    for name in ("model.keras", "model.tflite", "labels.json", "metrics.json", "confusion.png", "MODEL_CARD.md"):
        assert (out / name).exists(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["version"] == "smoke"
    assert metrics["reload_max_gap"] <= 1e-4
    classifier = load_classifier(out)
    assert classifier.labels == ["apple", "bat"]
    probs = classifier.predict(np.zeros((3, 28, 28), np.uint8))
    assert probs.shape == (3, 2)
