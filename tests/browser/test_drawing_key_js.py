"""Tables for the drawing key in the pure JavaScript modules: drawkey.js makes it, drawing.js names each
drawing with it and puts it on stroke 0's `points` messages (docs/protocol.md, "Drawing key")."""

import pytest

pytestmark = pytest.mark.browser

BLANK_PAGE = "/categories/"  # any page of the site: the modules import from its origin
SPACE = [300, 300]

# A Drawing whose keys are "k1", "k2", …; each step is [method, ...args]; returns what each step
# returned and the key after it.
KEYED_STEPS_JS = """
let made = 0;
const d = new m.Drawing({ newKey: () => `k${++made}` });
return arg.map(([method, ...args]) => ({ result: d[method](...args), key: d.key }));
"""


@pytest.fixture(scope="module")
def run_js(browser, daphne):
    context = browser.new_context(base_url=daphne.url)
    page = context.new_page()
    page.goto(BLANK_PAGE)

    def run(module: str, body: str, arg=None):
        return page.evaluate(f"async (arg) => {{ const m = await import('/static/js/{module}'); {body} }}", arg)

    yield run
    context.close()


def begin(x: float, t: float) -> list:
    return ["beginStroke", SPACE, x, x, t]


def points(stroke: int, *pts: list, key: str | None = None) -> dict:
    message = {"type": "points", "stroke": stroke, "points": list(pts)}
    return message | ({"key": key} if key else {})


@pytest.mark.parametrize(
    ("fill", "expected"),
    [([0] * 16, "0" * 32), (list(range(16)), "000102030405060708090a0b0c0d0e0f"), ([255] * 16, "f" * 32)],
)
def test_new_drawing_key_is_32_hex_digits_of_the_random_bytes(run_js, fill: list, expected: str) -> None:
    body = "return m.newDrawingKey((bytes) => { bytes.set(arg); return bytes; });"
    assert run_js("drawkey.js", body, fill) == expected


def test_new_drawing_key_uses_the_browser_random_source(run_js) -> None:
    keys = run_js("drawkey.js", "return Array.from({length: 50}, () => m.newDrawingKey());")
    assert len(set(keys)) == len(keys) and all(len(key) == 32 and int(key, 16) >= 0 for key in keys)


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # named at the first stroke, kept for the drawing, on stroke 0's messages only
        ([["snapshot"], begin(0, 0), ["takeUnsent", 5], begin(1, 5), ["takeUnsent", 5]],
         [({"strokes": [], "space": None, "key": None}, None), ([0, 0, 0], "k1"),
          ([points(0, [0, 0, 0], key="k1")], "k1"), ([1, 1, 5], "k1"), ([points(1, [1, 1, 5])], "k1")]),
        # a replay after a reconnect carries it again
        ([begin(0, 0), begin(1, 5), ["replay", 5]],
         [([0, 0, 0], "k1"), ([1, 1, 5], "k1"), ([points(0, [0, 0, 0], key="k1"), points(1, [1, 1, 5])], "k1")]),
        # emptied (clear, or undo of every stroke): the next stroke starts a new drawing, with a new key
        ([begin(0, 0), ["clear"], begin(2, 3), ["undo"], begin(4, 6)],
         [([0, 0, 0], "k1"), (None, None), ([2, 2, 0], "k2"), (False, None), ([4, 4, 0], "k3")]),
    ],
)
def test_drawing_names_each_drawing(run_js, steps: list, expected: list) -> None:
    assert [(s["result"], s["key"]) for s in run_js("drawing.js", KEYED_STEPS_JS, steps)] == expected


def test_without_a_key_maker_messages_carry_no_key(run_js) -> None:
    body = "const d = new m.Drawing(); d.beginStroke(arg, 1, 2, 0); return [d.key, d.replay(5)];"
    assert run_js("drawing.js", body, SPACE) == [None, [points(0, [1, 2, 0])]]  # the game page's drawings
