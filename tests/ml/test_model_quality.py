"""The committed model's held-out figures, measured here through LiteRT exactly as
``python -m ml.evaluate --data ../shared/quickdraw --split heldout`` measures them (percentages).

Each bound is the project's target where the committed model meets it, otherwise the floor it
achieved (MODEL_CARD.md says which): a retrained model must not fall below either.
"""

from pathlib import Path

import pytest

from ml.config import DEFAULT_MODEL_DIR
from ml.data import describe_folder
from ml.dataset import split_data
from ml.evaluation import SPLIT_HELDOUT, evaluate
from ml.holdout import evaluate as holdout_figures
from ml.inference import load_classifier

PERCENT = 100
# quickdraw28-v3 held-out (MODEL_CARD.md). A floor below an achieved figure leaves room for about one
# image or drawing of kernel rounding on another CPU; a met target is asserted as the target itself.
FLOORS = {  # (section, figure): lowest accepted percentage
    ("bitmaps", "top1"): 89.5,  # achieved 89.71; target 90: not met
    ("bitmaps", "top3"): 96.3,  # achieved 96.52; target 97: not met
    ("six_way", "top1"): 92.7,  # target, met (100.0 on 51 stroke drawings)
    ("live", "recognized_some_prefix"): 95.6,  # achieved 96.27 (155 of 161); target 97: not met (v2: 97.52)
}
RAW_BELOW_BITMAPS_POINTS = 1.0  # target, met: raw -> simplify -> rasterize top-1 within 1 point of bitmaps
LOCK_FRACTION_CEILING = 0.465  # achieved 0.457; target 0.45 (lower is better): not met
# top-1 in the full 28-way task on all held-out images of each seed animal (ml.holdout's six_way)
TARGET_ANIMAL_TOP1 = 0.80
ANIMAL_FLOORS = {
    "cat": TARGET_ANIMAL_TOP1,
    "giraffe": TARGET_ANIMAL_TOP1,
    "sheep": TARGET_ANIMAL_TOP1,
    "bat": 0.62,  # achieved 16/24 = 0.667; target not met
    "octopus": TARGET_ANIMAL_TOP1,
    "camel": TARGET_ANIMAL_TOP1,
}


@pytest.fixture(scope="module")
def classifier():
    if not (DEFAULT_MODEL_DIR / "model.tflite").exists():
        pytest.skip(f"no committed model at {DEFAULT_MODEL_DIR}")
    return load_classifier(DEFAULT_MODEL_DIR)


@pytest.fixture(scope="module")
def heldout(quickdraw_data: Path, classifier) -> dict:
    return evaluate(classifier, describe_folder(quickdraw_data), SPLIT_HELDOUT, with_live=True)


@pytest.mark.parametrize(("key", "floor"), FLOORS.items(), ids=["/".join(key) for key in FLOORS])
def test_heldout_figure_floor(heldout: dict, key: tuple[str, str], floor: float) -> None:
    section, figure = key
    assert heldout[section][figure] >= floor, f"{section} {figure} {heldout[section][figure]} < {floor}"


def test_raw_path_within_one_point_of_bitmaps(heldout: dict) -> None:
    assert heldout["raw"]["top1"] >= heldout["bitmaps"]["top1"] - RAW_BELOW_BITMAPS_POINTS


def test_live_guess_locks_early_enough(heldout: dict) -> None:
    assert heldout["live"]["mean_time_fraction_to_lock"] <= LOCK_FRACTION_CEILING


@pytest.fixture(scope="module")
def animals(quickdraw_data: Path, classifier) -> dict:
    _, held = split_data(quickdraw_data, classifier.labels)
    return holdout_figures(classifier, held, live=False)["six_way"]["per_class_top1_28way"]


@pytest.mark.parametrize(("animal", "floor"), ANIMAL_FLOORS.items())
def test_seed_animal_top1_in_full_task(animals: dict, animal: str, floor: float) -> None:
    assert animals[animal] >= floor, f"{animal} top-1 {animals[animal] * PERCENT:.1f}%"
