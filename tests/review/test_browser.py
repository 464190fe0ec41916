"""The replay animates in a real browser: on the admin's drawing page (staff login, play, pause, speeds, the
timeline entry current at the replay time highlighted) and in the public gallery (click a drawing)."""

import math

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import admin_login
from tests.review.daphne_db import insert_drawing

pytestmark = pytest.mark.browser

# Two strokes drawn over 2 s of drawing time; the top guess changes at 200, 1100 and 2000 ms.
POINTS_PER_STROKE = 30
FIRST_STROKE_MS = (0, 900)
SECOND_STROKE_MS = (1300, 2000)
TIMELINE = [[200, "snail", 0.3], [1100, "dog", 0.55], [2000, "cat", 0.9]]
DURATION_MS = 2000
SAMPLE_MS = 40
SAMPLE_TIMEOUT_MS = 15_000
REAL_SPEED_SHARE = 0.8  # at 1x the replay may not finish faster than this share of the drawing's own time
PAUSE_HOLD_MS = 400

# Samples a replay in the page until it ends: [{t, ink, entry, state, caption}] (ink: non-blank canvas pixels).
SAMPLER_JS = """async ({ root, interval, timeout }) => {
  const element = document.querySelector(root);
  const canvas = element.querySelector("canvas");
  const ink = () => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
    return count;
  };
  const caption = () => element.querySelector('[data-role="guess"]')?.textContent ?? null;
  const samples = [];
  const start = performance.now();
  while (performance.now() - start < timeout) {
    const state = element.dataset.state;
    samples.push({ t: performance.now() - start, ink: ink(), entry: Number(element.dataset.entry), state, caption: caption() });
    if (state !== "playing") break;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  return samples;
}"""
INK_JS = """(root) => {
  const canvas = document.querySelector(root).querySelector("canvas");
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let count = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
  return count;
}"""


def stroke(start_ms: int, end_ms: int, centre: tuple[float, float], radius: float) -> list[list[float]]:
    """A half circle of POINTS_PER_STROKE points drawn evenly from start_ms to end_ms (raw [xs, ys, ts])."""
    steps = range(POINTS_PER_STROKE)
    angles = [math.pi * i / (POINTS_PER_STROKE - 1) for i in steps]
    return [
        [round(centre[0] + radius * math.cos(a), 2) for a in angles],
        [round(centre[1] + radius * math.sin(a), 2) for a in angles],
        [round(start_ms + (end_ms - start_ms) * i / (POINTS_PER_STROKE - 1)) for i in steps],
    ]


STROKES = [stroke(*FIRST_STROKE_MS, (200, 120), 90), stroke(*SECOND_STROKE_MS, (200, 180), 60)]


def distinct(values: list) -> list:
    """Values with consecutive repeats removed."""
    return [value for index, value in enumerate(values) if index == 0 or value != values[index - 1]]


def check_animation(samples: list[dict], full_ink: int) -> None:
    """Ink only grows and ends as the whole drawing; the current timeline entry only moves forward, through all."""
    inks = [sample["ink"] for sample in samples]
    assert samples[-1]["state"] == "ended", samples[-1]
    assert inks == sorted(inks), inks
    assert len(set(inks)) >= 3 and inks[0] < inks[-1] == full_ink, inks
    entries = distinct([sample["entry"] for sample in samples])
    assert entries == sorted(entries) and entries[-3:] == [0, 1, 2], entries


def test_admin_replay_animates_at_real_speed(page: Page, daphne) -> None:
    drawing_id = insert_drawing(daphne.database, strokes=STROKES, timeline=TIMELINE, label="cat", top="cat")
    path = f"/admin/recognizer/drawing/{drawing_id}/change/"
    admin_login(page, path)
    panel = page.locator(".replay")
    # first the finished drawing, the last guess current
    expect(panel).to_have_attribute("data-entry", "2")
    expect(panel).to_have_attribute("data-state", "ended")
    expect(page.locator('.replay-timeline li[aria-current="true"]')).to_have_attribute("data-index", "2")
    full_ink = page.evaluate(INK_JS, ".replay")
    assert full_ink > 0

    page.click('[data-control="toggle"]')
    expect(panel).to_have_attribute("data-state", "playing")
    samples = page.evaluate(SAMPLER_JS, {"root": ".replay", "interval": SAMPLE_MS, "timeout": SAMPLE_TIMEOUT_MS})
    check_animation(samples, full_ink)
    assert samples[-1]["t"] >= REAL_SPEED_SHARE * DURATION_MS - samples[0]["t"], samples[-1]
    highlighted = page.locator('.replay-timeline li[aria-current="true"]')
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_have_attribute("data-index", "2")
    expect(page.locator('[data-role="clock"]')).to_have_text("2.0 s / 2.0 s")


