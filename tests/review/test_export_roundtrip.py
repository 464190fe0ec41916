"""Round trip: real Quick Draw strokes saved by the site -> ``export_drawings`` (raw, simplified) ->
``ml.data`` readers, ``ml.extra.load_extra`` and ``ml.train``'s ``--extra`` loading."""

from collections import Counter
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from ml import dataset, trainset
from ml.data import iter_drawings, iter_exported
from ml.extra import EXTRA_ROW, load_extra
from ml.raster import simplify
from recognizer import services
from recognizer.models import Drawing
from recognizer.quickdraw_export import key_id
from recognizer.timeline import Guess

pytestmark = pytest.mark.django_db

PER_CATEGORY = 3
OUTSIDE_CATEGORY = "zigzag"  # has raw drawings, and is far from the start of the model's vocabulary


def save(strokes: list, label: str | None, recognized: bool) -> Drawing:
    top = label if recognized and label else "snail"
    return services.drawing_save(
        strokes=strokes,
        canvas=(800, 600),
        label=label,
        guesses=[Guess(top, 0.7), Guess("owl", 0.1)],
        timeline=[[400, top, 0.7]],
        model_version="v-roundtrip",
        source=Drawing.Source.SUBMIT,
    )


@pytest.fixture
def labels(quickdraw_data: Path) -> list[str]:
    """The categories of a 2-category training run (``ml.train --limit-categories 2``)."""
    return dataset.vocabulary(quickdraw_data)[:2]


@pytest.fixture
def saved(quickdraw_data: Path, labels: list[str]) -> dict[str, list[Drawing]]:
    """PER_CATEGORY genuine raw drawings of each label and of one category the model lacks, plus one
    excluded and one unlabelled drawing; every other one recognized."""
    kept, originals = [], []
    for category in [*labels, OUTSIDE_CATEGORY]:
        googles = iter_drawings(quickdraw_data / "raw" / f"{category}.ndjson")
        for index, google in zip(range(PER_CATEGORY), googles, strict=False):
            kept.append(save(google.drawing, category, recognized=index % 2 == 0))
            originals.append(google.drawing)
    assert len(kept) == 3 * PER_CATEGORY
    excluded = save(kept[0].strokes, labels[0], recognized=True)
    Drawing.objects.filter(pk=excluded.pk).update(excluded=True)
    unlabelled = save(kept[1].strokes, None, recognized=False)
    # as stored and read back by the database, which is what the export must reproduce
    return {
        "kept": [Drawing.objects.get(pk=d.pk) for d in kept],
        "skipped": [excluded, unlabelled],
        "originals": originals,  # Google's raw strokes as read from the shared files
    }


def export(fmt: str, out: Path) -> Path:
    call_command("export_drawings", "--format", fmt, str(out), stdout=StringIO(), stderr=StringIO())
    return out


def test_raw_export_reads_back_as_the_saved_strokes(tmp_path: Path, saved: dict[str, list[Drawing]]) -> None:
    records = list(iter_exported(export("raw", tmp_path / "raw.ndjson")))
    kept = saved["kept"]
    assert [r.key_id for r in records] == [key_id(d.pk) for d in kept]  # oldest first, skipped ones absent
    for record, drawing, original in zip(records, kept, saved["originals"], strict=True):
        assert record.kind == "raw"
        assert record.drawing == drawing.strokes == original  # exactly, every float
        assert (record.word, record.recognized) == (drawing.label, drawing.recognized)
    assert Counter(r.recognized for r in records) == Counter(d.recognized for d in kept) == {True: 6, False: 3}


def test_simplified_export_is_the_one_simplifier(tmp_path: Path, saved: dict[str, list[Drawing]]) -> None:
    records = list(iter_exported(export("simplified", tmp_path / "simplified.ndjson")))
    assert len(records) == len(saved["kept"])
    for record, drawing in zip(records, saved["kept"], strict=True):
        assert record.kind == "simplified"
        assert record.drawing == simplify(drawing.strokes)
        assert (record.word, record.recognized, record.key_id) == (
            drawing.label,
            drawing.recognized,
            key_id(drawing.pk),
        )


def test_key_ids_are_stable_and_distinct(tmp_path: Path, saved: dict[str, list[Drawing]]) -> None:
    first, again = export("raw", tmp_path / "first.ndjson"), export("raw", tmp_path / "again.ndjson")
    assert first.read_bytes() == again.read_bytes()  # same drawings -> same file, key_ids included
    raw_ids = [r.key_id for r in iter_exported(first)]
    simplified_ids = [r.key_id for r in iter_exported(export("simplified", tmp_path / "s.ndjson"))]
    assert raw_ids == simplified_ids and len(set(raw_ids)) == len(raw_ids)
    assert not {key_id(d.pk) for d in saved["skipped"]} & set(raw_ids)


def test_extra_loader_takes_both_formats(tmp_path: Path, saved: dict[str, list[Drawing]], labels: list[str]) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    export("raw", folder / "raw.ndjson")
    export("simplified", folder / "simplified.ndjson")
    extra = load_extra([folder], labels)
    known = [d for d in saved["kept"] if d.label in labels]
    assert extra.skipped == {OUTSIDE_CATEGORY: 2 * PER_CATEGORY}
    assert [(d.category, d.kind, d.row) for d in extra.drawings] == [
        *((d.label, "raw", EXTRA_ROW) for d in known),
        *((d.label, "simplified", EXTRA_ROW) for d in known),
    ]  # folder files in name order: raw.ndjson, then simplified.ndjson
    assert [d.strokes for d in extra.drawings] == [d.strokes for d in known] + [simplify(d.strokes) for d in known]
    assert f"{len(extra.drawings)} added; skipped {2 * PER_CATEGORY}" in extra.summary()


@pytest.mark.slow
def test_train_extra_loading_accepts_the_exports(
    tmp_path: Path,
    saved: dict[str, list[Drawing]],
    labels: list[str],
    quickdraw_data: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    """``python -m ml.train --extra`` up to the training set: the exported drawings join the stroke side and render."""
    from ml.train import load_data, parse_args  # imports Keras: a few seconds

    raw, simplified = export("raw", tmp_path / "raw.ndjson"), export("simplified", tmp_path / "simplified.ndjson")
    args = parse_args(
        ["--data", str(quickdraw_data), "--limit-categories", "2", "--extra", str(raw), "--extra", str(simplified)]
    )
    train_labels, side, _held = load_data(args)
    assert train_labels == labels
    added = [d for d in side.strokes if d.row == EXTRA_ROW]
    assert len(added) == 2 * 2 * PER_CATEGORY
    assert f"extra drawings: {len(added)} added; skipped {2 * PER_CATEGORY}" in capsys.readouterr().err
    images = trainset.stroke_images(
        added, {label: i for i, label in enumerate(labels)}, trainset.Recipe(0, 0, 0, 0), np.random.default_rng(0)
    )
    assert images.images.shape == (len(added), 28, 28) and (images.images.reshape(len(added), -1).max(axis=1) > 0).all()
    assert sorted(images.labels.tolist()) == sorted(labels.index(d.category) for d in added)
