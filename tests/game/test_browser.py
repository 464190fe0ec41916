"""Two browsers play one round of guess race through the real page, against a real Daphne and the real model."""

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, launch_chromium
from tests.browser.helpers import canvas_box
from tests.browser.server import DaphneServer, serving
from tests.browser.sketch import draw_with_mouse, fit_to_box, pick_recognized

pytestmark = pytest.mark.browser

FAST_GAME = {"GAME_COUNTDOWN_MS": "500", "GAME_INTERMISSION_MS": "500", "GAME_FINISH_GRACE_MS": "300"}
ROUND_SECONDS = "40"  # plenty for two mouse-drawn drawings, one after the other
TILE_INK_JS = """(player) => {
  const canvas = document.querySelector(`#tiles .tile[data-player="${player}"] canvas`);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink += 1;
  return ink;
}"""


@dataclass
class GameDaphne(DaphneServer):
    @property
    def env(self) -> dict[str, str]:
        return {**super().env, **FAST_GAME}


@pytest.fixture(scope="module")
def browser():
    yield from launch_chromium()


@pytest.fixture
def game_server(browser, tmp_path: Path) -> Iterator[GameDaphne]:
    yield from serving(GameDaphne(database=tmp_path / "db.sqlite3"))


def join(page: Page, name: str) -> None:
    expect(page.locator("#game")).to_have_attribute("data-phase", "join")
    page.fill("#name", name)
    page.click("#join")
    expect(page.locator("#game")).to_have_attribute("data-phase", "lobby")


def test_two_players_play_a_round_through_the_page(browser, game_server: GameDaphne, quickdraw_data: Path) -> None:
    contexts = [browser.new_context(base_url=game_server.url, **DESKTOP) for _ in range(2)]
    errors: list = []
    try:
        ann, bob = (context.new_page() for context in contexts)
        for page in (ann, bob):
            page.on("pageerror", lambda error: errors.append(error))

        ann.goto("/")
        ann.click("text=Play with friends")
        ann.click("#create-room")
        expect(ann).to_have_url(re.compile(r"/play/[A-Z2-9]{4}/$"))
        code = ann.locator("#room-code").inner_text()
        join(ann, "Ann")
        expect(ann.locator("#start-form")).to_be_visible()

        bob.goto("/play/")
        bob.fill("#join-code", code.lower())  # typed codes are forgiving
        bob.click("#join-room")
        join(bob, "Bob")
        expect(bob.locator("#start-form")).to_be_hidden()
        expect(ann.locator("#players li")).to_have_count(2)

        ann.fill("#rounds", "1")
        ann.fill("#seconds", ROUND_SECONDS)
        ann.click("#start")
        for page in (ann, bob):
            expect(page.locator("#game")).to_have_attribute("data-phase", "round")
        prompt = ann.locator("#prompt").inner_text()
        assert bob.locator("#prompt").inner_text() == prompt
        art = pick_recognized(quickdraw_data, words=(prompt,))

        bob_id = bob.evaluate("() => window.drawsiteGame.state.me")
        draw_with_mouse(bob, fit_to_box(art.strokes, canvas_box(bob)))
        expect(bob.locator("#game")).to_have_attribute("data-recognized", "true")
        expect(bob.locator("#pad-note")).to_contain_text("1st")
        ann.wait_for_function(f"() => ({TILE_INK_JS})({bob_id}) > 0")  # Bob's drawing, live on Ann's screen
        expect(ann.locator(f'#tiles .tile[data-player="{bob_id}"]')).to_have_attribute("data-recognized", "true")

        draw_with_mouse(ann, fit_to_box(art.strokes, canvas_box(ann)))
        for page in (ann, bob):  # both recognized: the round (and the one-round game) ends at once
            expect(page.locator("#game")).to_have_attribute("data-phase", "over")
            expect(page.locator("#leaderboard li")).to_have_count(2)
            expect(page.locator("#gallery img")).to_have_count(2)
        expect(ann.locator("#leaderboard li").first).to_contain_text("Bob")
        ann.wait_for_function("() => [...document.querySelectorAll('#gallery img')].every((i) => i.complete && i.naturalWidth > 0)")
        expect(ann.locator("#again")).to_be_visible()
        expect(bob.locator("#again")).to_be_hidden()
    finally:
        for context in contexts:
            context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"

    with sqlite3.connect(game_server.database) as connection:
        rows = connection.execute(
            "SELECT p.name, gd.place, d.label, d.recognized FROM game_gamedrawing gd JOIN game_player p ON gd.player_id = p.id"
            " JOIN recognizer_drawing d ON gd.drawing_id = d.id ORDER BY gd.place"
        ).fetchall()
    assert rows == [("Bob", 1, prompt, 1), ("Ann", 2, prompt, 1)]
