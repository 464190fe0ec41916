"""ml.inference: batch shapes, top_k, labels/version loading, thread safety (committed model, LiteRT only)."""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from ml.config import DEFAULT_MODEL_DIR
from ml.errors import DrawsiteError
from ml.inference import load_classifier, top_k

THREADS = 4
CALLS_PER_THREAD = 20


@pytest.fixture(scope="module")
def classifier():
    if not (DEFAULT_MODEL_DIR / "model.tflite").exists():
        pytest.skip(f"no committed model at {DEFAULT_MODEL_DIR}")
    return load_classifier(DEFAULT_MODEL_DIR)


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, size=(33, 28, 28), dtype=np.uint8)


@pytest.mark.parametrize(
    ("probs", "labels", "k", "expected"),
    [
        ([0.1, 0.7, 0.2], ["a", "b", "c"], 2, [("b", 0.7), ("c", 0.2)]),
        ([0.1, 0.7, 0.2], ["a", "b", "c"], 5, [("b", 0.7), ("c", 0.2), ("a", 0.1)]),
        ([0.5, 0.5, 0.0], ["a", "b", "c"], 1, [("a", 0.5)]),  # ties keep label order
        ([0.3, 0.3, 0.4], ["x", "y", "z"], 3, [("z", 0.4), ("x", 0.3), ("y", 0.3)]),
        ([0.2, 0.8], ["a", "b"], 0, []),
    ],
)
def test_top_k(probs: list[float], labels: list[str], k: int, expected: list[tuple[str, float]]) -> None:
    result = top_k(np.array(probs, dtype=np.float32), labels, k)
    assert [label for label, _ in result] == [label for label, _ in expected]
    assert [score for _, score in result] == pytest.approx([score for _, score in expected])


def test_labels_and_version_come_from_the_model_folder(classifier) -> None:
    labels = json.loads((DEFAULT_MODEL_DIR / "labels.json").read_text())
    version = json.loads((DEFAULT_MODEL_DIR / "metrics.json").read_text())["version"]
    assert classifier.labels == labels
    assert classifier.version == version
    assert len(set(labels)) == len(labels) == 28


@pytest.mark.parametrize("batch", [1, 2, 7, 32, 33])
def test_predict_shapes_and_probabilities(classifier, images: np.ndarray, batch: int) -> None:
    probs = classifier.predict(images[:batch])
    assert probs.shape == (batch, len(classifier.labels))
    assert probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-4)


def test_batch_rows_equal_single_predictions(classifier, images: np.ndarray) -> None:
    batched = classifier.predict(images[:5])
    singles = np.concatenate([classifier.predict(images[i : i + 1]) for i in range(5)])
    np.testing.assert_allclose(batched, singles, atol=1e-5)


def test_empty_batch(classifier) -> None:
    assert classifier.predict(np.zeros((0, 28, 28), np.uint8)).shape == (0, len(classifier.labels))


@pytest.mark.parametrize("shape", [(28, 28), (1, 28, 27), (2, 784)])
def test_bad_shapes_raise_the_project_error(classifier, shape: tuple[int, ...]) -> None:
    with pytest.raises(DrawsiteError):
        classifier.predict(np.zeros(shape, np.uint8))


def test_thread_safe(classifier, images: np.ndarray) -> None:
    expected = {batch: classifier.predict(images[:batch]) for batch in (1, 3, 8)}

    def work(worker: int) -> bool:
        for call in range(CALLS_PER_THREAD):
            batch = (1, 3, 8)[(worker + call) % 3]
            if not np.allclose(classifier.predict(images[:batch]), expected[batch], atol=1e-5):
                return False
        return True

    with ThreadPoolExecutor(THREADS) as pool:
        assert all(pool.map(work, range(THREADS)))


def test_label_count_mismatch_is_refused(tmp_path: Path) -> None:
    if not (DEFAULT_MODEL_DIR / "model.tflite").exists():
        pytest.skip("no committed model")
    (tmp_path / "model.tflite").write_bytes((DEFAULT_MODEL_DIR / "model.tflite").read_bytes())
    (tmp_path / "labels.json").write_text(json.dumps(["only", "two"]))
    (tmp_path / "metrics.json").write_text(json.dumps({"version": "x"}))
    with pytest.raises(DrawsiteError):
        load_classifier(tmp_path)


def test_served_model_averages_each_image_with_its_mirror(classifier, images: np.ndarray) -> None:
    """model.tflite is ml.model.mirror_averaged: an image and its mirror get the same probabilities."""
    mirrored = np.ascontiguousarray(images[:, :, ::-1])
    np.testing.assert_allclose(classifier.predict(images), classifier.predict(mirrored), atol=1e-5)
