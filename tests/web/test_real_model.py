"""Real Quick, Draw! drawings through the websocket give exactly the guesses of the direct path.

The direct path, render_raw + Classifier.predict + top_k, is what `ml.evaluate` measures, so the live
site serves what the evaluation reports. Needs the shared data and the committed model.
"""

import json
from pathlib import Path

import pytest

from ml.inference import load_classifier, top_k
from ml.raster import render_raw
from recognizer.timeline import Guess, guesses_json
from tests.web.conftest import receive

pytestmark = pytest.mark.django_db(transaction=True)

CATEGORIES = ("cat", "bicycle", "rainbow")
SCORE_TOLERANCE = 1e-4  # scores travel rounded to 4 decimals


@pytest.fixture
def model_dir(settings) -> Path:
    path = Path(settings.RECOGNIZER_MODEL_DIR)
    if not (path / "model.tflite").exists():
        pytest.skip(f"no served model at {path} (train and export one: make train)")
    return path


def first_raw_drawing(quickdraw: Path, category: str) -> list:
    with (quickdraw / "raw" / f"{category}.ndjson").open(encoding="utf-8") as lines:
        return json.loads(next(lines))["drawing"]


def points_messages(strokes: list, first_seq: int, chunk: int) -> list[dict]:
    """The drawing as a browser would stream it: each stroke in chunks of at most ``chunk`` points."""
    messages = []
    for number, (xs, ys, ts) in enumerate(strokes):
        points = [list(point) for point in zip(xs, ys, ts, strict=True)]
        for start in range(0, len(points), chunk):
            messages.append(
                {"type": "points", "seq": first_seq + len(messages), "stroke": number, "points": points[start : start + chunk]}
            )
    return messages


async def test_websocket_guesses_match_the_direct_path(draw_socket, settings, quickdraw_data: Path, model_dir: Path) -> None:
    settings.RECOGNIZER_RATE_BURST = 10_000  # the test streams faster than a person draws
    classifier = load_classifier(model_dir)
    chunk = 16  # many messages per stroke, like a live pen
    seq = 0
    async with draw_socket() as ws:
        for category in CATEGORIES:
            strokes = first_raw_drawing(quickdraw_data, category)
            messages = points_messages(strokes, seq, chunk)
            for message in messages:
                await ws.send_json_to(message)
            seq += len(messages)
            reply = await receive(ws)
            while reply["seq"] != seq - 1:  # earlier updates may arrive, or be coalesced away
                reply = await receive(ws)
            assert reply["type"] == "guesses"
            probs = classifier.predict(render_raw(strokes)[None])[0]
            direct = guesses_json([Guess(str(l), float(s)) for l, s in top_k(probs, classifier.labels, settings.RECOGNIZER_TOP_K)])
            assert [g["label"] for g in reply["guesses"]] == [g["label"] for g in direct], category
            for live, expected in zip(reply["guesses"], direct, strict=True):
                assert abs(live["score"] - expected["score"]) <= SCORE_TOLERANCE
            await ws.send_json_to({"type": "submit", "seq": seq, "label": category})
            saved = await receive(ws)
            while saved["type"] != "saved":
                saved = await receive(ws)
            assert saved["guesses"] == reply["guesses"]
            assert saved["recognized"] is (direct[0]["label"] == category)
            seq += 1
