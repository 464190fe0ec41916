"""Screenshots of the drawing page mid-drawing, guesses showing, for the README.

Starts its own Daphne over a throwaway database, draws a real Quick, Draw! drawing the model knows
(all strokes but the last, then half of the last with the pen still down), and saves the page.

    .venv/bin/python -m tests.browser.make_screenshot --out docs/screenshot.png --phone-out /tmp/phone.png
"""

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from ml.config import quickdraw_dir
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE
from tests.browser.helpers import canvas_box, open_draw_page
from tests.browser.server import DaphneServer
from tests.browser.sketch import draw_with_mouse, draw_with_touch, fit_to_box, pick_recognized

SETTLE_MS = 900  # let the last guesses arrive and the bars finish their transition
LAST_STROKE_SHOWN = 0.6  # how much of the last stroke is drawn when the picture is taken


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshot.png"), help="desktop screenshot (PNG) path")
    parser.add_argument("--phone-out", type=Path, default=None, help="also save a phone-sized screenshot here")
    parser.add_argument("--words", default="cat,sailboat,bicycle,apple",
                        help="comma-separated categories to take the drawing from, first recognized wins")
    return parser.parse_args()


def capture(browser, server: DaphneServer, strokes: list, word: str, options: dict, out: Path, touch: bool) -> None:
    context = browser.new_context(base_url=server.url, **options)
    page = context.new_page()
    open_draw_page(page, f"/?prompt={word}")
    placed = fit_to_box(strokes, canvas_box(page))
    last = placed[-1][: max(2, int(len(placed[-1]) * LAST_STROKE_SHOWN))]
    if touch:
        draw_with_touch(page, placed[:-1] + [last])
    else:
        draw_with_mouse(page, placed[:-1] + [last], lift_last=False)  # pen still down: mid-drawing
    page.wait_for_selector("#guesses .guess.is-top")
    page.wait_for_timeout(SETTLE_MS)
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out))
    print(f"saved {out} (headline: {page.locator('#headline').inner_text()!r})")
    context.close()


def main() -> None:
    args = parse_args()
    print("picking a drawing the served model recognizes…")
    drawing = pick_recognized(quickdraw_dir(), tuple(args.words.split(",")))
    print(f"using a {drawing.word} ({len(drawing.strokes)} strokes, model score {drawing.score:.2f}); starting daphne…")
    with tempfile.TemporaryDirectory() as folder:
        server = DaphneServer(database=Path(folder) / "db.sqlite3")
        server.prepare()
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                capture(browser, server, drawing.strokes, drawing.word, DESKTOP, args.out, touch=False)
                if args.phone_out:
                    capture(browser, server, drawing.strokes, drawing.word, PHONE, args.phone_out, touch=True)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
