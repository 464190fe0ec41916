"""``manage.py export_drawings``: saved drawings as Quick, Draw! ndjson, for ``python -m ml.train --extra``."""

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from ml.data import RAW
from ml.errors import DrawsiteError, InvalidDrawing
from recognizer import export_selectors
from recognizer.models import Drawing
from recognizer.quickdraw_export import FORMATS, SINCE_HINT, export_record, parse_since, record_line

STDOUT = "-"
PROGRESS_EVERY = 10_000  # drawings between progress lines on stderr
PART_SUFFIX = ".part"

Write = Callable[[str], None]


def _quiet_closed_stdout() -> None:
    """Point the process's closed stdout at /dev/null, so Python's final flush does not fail again."""
    if sys.stdout is sys.__stdout__ and sys.stdout is not None:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _since(text: str) -> date:
    try:
        return parse_since(text)
    except DrawsiteError as error:  # argparse reports ArgumentTypeError's own message
        raise argparse.ArgumentTypeError(error.detail) from None


class Command(BaseCommand):
    help = (
        "Write saved drawings as Quick, Draw! ndjson (Google's keys: word, countrycode, timestamp, recognized, "
        "key_id, drawing) for `python -m ml.train --extra`. Skips drawings marked excluded, drawings without an "
        "intended label and empty ones; the summary on stderr counts them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "out", metavar="OUT.ndjson", help=f"file to write (replaced when complete), or {STDOUT} for stdout"
        )
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=FORMATS,
            default=RAW,
            help="raw: strokes as saved ([xs, ys, ts], pixels, ms); simplified: Google's simplification "
            "([xs, ys], ints 0-255, ml.raster.simplify) (default: %(default)s)",
        )
        parser.add_argument(
            "--since", type=_since, help=f"only drawings created on or after this day ({SINCE_HINT}, site time zone)"
        )
        parser.add_argument("--label", help="only drawings whose intended label is this category")

    def handle(
        self, *args: object, out: str, fmt: str, since: date | None, label: str | None, **options: object
    ) -> None:
        candidates = export_selectors.export_candidates(since=since, label=label)
        with self._output(out) as write:
            exported, invalid = self._write_records(write, candidates, fmt)
        skipped = export_selectors.skipped_counts(candidates=candidates)
        self._note(
            f"exported {exported} drawing{'s' if exported != 1 else ''} ({fmt}) to {out}, skipped "
            f"{skipped.total + invalid} excluded/unlabelled ({skipped.excluded} excluded, {skipped.unlabelled} "
            f"unlabelled, {skipped.empty} empty, {invalid} invalid)"
        )

    def _note(self, text: str) -> None:
        """Progress and summary on stderr, unstyled (stderr is for errors' red otherwise)."""
        self.stderr.write(text, style_func=str)

    def _write_records(self, write: Write, candidates: QuerySet[Drawing], fmt: str) -> tuple[int, int]:
        exported = invalid = 0
        for row in export_selectors.exportable_rows(candidates=candidates):
            try:
                record = export_record(
                    pk=row["pk"],
                    label=row["label"],
                    recognized=row["recognized"],
                    created=row["created"],
                    strokes=row["strokes"],
                    fmt=fmt,
                )
            except InvalidDrawing as error:  # saved before a limit existed, say: report it, keep going
                invalid += 1
                self.stderr.write(f"drawing {row['pk']} skipped: {error.detail}")
                continue
            write(record_line(record))
            exported += 1
            if exported % PROGRESS_EVERY == 0:
                self._note(f"… {exported} exported")
        return exported, invalid

    @contextmanager
    def _output(self, out: str) -> Iterator[Write]:
        """Lines to stdout, or to ``OUT`` through ``OUT.part``, renamed into place once complete.

        An interrupted export so leaves no half file for ``ml.train --extra`` to choke on.
        """
        if out == STDOUT:
            try:
                yield lambda line: self.stdout.write(line)
            except BrokenPipeError:  # e.g. `| head`: the reader stopped early
                _quiet_closed_stdout()
                raise CommandError("stdout was closed before the export finished") from None
            return
        path = Path(out)
        if path.is_dir() or not path.name:
            raise CommandError(f"cannot write {out}: it is a folder")
        part = path.with_name(path.name + PART_SUFFIX)
        try:
            stream = part.open("w", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror}") from None
        try:
            with stream:
                yield lambda line: stream.write(line + "\n")
            os.replace(part, path)
        except OSError as error:
            part.unlink(missing_ok=True)
            raise CommandError(f"cannot write {out}: {error.strerror}") from None
        except BaseException:
            part.unlink(missing_ok=True)
            raise
