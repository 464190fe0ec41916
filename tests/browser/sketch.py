"""Real Quick, Draw! drawings that the served model recognizes, drawn on the page with the mouse or a finger."""

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.config import DEFAULT_MODEL_DIR
from ml.data import iter_drawings
from ml.inference import load_classifier
from ml.raster import render_raw

MODEL_DIR_ENV = "RECOGNIZER_MODEL_DIR"
# Categories with distinctive shapes; the first drawing the model calls right with confidence is used.
CANDIDATE_WORDS = ("apple", "ladder", "rainbow", "clock", "eye", "sailboat", "fish", "cat", "mushroom")
MIN_SCORE = 0.9  # comfortably above the runner-up, so mouse resampling cannot change the top-1
CANVAS_FILL = 0.8  # the drawing spans this much of the canvas, centered
MOUSE_STEPS = 2  # intermediate mouse events between two recorded points
MIN_STROKES = 2  # the reconnect test draws all strokes but the last before the server goes away


@dataclass(frozen=True)
class RawDrawing:
    word: str
    strokes: list  # Google's raw format: [xs, ys, ts] per stroke
    score: float  # the served model's probability for `word` on the raw strokes

    @property
    def point_count(self) -> int:
        return sum(len(xs) for xs, _, _ in self.strokes)


def served_model_dir() -> Path:
    return Path(os.environ.get(MODEL_DIR_ENV) or DEFAULT_MODEL_DIR)


def pick_recognized(data_dir: Path, words: tuple[str, ...] = CANDIDATE_WORDS, min_strokes: int = MIN_STROKES) -> RawDrawing:
    """The first raw drawing of `words` (>= `min_strokes` strokes) the served model puts top-1 at >= MIN_SCORE."""
    classifier = load_classifier(served_model_dir())
    for word in words:
        path = data_dir / "raw" / f"{word}.ndjson"
        if word not in classifier.labels or not path.exists():
            continue
        for drawing in iter_drawings(path):
            if len(drawing.drawing) < min_strokes:
                continue
            probs = classifier.predict(render_raw(drawing.drawing)[np.newaxis])[0]
            best = int(np.argmax(probs))
            if classifier.labels[best] == word and probs[best] >= MIN_SCORE:
                return RawDrawing(word=word, strokes=drawing.drawing, score=float(probs[best]))
    raise LookupError(f"no raw drawing of {words} is recognized at >= {MIN_SCORE} by {served_model_dir()}")


def fit_to_box(strokes: list, box: dict) -> list[list[tuple[float, float]]]:
    """Page coordinates of every point, the drawing scaled uniformly and centered in `box`."""
    xs = [x for stroke in strokes for x in stroke[0]]
    ys = [y for stroke in strokes for y in stroke[1]]
    extent = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    scale = min(box["width"], box["height"]) * CANVAS_FILL / extent
    left = box["x"] + (box["width"] - (max(xs) - min(xs)) * scale) / 2
    top = box["y"] + (box["height"] - (max(ys) - min(ys)) * scale) / 2
    return [
        [(left + (x - min(xs)) * scale, top + (y - min(ys)) * scale) for x, y in zip(stroke[0], stroke[1], strict=True)]
        for stroke in strokes
    ]


def draw_with_mouse(page, strokes: list[list[tuple[float, float]]], lift_last: bool = True) -> None:
    """Mouse down/move/up per stroke; `lift_last=False` leaves the pen down mid-drawing."""
    for index, points in enumerate(strokes):
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point, steps=MOUSE_STEPS)
        if lift_last or index < len(strokes) - 1:
            page.mouse.up()


def draw_with_touch(page, strokes: list[list[tuple[float, float]]]) -> None:
    """One finger per stroke, through the DevTools protocol (Playwright's touchscreen only taps)."""
    cdp = page.context.new_cdp_session(page)
    for points in strokes:
        for kind, point in [("touchStart", points[0]), *[("touchMove", p) for p in points[1:]]]:
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": point[0], "y": point[1]}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()
