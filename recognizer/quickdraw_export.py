"""Saved drawings as Google's Quick, Draw! ndjson records (pure, no Django; used by ``export_drawings``).

A record has Google's keys in Google's order (see ../shared/quickdraw/README.md), so the files read
back with ``ml.data`` and train with ``python -m ml.train --extra``:
``{"word", "countrycode", "timestamp", "recognized", "key_id", "drawing"}``.
"""

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime

from ml.data import RAW, SIMPLIFIED, check_strokes
from ml.errors import DrawsiteError
from ml.raster import simplify

FORMATS = (RAW, SIMPLIFIED)
# Google's key_ids are 16-digit App Engine ids in [2**52, 1.5 * 2**52) (about 4.5e15 to 6.8e15).
# Ours are this offset + the drawing's primary key: 16 digits, stable across exports, one per
# drawing, and never equal to one of Google's.
KEY_ID_OFFSET = 9 * 10**15
KEY_ID_DIGITS = 16
# ISO 3166 "unknown or unspecified" code, which Google's own files use too; the site stores no country.
UNKNOWN_COUNTRY = "ZZ"
# Google's timestamps: "2017-03-02 23:25:10.07453 UTC" (UTC, fraction without trailing zeros).
TIMESTAMP_SECONDS_FORMAT = "%Y-%m-%d %H:%M:%S"
TIMESTAMP_ZONE = "UTC"
MICROSECOND_DIGITS = 6
SINCE_FORMAT = "%Y-%m-%d"
SINCE_HINT = "YYYY-MM-DD"


class ExportError(DrawsiteError):
    """A bad export request (a malformed date, an unknown format)."""

    code = "bad_export"


def key_id(pk: int) -> str:
    """The drawing's Quick Draw ``key_id``: 16 digits derived from its primary key alone."""
    value = KEY_ID_OFFSET + pk
    if pk < 0 or len(str(value)) != KEY_ID_DIGITS:
        raise ExportError(f"no {KEY_ID_DIGITS}-digit key_id for primary key {pk}")
    return str(value)


def google_timestamp(moment: datetime) -> str:
    """``moment`` as Google writes it: UTC, microseconds without trailing zeros (none when zero); naive = UTC."""
    utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    text = utc.strftime(TIMESTAMP_SECONDS_FORMAT)
    fraction = f"{utc.microsecond:0{MICROSECOND_DIGITS}d}".rstrip("0")
    return f"{text}.{fraction} {TIMESTAMP_ZONE}" if fraction else f"{text} {TIMESTAMP_ZONE}"


def parse_since(text: str) -> date:
    """A ``--since`` argument: a calendar date ``YYYY-MM-DD``; raises ``ExportError`` otherwise."""
    try:
        return datetime.strptime(text, SINCE_FORMAT).date()
    except ValueError:
        raise ExportError(f"--since must be a date {SINCE_HINT}, not {text!r}", code="bad_date") from None


def check_format(name: str) -> str:
    if name not in FORMATS:
        raise ExportError(f"unknown format {name!r}: expected one of {', '.join(FORMATS)}", code="bad_format")
    return name


def export_strokes(strokes: list, fmt: str) -> list:
    """The drawing as saved (raw), or Google's simplification of it (``ml.raster.simplify``, the one simplifier).

    The result is checked as ``ml.data`` will read it back; a drawing that cannot be raises ``InvalidDrawing``.
    """
    drawing = strokes if check_format(fmt) == RAW else simplify(strokes)
    check_strokes(drawing, fmt)
    return drawing


def export_record(*, pk: int, label: str, recognized: bool | None, created: datetime, strokes: list, fmt: str) -> dict:
    """One saved, labelled drawing as a Quick Draw record; ``recognized`` None (no outcome) is written false."""
    if not label:
        raise ExportError(f"drawing {pk} has no label: Quick Draw records need a word", code="no_label")
    return {
        "word": label,
        "countrycode": UNKNOWN_COUNTRY,
        "timestamp": google_timestamp(created),
        "recognized": bool(recognized),
        "key_id": key_id(pk),
        "drawing": export_strokes(strokes, fmt),
    }


def record_line(record: Mapping) -> str:
    """One ndjson line (no newline), compact like Google's files."""
    return json.dumps(record, separators=(",", ":"))
