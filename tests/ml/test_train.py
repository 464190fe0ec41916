"""Training smoke tests: 2 categories x 64 images, 1 epoch, tiny model; export and reload agree.

A normal run reports test-side (held-out) figures; a ``--tune`` run reports validation figures only.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from ml import reexport
from ml.export import MIN_TOP1_AGREEMENT, RELOAD_TOLERANCE
from ml.inference import load_classifier
from ml.model import build_model, mirror_averaged
from ml.report import recipe_text
from ml.train import hyperparameters, main, parse_args, recipe_from
from ml.trainset import Recipe

SMOKE_ARGS = ["--limit-categories", "2", "--limit-per-class", "64", "--epochs", "1", "--widths", "4,4,4", "--dense", "8",
              "--recipe-scale", "0.02", "--skip-live", "--verbose", "0", "--version", "smoke"]


@pytest.mark.parametrize(("extra_args", "figures_key", "absent_key"), [([], "held_out", "validation"),
                                                                       (["--tune"], "validation", "held_out")])
def test_training_smoke_exports_agreeing_keras_and_tflite(
    quickdraw_data: Path, tmp_path: Path, extra_args: list[str], figures_key: str, absent_key: str
) -> None:
    out = tmp_path / "model"
    assert main(["--data", str(quickdraw_data), "--out", str(out), *SMOKE_ARGS, *extra_args]) == 0
    for name in ("model.keras", "model.tflite", "labels.json", "metrics.json"):
        assert (out / name).exists(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["version"] == "smoke"
    quantization = metrics["hyperparameters"]["quantization"]
    assert metrics["reload_max_gap"] <= RELOAD_TOLERANCE[quantization]
    assert metrics["reload_top1_agreement"] >= MIN_TOP1_AGREEMENT[quantization]
    assert figures_key in metrics and absent_key not in metrics
    assert metrics[figures_key]["bitmaps"]["n"] > 0
    classifier = load_classifier(out)
    assert classifier.labels == ["apple", "bat"]
    probs = classifier.predict(np.zeros((3, 28, 28), np.uint8))
    assert probs.shape == (3, 2)
    if not extra_args:  # only a run that measured the test side writes its human-readable artifacts
        assert (out / "confusion.png").exists() and (out / "MODEL_CARD.md").exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ([], {}),
        (["prefix_states=7"], {"prefix_states": 7}),
        (["prefix_weight=0.5", "stroke_variants=2"], {"prefix_weight": 0.5, "stroke_variants": 2}),
    ],
)
def test_recipe_overrides(overrides: list[str], expected: dict) -> None:
    args = parse_args([arg for item in overrides for arg in ("--recipe", item)])
    assert vars(recipe_from(args)) == vars(Recipe()) | expected


@pytest.mark.parametrize("bad", ["no_such_field=1", "prefix_states", "prefix_states="])
def test_recipe_override_refuses_unknown_or_empty(bad: str) -> None:
    with pytest.raises(SystemExit):
        recipe_from(parse_args(["--recipe", bad]))


@pytest.mark.parametrize(
    ("separable_from", "full", "separable"),
    [(None, 4, 0), (0, 0, 4), (1, 1, 3), (2, 2, 2), (3, 4, 0)],  # convs per block 1/1/2
)
def test_separable_from_picks_the_blocks(separable_from: int | None, full: int, separable: int) -> None:
    model = build_model(3, widths=(4, 4, 4), dense=8, convs_per_block=(1, 1, 2), separable_from=separable_from)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert (kinds.count("Conv2D"), kinds.count("SeparableConv2D")) == (full, separable)


def test_separable_from_refuses_a_negative_block(quickdraw_data: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="--separable-from"):
        main(["--data", str(quickdraw_data), "--out", str(tmp_path / "model"), *SMOKE_ARGS, "--separable-from", "-1"])


@pytest.mark.parametrize(
    ("separable_from", "text"),
    [(None, "(1/1/2 convs per block) with"), (1, "(1/1/2 convs per block; depthwise-separable from block 2 on) with")],
)
def test_recipe_text_names_the_separable_blocks(separable_from: int | None, text: str) -> None:
    hyper = hyperparameters(parse_args(["--convs-per-block", "1,1,2"]), Recipe()) | {"separable_from": separable_from}
    metrics = {"hyperparameters": hyper, "reload_max_gap": 0.01, "reload_top1_agreement": 1.0}
    assert text in " ".join(recipe_text(metrics).split())


@pytest.mark.parametrize("seed", [0, 1])
def test_mirror_averaged_is_the_normalised_geometric_mean(seed: int) -> None:
    model = build_model(3, widths=(4, 4, 4), dense=8)
    images = np.random.default_rng(seed).integers(0, 256, size=(5, 28, 28)).astype(np.float32)
    plain, mirrored = model.predict(images, verbose=0), model.predict(images[:, :, ::-1], verbose=0)
    expected = np.sqrt(plain * mirrored)
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(mirror_averaged(model).predict(images, verbose=0), expected, rtol=1e-4, atol=1e-6)


def test_reexport_keeps_the_weights_and_changes_the_serving(quickdraw_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    assert main(["--data", str(quickdraw_data), "--out", str(out), *SMOKE_ARGS]) == 0
    images = np.random.default_rng(0).integers(0, 256, size=(4, 28, 28), dtype=np.uint8)
    mirrored = np.ascontiguousarray(images[:, :, ::-1])
    trained = load_classifier(out)
    np.testing.assert_allclose(trained.predict(images), trained.predict(mirrored), atol=1e-5)

    argv = ["--model-dir", str(out), "--data", str(quickdraw_data), "--version", "smoke-bare", "--no-mirror-average", "--skip-live"]
    assert reexport.main(argv) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert (metrics["version"], metrics["reexported_from"]) == ("smoke-bare", "smoke")
    assert metrics["hyperparameters"]["mirror_average"] is False and metrics["held_out"]["bitmaps"]["n"] > 0
    assert "re-exported by `python -m ml.reexport`" in (out / "MODEL_CARD.md").read_text()
    bare = load_classifier(out)
    assert not np.allclose(bare.predict(images), bare.predict(mirrored), atol=1e-3)
