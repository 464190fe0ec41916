"""The pure JavaScript modules (no DOM, no socket), imported into the page and checked with tables."""

import pytest

pytestmark = pytest.mark.browser

BLANK_PAGE = "/categories/"  # any page of the site: the modules import from its origin


@pytest.fixture(scope="module")
def module_page(browser, daphne):
    """One page for all the tables (pure functions leave nothing behind between cases)."""
    context = browser.new_context(base_url=daphne.url)
    page = context.new_page()
    page.goto(BLANK_PAGE)
    yield page
    context.close()


@pytest.fixture
def run_js(module_page):
    page = module_page

    def run(module: str, body: str, arg=None):
        return page.evaluate(f"async (arg) => {{ const m = await import('/static/js/{module}'); {body} }}", arg)

    return run


@pytest.mark.parametrize(
    ("attempt", "random", "expected_ms"),
    [
        (0, 0.0, 250), (0, 0.5, 375), (1, 0.0, 500), (3, 0.5, 3000),
        (5, 0.0, 7500), (10, 0.5, 11250), (-1, 0.0, 250),  # capped at 15 s; negative is the first attempt
    ],
)
def test_backoff_delay(run_js, attempt: int, random: float, expected_ms: float) -> None:
    assert run_js("backoff.js", "return m.backoffDelay(arg[0], () => arg[1]);", [attempt, random]) == expected_ms


@pytest.mark.parametrize(
    ("guesses", "prompt", "mood", "text"),
    [
        ([], None, "idle", "Start drawing — I'll guess as you go."),
        ([{"label": "cat", "score": 0.1}], None, "unsure", "Hmm… I'm not sure yet."),
        ([{"label": "cat", "score": 0.4}], "dog", "guess", "I see… a cat?"),
        ([{"label": "apple", "score": 0.9}], None, "sure", "Oh, I know, it's an apple!"),
        ([{"label": "cat", "score": 0.9}], "cat", "match", "Oh, I know, it's a cat!"),
        ([{"label": "cat", "score": 0.5}], "cat", "guess", "I see… a cat?"),  # not sure yet: no celebration
    ],
)
def test_headline(run_js, guesses: list, prompt: str | None, mood: str, text: str) -> None:
    assert run_js("headline.js", "return m.headline(arg[0], arg[1]);", [guesses, prompt]) == {"text": text, "mood": mood}


@pytest.mark.parametrize(
    ("guesses", "spoken"),
    [([], None), ([{"label": "cat", "score": 0.1}], None), ([{"label": "owl", "score": 0.7}], "Oh, I know, it's an owl!")],
)
def test_spoken_guess(run_js, guesses: list, spoken: str | None) -> None:
    assert run_js("headline.js", "return m.spokenGuess(arg);", guesses) == spoken


@pytest.mark.parametrize(
    ("categories", "previous", "random", "expected"),
    [
        (["apple", "bat"], "apple", 0.99, "bat"), (["apple", "bat", "cat"], None, 0.5, "bat"),
        (["apple", "bat", "cat"], "bat", 0.99, "cat"), (["apple"], "apple", 0.3, "apple"), ([], None, 0.5, None),
    ],
)
def test_pick_prompt(run_js, categories: list, previous: str | None, random: float, expected: str | None) -> None:
    assert run_js("prompt.js", "return m.pickPrompt(arg[0], arg[1], () => arg[2]);", [categories, previous, random]) == expected


@pytest.mark.parametrize(("name", "expected"), [("apple", "an apple"), ("cat", "a cat"), ("Owl", "an Owl")])
def test_with_article(run_js, name: str, expected: str) -> None:
    assert run_js("prompt.js", "return m.withArticle(arg);", name) == expected


# Each step is [method, ...args]; the result is what every step returned, plus the final state.
DRAWING_STEPS_JS = """
const d = new m.Drawing();
const results = arg.map(([method, ...args]) => d[method](...args));
return {results, strokes: d.strokes, space: d.space};
"""


SPACE = [300, 300]  # canvas CSS pixels of the drawings below


def begin(x: float, y: float, time_stamp: float) -> list:
    return ["beginStroke", SPACE, x, y, time_stamp]


def points(stroke: int, *pts: list) -> dict:
    return {"type": "points", "stroke": stroke, "points": list(pts)}


@pytest.mark.parametrize(
    ("steps", "results", "strokes"),
    [
        # times are relative to the first point, coordinates rounded to 0.01 px; repeats are skipped
        ([begin(1.234, 2, 1000), ["addPoint", 1.234, 2, 1016], ["addPoint", 5, 6, 1033.4]],
         [[1.23, 2, 0], None, [5, 6, 33]], [[[1.23, 2, 0], [5, 6, 33]]]),
        # t never goes backwards, even with out-of-order event timestamps
        ([begin(0, 0, 500), ["addPoint", 1, 1, 400]], [[0, 0, 0], [1, 1, 0]], [[[0, 0, 0], [1, 1, 0]]]),
        # undo of a stroke the server never got needs no message; of a sent one it does
        ([begin(0, 0, 0), ["takeUnsent", 10], begin(5, 5, 10), ["undo"], ["undo"]],
         [[0, 0, 0], [points(0, [0, 0, 0])], [5, 5, 10], False, True], []),
        # unsent points leave in stroke order, split at the per-message limit
        ([begin(0, 0, 0), ["addPoint", 1, 0, 1], ["addPoint", 2, 0, 2], begin(9, 9, 3), ["takeUnsent", 2], ["takeUnsent", 2]],
         [[0, 0, 0], [1, 0, 1], [2, 0, 2], [9, 9, 3],
          [points(0, [0, 0, 0], [1, 0, 1]), points(0, [2, 0, 2]), points(1, [9, 9, 3])], []],
         [[[0, 0, 0], [1, 0, 1], [2, 0, 2]], [[9, 9, 3]]]),
        # a replay sends every stroke again and leaves nothing unsent
        ([begin(0, 0, 0), ["takeUnsent", 5], begin(1, 1, 5), ["replay", 5], ["takeUnsent", 5]],
         [[0, 0, 0], [points(0, [0, 0, 0])], [1, 1, 5], [points(0, [0, 0, 0]), points(1, [1, 1, 5])], []],
         [[[0, 0, 0]], [[1, 1, 5]]]),
    ],
)
def test_drawing_model(run_js, steps: list, results: list, strokes: list) -> None:
    state = run_js("drawing.js", DRAWING_STEPS_JS, steps)
    assert state["results"] == results
    assert state["strokes"] == strokes


def test_drawing_keeps_the_first_canvas_size_until_cleared(run_js) -> None:
    steps = [["beginStroke", [300, 200], 0, 0, 0], ["beginStroke", [600, 400], 1, 1, 1]]
    assert run_js("drawing.js", DRAWING_STEPS_JS, steps)["space"] == [300, 200]
    emptied = steps + [["undo"], ["undo"]]
    assert run_js("drawing.js", DRAWING_STEPS_JS, emptied)["space"] is None


@pytest.mark.parametrize(("score", "text"), [(0.9132, "91%"), (0.004, "<1%"), (0.0, "0%"), (1.0, "100%"), (0.005, "1%")])
def test_percent(run_js, score: float, text: str) -> None:
    assert run_js("guesses.js", "return m.percent(arg);", score) == text
