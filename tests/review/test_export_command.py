"""``manage.py export_drawings``: filters, skips, summary, errors, stdout, streaming in chunks."""

import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import QuerySet

from recognizer import export_selectors, services
from recognizer.models import Drawing
from recognizer.timeline import Guess

pytestmark = pytest.mark.django_db

STROKES = [[[10, 60, 110], [20, 80, 20], [0, 16, 33]], [[0, 50], [100, 100], [400, 460]]]


def save(label: str | None, *, top: str = "cat", day: str | None = None, excluded: bool = False) -> Drawing:
    drawing = services.drawing_save(
        strokes=STROKES,
        canvas=(300, 300),
        label=label,
        guesses=[Guess(top, 0.8)],
        timeline=[[30, top, 0.8]],
        model_version="v1",
        source=Drawing.Source.SUBMIT,
    )
    changes = {"excluded": excluded}
    if day is not None:
        changes["created"] = datetime.fromisoformat(day).replace(tzinfo=UTC)
    Drawing.objects.filter(pk=drawing.pk).update(**changes)
    return drawing


def export(*args: str) -> tuple[str, str]:
    """Runs the command; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("export_drawings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def mixed() -> dict[str, Drawing]:
    return {
        "cat": save("cat", day="2024-03-01T10:00:00"),
        "dog": save("dog", top="cat", day="2024-03-05T10:00:00"),
        "cat2": save("cat", day="2024-03-06T00:00:00"),
        "excluded": save("cat", excluded=True, day="2024-03-06T10:00:00"),
        "unlabelled": save(None, day="2024-03-06T10:00:00"),
        "empty": Drawing.objects.create(
            strokes=[], label="cat", model_version="v1", stroke_count=0, point_count=0, source="disconnect"
        ),
    }


def test_skips_and_summary(tmp_path: Path, mixed: dict[str, Drawing]) -> None:
    out = tmp_path / "drawings.ndjson"
    stdout, stderr = export(str(out))
    assert stdout == ""
    got = records(out)
    assert [r["key_id"] for r in got] == [f"9{pk:015d}" for pk in (mixed["cat"].pk, mixed["dog"].pk, mixed["cat2"].pk)]
    assert [(r["word"], r["recognized"]) for r in got] == [("cat", True), ("dog", False), ("cat", True)]
    assert stderr.strip() == (
        f"exported 3 drawings (raw) to {out}, skipped 3 excluded/unlabelled "
        "(1 excluded, 1 unlabelled, 1 empty, 0 invalid)"
    )
    assert not (tmp_path / "drawings.ndjson.part").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--label", "cat"], ["cat", "cat2"]),
        (["--since", "2024-03-05"], ["dog", "cat2"]),
        (["--since", "2024-03-06", "--label", "cat"], ["cat2"]),
        (["--label", "zebra"], []),
        (["--since", "2030-01-01"], []),
    ],
)
def test_filters(tmp_path: Path, mixed: dict[str, Drawing], args: list[str], expected: list[str]) -> None:
    out = tmp_path / "out.ndjson"
    export(*args, str(out))
    assert [r["key_id"] for r in records(out)] == [f"9{mixed[name].pk:015d}" for name in expected]


def test_stdout(mixed: dict[str, Drawing]) -> None:
    stdout, stderr = export("--format", "simplified", "-")
    lines = stdout.splitlines()
    assert len(lines) == 3 and all(json.loads(line)["word"] in ("cat", "dog") for line in lines)
    assert "exported 3 drawings (simplified) to -" in stderr


class ClosedPipe(StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_closed_stdout_is_a_clear_error(mixed: dict[str, Drawing]) -> None:
    with pytest.raises(CommandError, match="stdout was closed before the export finished"):
        call_command("export_drawings", "-", stdout=ClosedPipe(), stderr=StringIO())


def test_invalid_saved_strokes_are_skipped_and_reported(tmp_path: Path) -> None:
    bad = Drawing.objects.create(
        strokes=[[[0, 1], [0], [0, 5]]], label="cat", model_version="v1", stroke_count=1, point_count=2, source="submit"
    )
    save("cat")
    _stdout, stderr = export(str(tmp_path / "out.ndjson"))
    assert len(records(tmp_path / "out.ndjson")) == 1
    assert f"drawing {bad.pk} skipped" in stderr and "0 empty, 1 invalid" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-3-x", "{tmp}/out.ndjson"], "--since must be a date YYYY-MM-DD, not '2024-3-x'"),
        (["--since", "2024-02-30", "{tmp}/out.ndjson"], "--since must be a date YYYY-MM-DD"),
        (["--format", "svg", "{tmp}/out.ndjson"], "invalid choice: 'svg'"),
        (["{tmp}/missing/out.ndjson"], "cannot write {tmp}/missing/out.ndjson: No such file or directory"),
        (["{tmp}"], "cannot write {tmp}: it is a folder"),
        (["."], "cannot write .: it is a folder"),
        ([], "the following arguments are required: OUT.ndjson"),
    ],
)
def test_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    save("cat")
    with pytest.raises(CommandError) as error:
        export(*[arg.format(tmp=tmp_path) for arg in args])
    assert message.format(tmp=tmp_path) in str(error.value)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_failed_export_leaves_no_file_and_keeps_the_old_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.ndjson"
    out.write_text("previous export\n")
    save("cat")
    save("cat")

    def broken(**kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("recognizer.management.commands.export_drawings.export_record", broken)
    with pytest.raises(RuntimeError):
        export(str(out))
    assert out.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ndjson"]


def test_rows_are_streamed_in_chunks_of_only_the_needed_columns(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[tuple[int | None, tuple[str, ...]]] = []
    original = QuerySet.iterator

    def spy(self: QuerySet, chunk_size: int | None = None) -> Iterator:
        seen.append((chunk_size, tuple(self.query.values_select)))
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    save("cat")
    export(str(tmp_path / "out.ndjson"))
    assert seen == [(export_selectors.EXPORT_CHUNK_SIZE, ("pk", "label", "recognized", "created", "strokes"))]


SMALL, LARGE = 100, 1000
MEMORY_CHUNK = 20


def peak_bytes(rows: int, tmp_path: Path) -> int:
    """Peak Python memory while exporting ``rows`` drawings of 2 strokes x 20 points."""
    stroke = [[float(x) for x in range(20)], [float(y % 7) for y in range(20)], list(range(0, 200, 10))]
    Drawing.objects.all().delete()
    Drawing.objects.bulk_create(
        Drawing(
            strokes=[stroke, stroke],
            label="cat",
            recognized=True,
            model_version="v1",
            stroke_count=2,
            point_count=40,
            source="submit",
        )
        for _ in range(rows)
    )
    tracemalloc.start()
    try:
        export(str(tmp_path / f"{rows}.ndjson"))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_rows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """10x the rows, about the same peak: memory is bounded by one chunk, not by the table."""
    monkeypatch.setattr(export_selectors, "EXPORT_CHUNK_SIZE", MEMORY_CHUNK)
    small, large = peak_bytes(SMALL, tmp_path), peak_bytes(LARGE, tmp_path)
    assert len(records(tmp_path / f"{LARGE}.ndjson")) == LARGE
    assert large < small * 1.5, (small, large)
