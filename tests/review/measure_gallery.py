"""Times the public gallery over a large SQLite database of genuine Quick, Draw! drawings (not a test).

    .venv/bin/python -m tests.review.measure_gallery --rows 100000 --db /tmp/gallery-bench.sqlite3 [--model-labels]

Fills the database once (real raw strokes from the shared data, cycled; ~20 % public, Google's
``recognized`` flag, ~2 % excluded, a year of dates), then prints the median time of the gallery query and
of the whole page (Django test client, real model) for one category and for the "recent" overview, the
page's size, and SQLite's query plan.
"""

import argparse
import json
import os
import random
import sqlite3
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PUBLIC_SHARE = 0.2
EXCLUDED_SHARE = 0.02
SPAN = timedelta(days=365)
BATCH = 5000
REPEATS = 20
MS = 1000
SEED = 5


def fill(database: Path, rows: int, raw_folder: Path, labels: list[str] | None) -> None:
    """``rows`` drawings cycling through the raw files (only those of ``labels`` when given)."""
    files = sorted(raw_folder.glob("*.ndjson"))
    if labels is not None:
        files = [file for file in files if file.stem in labels]
    drawings = [json.loads(line) for file in files for line in file.open()]
    rng = random.Random(SEED)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    connection = sqlite3.connect(database)
    sql = (
        "INSERT INTO recognizer_drawing (strokes, canvas_width, canvas_height, label, guesses, recognized, "
        "first_correct_ms, timeline, model_version, stroke_count, point_count, source, created, client_key, "
        "excluded, public) VALUES (?, NULL, NULL, ?, ?, ?, ?, ?, 'bench', ?, ?, 'submit', ?, '', ?, ?)"
    )
    for first in range(0, rows, BATCH):
        batch = []
        for index in range(first, min(rows, first + BATCH)):
            drawing = drawings[index % len(drawings)]
            word, strokes, recognized = drawing["word"], drawing["drawing"], drawing["recognized"]
            top = word if recognized else "other"
            created = start + SPAN * index / rows
            batch.append(
                (
                    json.dumps(strokes),
                    word,
                    json.dumps([{"label": top, "score": 0.9}]),
                    recognized,
                    1500 if recognized else None,
                    json.dumps([[1500, top, 0.9]]),
                    len(strokes),
                    sum(len(stroke[0]) for stroke in strokes),
                    created.strftime("%Y-%m-%d %H:%M:%S.%f"),
                    rng.random() < EXCLUDED_SHARE,
                    rng.random() < PUBLIC_SHARE,
                )
            )
        with connection:
            connection.executemany(sql, batch)
    connection.close()


def median_ms(action) -> float:
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * MS)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/gallery-bench.sqlite3"))
    parser.add_argument("--category", default="cat")
    parser.add_argument(
        "--model-labels", action="store_true", help="only drawings of the served model's categories (more per category)"
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drawsite.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ml.config import quickdraw_dir
    from recognizer import selectors
    from recognizer.models import Drawing

    fresh = not args.db.exists()  # a database of the same size is reused: delete it to change --model-labels
    call_command("migrate", verbosity=0)
    if fresh or Drawing.objects.count() != args.rows:
        Drawing.objects.all().delete()
        labels = [category.label for category in selectors.category_list()] if args.model_labels else None
        fill(args.db, args.rows, quickdraw_dir() / "raw", labels)
    limit = settings.RECOGNIZER_GALLERY_PER_CATEGORY
    shown = Drawing.objects.filter(public=True, excluded=False, recognized=True)
    print(
        f"{Drawing.objects.count()} drawings, {shown.count()} shown in the gallery, "
        f"{shown.filter(label=args.category).count()} of {args.category}; limit {limit}"
    )
    client = Client(HTTP_HOST="localhost")  # an allowed host with the default settings
    client.get("/gallery/")  # loads the model once
    for name, label, query in [("category", args.category, {"category": args.category}), ("recent", None, {})]:
        query_ms = median_ms(lambda label=label: selectors.gallery_drawing_list(label=label, limit=limit))
        response = client.get("/gallery/", query)
        assert response.status_code == 200, response.status_code
        page_ms = median_ms(lambda query=query: client.get("/gallery/", query))
        print(
            f"{name}: query {query_ms:.1f} ms, page {page_ms:.1f} ms, {len(response.content) / 1024:.0f} KiB "
            f"(median of {REPEATS})"
        )
        queryset = Drawing.objects.filter(public=True, excluded=False, recognized=True)
        if label:
            queryset = queryset.filter(label=label)
        sql, params = queryset.order_by("-id")[:limit].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            print("  plan:", "; ".join(row[-1] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
