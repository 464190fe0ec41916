"""ml.evaluate: the CLI's JSON on a tiny real-data folder, parity with the serving path, errors, imports."""

import json
import os
import shutil
import subprocess
import sys
from itertools import islice
from pathlib import Path

import numpy as np
import pytest

from ml import live
from ml.config import DEFAULT_MODEL_DIR, PROJECT_ROOT
from ml.data import RAW, describe_folder, iter_drawings, load_bitmaps
from ml.dataset import split_data
from ml.evaluate import main
from ml.evaluation import SPLIT_HELDOUT, evaluate, stroke_tally
from ml.inference import load_classifier
from ml.raster import render_raw

PER_CATEGORY = 3  # drawings (or bitmap rows) copied per category into the tiny folder
OUTSIDE = "zebra"  # a real Quick Draw category the 28-class model does not know
TINY = {
    "bitmaps": ("cat", "sheep"),
    "simplified": ("cat", "giraffe", "bat", OUTSIDE),
    "raw": ("cat", "sheep", "camel", "octopus", "bear", OUTSIDE),
}
SIX = {"cat", "giraffe", "sheep", "bat", "octopus", "camel"}
SECTION_KEYS = {"n", "top1", "top3", "per_class", "skipped", "invalid"}
LIVE_KEYS = {"n", "recognized_some_prefix", "mean_time_fraction_to_lock", "updates", "frame_ms", "send_interval_ms", "skipped", "invalid"}
HEAVY_MODULES = ("tensorflow", "keras", "tf_keras")
SUBPROCESS_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def classifier():
    if not (DEFAULT_MODEL_DIR / "model.tflite").exists():
        pytest.skip(f"no committed model at {DEFAULT_MODEL_DIR}")
    return load_classifier(DEFAULT_MODEL_DIR)


@pytest.fixture(scope="module")
def tiny(quickdraw_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few real drawings per category in every format; zebra's thinline rows as an upstream-style .npy."""
    root = tmp_path_factory.mktemp("tiny_quickdraw")
    (root / "bitmaps").mkdir()
    for category in TINY["bitmaps"]:
        images, rows = load_bitmaps(quickdraw_data / "bitmaps" / f"{category}.npz")
        np.savez(root / "bitmaps" / f"{category}.npz", images=images[:PER_CATEGORY], rows=rows[:PER_CATEGORY])
    outside, _ = load_bitmaps(quickdraw_data / "thinline" / f"{OUTSIDE}.npz")
    np.save(root / "bitmaps" / f"{OUTSIDE}.npy", outside[:PER_CATEGORY])
    for kind in ("simplified", "raw"):
        (root / kind).mkdir()
        for category in TINY[kind]:
            with (quickdraw_data / kind / f"{category}.ndjson").open(encoding="utf-8") as source:
                (root / kind / f"{category}.ndjson").write_text("".join(islice(source, PER_CATEGORY)), encoding="utf-8")
    return root


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ml.evaluate", *args],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S, env=os.environ.copy(),
    )