def test_admin_replay_pause_restart_and_speeds(page: Page, daphne) -> None:
    drawing_id = insert_drawing(daphne.database, strokes=STROKES, timeline=TIMELINE, label="cat", top="dog")
    admin_login(page, f"/admin/recognizer/drawing/{drawing_id}/change/")
    panel = page.locator(".replay")
    expect(panel).to_have_attribute("data-entry", "2")  # mounted, the finished drawing shown
    full_ink = page.evaluate(INK_JS, ".replay")

    page.click('[data-control="restart"]')
    expect(panel).to_have_attribute("data-entry", "0")  # the first guess, at 200 ms
    page.click('[data-control="toggle"]')  # pause
    expect(panel).to_have_attribute("data-state", "paused")
    held = (page.evaluate(INK_JS, ".replay"), panel.get_attribute("data-entry"), page.inner_text('[data-role="clock"]'))
    page.wait_for_timeout(PAUSE_HOLD_MS)
    assert (
        page.evaluate(INK_JS, ".replay"),
        panel.get_attribute("data-entry"),
        page.inner_text('[data-role="clock"]'),
    ) == held
    assert 0 < held[0] < full_ink

    page.check('input[name="replay-speed"][value="4"]')
    page.click('[data-control="toggle"]')  # resume, four times faster
    expect(panel).to_have_attribute("data-state", "playing")
    samples = page.evaluate(SAMPLER_JS, {"root": ".replay", "interval": SAMPLE_MS, "timeout": SAMPLE_TIMEOUT_MS})
    assert samples[-1]["state"] == "ended" and samples[-1]["ink"] == full_ink
    assert samples[-1]["t"] < DURATION_MS, samples[-1]  # the ~1.8 s left took well under its drawing time

    page.check('input[name="replay-speed"][value="instant"]')
    page.click('[data-control="restart"]')
    expect(panel).to_have_attribute("data-state", "ended")
    assert page.evaluate(INK_JS, ".replay") == full_ink


def test_gallery_replays_a_shared_drawing(page: Page, daphne) -> None:
    shared = [
        insert_drawing(daphne.database, strokes=STROKES, timeline=TIMELINE, label="cat", top="cat", public=True)
        for _ in range(2)
    ]
    hidden = [
        insert_drawing(daphne.database, strokes=STROKES, timeline=TIMELINE, label="cat", top="cat"),  # not shared
        insert_drawing(
            daphne.database, strokes=STROKES, timeline=TIMELINE, label="cat", top="cat", public=True, excluded=True
        ),
        insert_drawing(daphne.database, strokes=STROKES, timeline=TIMELINE, label="cat", top="dog", public=True),
    ]
    page.goto("/categories/")
    page.click(".site-nav >> text=Gallery")
    page.click('.gallery-categories >> text="cat"')
    cards = page.locator(".gallery-card")
    expect(cards).to_have_count(len(shared))
    assert [int(pk) for pk in cards.evaluate_all("(cards) => cards.map((card) => card.dataset.drawing)")] == shared[
        ::-1
    ]
    assert not set(hidden) & set(shared)

    newest = f'.gallery-card[data-drawing="{shared[-1]}"]'
    expect(page.locator(newest)).to_have_attribute("data-entry", "2")  # mounted, the finished drawing shown
    full_ink = page.evaluate(INK_JS, newest)
    assert full_ink > 0 and page.evaluate(INK_JS, f'.gallery-card[data-drawing="{shared[0]}"]') == full_ink
    expect(page.locator(newest).locator('[data-role="guess"]')).to_have_text("cat")

    page.click(f"{newest} .gallery-replay")
    expect(page.locator(newest)).to_have_attribute("data-state", "playing")
    samples = page.evaluate(SAMPLER_JS, {"root": newest, "interval": SAMPLE_MS, "timeout": SAMPLE_TIMEOUT_MS})
    check_animation(samples, full_ink)
    assert distinct([sample["caption"] for sample in samples])[-3:] == ["snail", "dog", "cat"]
