"""The served classifier and its metrics: loaded lazily, once per model folder, never at import."""

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:  # imported on first load, so Django starts without loading the inference runtime
    from ml.inference import Classifier

METRICS_FILE = "metrics.json"

_lock = threading.Lock()
_classifiers: dict[Path, "Classifier"] = {}


def model_dir() -> Path:
    return Path(settings.RECOGNIZER_MODEL_DIR)


def get_classifier() -> "Classifier":
    """The classifier in ``settings.RECOGNIZER_MODEL_DIR``; the first call loads it (thread-safe)."""
    path = model_dir()
    with _lock:
        if path not in _classifiers:
            from ml.inference import load_classifier

            _classifiers[path] = load_classifier(path)
        return _classifiers[path]


def load_metrics() -> dict[str, Any]:
    """``metrics.json`` next to the model, or ``{}`` when the model folder has none."""
    path = model_dir() / METRICS_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))