@pytest.fixture(scope="module")
def report(tiny: Path, classifier) -> dict:
    done = run_cli("--data", str(tiny), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # the whole of stdout is one JSON object


def test_json_schema_and_ranges(report: dict, tiny: Path) -> None:
    assert set(report) == {"model", "data", "split", "bitmaps", "simplified", "raw", "live", "six_way", "seconds"}
    assert report["model"]["classes"] == 28 and report["split"] == "all" and report["data"] == str(tiny)
    for key in ("bitmaps", "simplified", "raw"):
        section = report[key]
        assert set(section) == SECTION_KEYS
        inside = [c for c in TINY[key] if c != OUTSIDE]
        assert section["n"] == PER_CATEGORY * len(inside)
        assert set(section["per_class"]) == set(inside)
        assert section["skipped"] == {"items": PER_CATEGORY, "categories": [OUTSIDE]}
        assert section["invalid"] == 0
        for figures in [section, *section["per_class"].values()]:
            assert 0 <= figures["top1"] <= figures["top3"] <= 100
    assert set(report["live"]) == LIVE_KEYS
    assert report["live"]["n"] == report["raw"]["n"]
    assert report["live"]["skipped"] == report["raw"]["skipped"]
    assert 0 <= report["live"]["recognized_some_prefix"] <= 100
    assert 0 <= report["live"]["mean_time_fraction_to_lock"] <= 1
    assert report["live"]["updates"] > report["live"]["n"]  # several updates per drawing
    assert report["live"]["frame_ms"] == pytest.approx(live.FRAME_MS, abs=1e-3)
    assert report["live"]["send_interval_ms"] == live.SEND_INTERVAL_MS
    six_inside = [c for kind in ("simplified", "raw") for c in TINY[kind] if c in SIX]
    assert report["six_way"]["n"] == PER_CATEGORY * len(six_inside)
    assert report["six_way"]["classes"] == ["cat", "giraffe", "sheep", "bat", "octopus", "camel"]
    assert 0 <= report["six_way"]["top1"] <= 100


def _raw_drawings(tiny: Path, labels: list[str]) -> list[tuple[str, list]]:
    """Raw drawings of known categories in the evaluator's order (categories sorted, file order)."""
    return [(c, d.drawing) for c, path in describe_folder(tiny).raw.items() if c in labels for d in iter_drawings(path)]


def test_raw_path_predicts_like_render_raw_then_predict(tiny: Path, classifier, report: dict) -> None:
    drawings = _raw_drawings(tiny, classifier.labels)
    direct = classifier.predict(np.stack([render_raw(strokes) for _, strokes in drawings]))
    tally = stroke_tally(classifier, RAW, describe_folder(tiny).raw, "all", [], None, lambda text: None)
    np.testing.assert_array_equal(np.concatenate(tally.predicted), direct.argmax(axis=1))
    truth = np.array([classifier.labels.index(c) for c, _ in drawings])
    assert report["raw"]["top1"] == pytest.approx(100 * np.mean(direct.argmax(axis=1) == truth), abs=0.01)


def test_live_matches_a_direct_replay(tiny: Path, classifier, report: dict) -> None:
    recognized, fractions = [], []
    for category, strokes in _raw_drawings(tiny, classifier.labels):
        steps = live.page_chunks(strokes)
        probs = classifier.predict(np.stack([render_raw(live.prefix(strokes, chunk)) for chunk in steps]))
        top1 = [classifier.labels[i] for i in probs.argmax(axis=1)]
        recognized.append(category in top1)
        timeline = [(chunk.t, label) for chunk, label in zip(steps, top1, strict=True)]
        fractions.append(live.lock_fraction(timeline, category, start=live.drawing_span(strokes)[0]))
    assert report["live"]["recognized_some_prefix"] == pytest.approx(100 * np.mean(recognized), abs=0.01)
    assert report["live"]["mean_time_fraction_to_lock"] == pytest.approx(np.mean(fractions), abs=1e-4)


def test_model_may_be_named_by_its_tflite(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    shutil.copytree(tiny / "bitmaps", tmp_path / "bitmaps")
    code = main(["--data", str(tmp_path), "--model", str(DEFAULT_MODEL_DIR / "model.tflite"), "--json", "--quiet"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["bitmaps"]["n"] == PER_CATEGORY * len(TINY["bitmaps"])
    # absent formats are null sections, and so are the figures built on them
    assert report["simplified"] is report["raw"] is report["live"] is report["six_way"] is None


def test_table_output(tiny: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--data", str(tiny), "--quiet", "--no-live"]) == 0
    out = capsys.readouterr().out
    assert "raw -> render_raw" in out and "six-way" in out and "per-class top-1" in out
    assert "live replay" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "/nonexistent/quickdraw"], "no such data folder"),
        (["--model", "/nonexistent/model"], "no model folder"),
    ],
)
def test_errors_are_one_line_and_exit_non_zero(tiny: Path, args: list[str], message: str) -> None:
    done = run_cli("--data", str(tiny), "--json", *args)
    assert done.returncode == 1
    assert done.stdout == ""
    errors = [line for line in done.stderr.splitlines() if line.startswith("ml.evaluate: error:")]
    assert len(errors) == 1 and message in errors[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--frame-ms", "0"], "--frame-ms must be positive"), (["--send-interval-ms", "-1"], "--send-interval-ms must not be negative")],
)
def test_bad_live_flags_are_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--quiet", *args])
    assert exited.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"word": "cat"}\n', "missing key"),  # a malformed record names the file and line
        (b"\xff\xfe not utf-8\n", "cannot read the data"),
    ],
)
def test_a_bad_data_file_is_a_one_line_error(
    tmp_path: Path, content: bytes, message: str, capfd: pytest.CaptureFixture
) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "cat.ndjson").write_bytes(content)
    assert main(["--data", str(tmp_path), "--json", "--quiet"]) == 1
    out, err = capfd.readouterr()
    assert out == ""
    assert [line for line in err.splitlines() if line.startswith("ml.evaluate: error:") and message in line]


def test_no_tensorflow_in_the_import_chain(tiny: Path) -> None:
    script = (
        "import sys\n"
        "from ml.evaluate import main\n"
        f"code = main(['--data', {str(tiny)!r}, '--json', '--quiet', '--no-live'])\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY_MODULES!r})\n"
        "sys.stderr.write(f'\\nexit={code} heavy={heavy}\\n')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S
    )
    assert done.stderr.strip().splitlines()[-1] == "exit=0 heavy=[]"
    json.loads(done.stdout)


def test_heldout_split_is_ml_dataset_test_side(quickdraw_data: Path, classifier) -> None:
    _, held = split_data(quickdraw_data, classifier.labels)
    figures = evaluate(classifier, describe_folder(quickdraw_data), SPLIT_HELDOUT, with_live=False)
    assert figures["bitmaps"]["n"] == len(held.bitmaps)
    assert figures["simplified"]["n"] == sum(d.simplified is not None for d in held.strokes)
    assert figures["raw"]["n"] == sum(d.kind == "raw" for d in held.strokes)
