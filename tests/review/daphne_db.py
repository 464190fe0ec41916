"""Saved drawings written straight into a test Daphne's SQLite file (the browser tests' server runs in its own
process with its own database, so the ORM of this process cannot reach it)."""

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from recognizer.timeline import first_correct_ms

SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # how Django's SQLite backend stores an aware datetime (in UTC)
FINAL_SCORE = 0.9


def insert_drawing(
    database: Path,
    *,
    strokes: list,
    timeline: list,
    label: str,
    top: str,
    public: bool = False,
    excluded: bool = False,
    canvas: tuple[int, int] | None = (400, 300),
    model_version: str = "browser-test",
) -> int:
    """One saved drawing whose final top-1 guess is ``top`` (so it is recognized when ``top == label``); its id."""
    width, height = canvas if canvas else (None, None)
    row = {
        "strokes": json.dumps(strokes),
        "canvas_width": width,
        "canvas_height": height,
        "label": label,
        "guesses": json.dumps([{"label": top, "score": FINAL_SCORE}]),
        "recognized": top == label,
        "first_correct_ms": first_correct_ms(timeline, label),
        "timeline": json.dumps(timeline),
        "model_version": model_version,
        "stroke_count": len(strokes),
        "point_count": sum(len(stroke[0]) for stroke in strokes),
        "source": "submit",
        "created": datetime.now(UTC).strftime(SQLITE_DATETIME),
        "client_key": "",
        "excluded": excluded,
        "public": public,
    }
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    connection = sqlite3.connect(database)
    try:
        with connection:  # commits
            cursor = connection.execute(
                f"INSERT INTO recognizer_drawing ({columns}) VALUES ({marks})", list(row.values())
            )
        return cursor.lastrowid
    finally:
        connection.close()
