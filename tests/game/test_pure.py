"""The game's pure parts, as tables: codes, scoring, prompts, rules, message parsing, restored sessions."""

import random

import pytest

from game.codes import CODE_ALPHABET, CODE_LENGTH, new_code, normalize_code
from game.errors import GameError
from game.live import LiveDrawing, restored_session
from game.prompts import NotEnoughPrompts, choose_prompt, class_top1, prompt_pool
from game.protocol import Join, Start, parse_game_message
from game.rules import Participant, Seat, check_game_settings, clean_name, everyone_recognized, next_host
from game.scoring import round_points
from recognizer.protocol import Points, ProtocolError, Undo
from tests.web.limits import SMALL


def test_codes_avoid_confusable_characters() -> None:
    assert not set("0O1IL") & set(CODE_ALPHABET)
    rng = random.Random(7)
    codes = {new_code(rng) for _ in range(500)}
    assert all(len(code) == CODE_LENGTH and normalize_code(code) == code for code in codes)
    assert len(codes) > 490  # random, not a sequence


@pytest.mark.parametrize(
    ("typed", "code"),
    [("K7QX", "K7QX"), ("k7qx", "K7QX"), (" k7-qx ", "K7QX"), ("K7 QX", "K7QX"), ("K7QO", None), ("K1QX", None),
     ("K7Q", None), ("K7QXX", None), ("", None), (None, None), (42, None), ("KLQX", None)],
)
def test_normalize_code(typed, code) -> None:
    assert normalize_code(typed) == code


@pytest.mark.parametrize(
    ("elapsed_ms", "round_ms", "place", "points"),
    [
        (0, 20_000, 1, 1300),  # instant and first: everything
        (0, 20_000, 2, 1200),
        (10_000, 20_000, 1, 850),  # half the time left: half the speed share
        (10_000, 20_000, 3, 650),
        (10_000, 20_000, 4, 550),  # no bonus after third
        (20_000, 20_000, 8, 100),  # the last instant still beats not drawing
        (25_000, 20_000, 1, 400),  # (late results are clamped, never negative)
        (None, 20_000, None, 0),  # not recognized
    ],
)
def test_round_points(elapsed_ms, round_ms: int, place, points: int) -> None:
    assert round_points(elapsed_ms=elapsed_ms, round_ms=round_ms, place=place) == points


def test_round_points_favour_speed_then_place() -> None:
    faster = round_points(elapsed_ms=2_000, round_ms=20_000, place=2)
    slower = round_points(elapsed_ms=9_000, round_ms=20_000, place=2)
    assert faster > slower
    assert round_points(elapsed_ms=5_000, round_ms=20_000, place=1) > round_points(elapsed_ms=5_000, round_ms=20_000, place=2)


@pytest.mark.parametrize(("kwargs"), [{"elapsed_ms": 1, "round_ms": 0, "place": 1}, {"elapsed_ms": 1, "round_ms": 10, "place": 0},
                                      {"elapsed_ms": -1, "round_ms": 10, "place": 1}])
def test_round_points_rejects_nonsense(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        round_points(**kwargs)


FIGURES = {
    "cat": {"bitmaps": {"top1": 0.89}, "raw": {"top1": 1.0}},
    "dog": {"bitmaps": {"top1": 0.57}, "raw": {"top1": 0.9}},  # bitmaps (first set) decides
    "bat": {"raw": {"top1": 0.67}},
    "giraffe": {"raw": {"top1": 1.0}},
    "owl": {},
}


@pytest.mark.parametrize(
    ("label", "sets", "top1"),
    [("cat", ("bitmaps", "raw"), 0.89), ("cat", ("raw", "bitmaps"), 1.0), ("bat", ("bitmaps", "raw"), 0.67),
     ("owl", ("bitmaps", "raw"), None), ("bat", ("bitmaps",), None)],
)
def test_class_top1(label: str, sets: tuple, top1) -> None:
    assert class_top1(FIGURES[label], sets) == top1


@pytest.mark.parametrize(
    ("threshold", "pool"),
    [(0.75, ["cat", "giraffe"]), (0.5, ["cat", "dog", "bat", "giraffe"]), (0.95, ["giraffe"]), (1.01, [])],
)
def test_prompt_pool_leaves_out_weak_and_unmeasured_classes(threshold: float, pool: list) -> None:
    labels = ["cat", "dog", "bat", "giraffe", "owl", "zebra"]
    assert prompt_pool(labels, FIGURES, min_top1=threshold, metric_sets=("bitmaps", "raw")) == pool


def test_real_model_prompt_pool_excludes_its_weak_classes() -> None:
    """The committed model's metrics.json: bear/dog/frog (bitmaps top-1 < 0.6) are never prompts."""
    import json

    from ml.config import DEFAULT_MODEL_DIR
    from recognizer.selectors import per_class_figures

    metrics = json.loads((DEFAULT_MODEL_DIR / "metrics.json").read_text())
    pool = prompt_pool(metrics["labels"], per_class_figures(metrics), min_top1=0.75, metric_sets=("bitmaps", "raw"))
    assert {"bear", "dog", "frog"}.isdisjoint(pool) and {"apple", "clock", "giraffe"} <= set(pool)
    assert len(pool) >= 10  # enough for the longest game without repeats


def test_choose_prompt_never_repeats() -> None:
    rng = random.Random(3)
    pool, used = ["a", "b", "c"], []
    for _ in pool:
        used.append(choose_prompt(pool, used, rng))
    assert sorted(used) == pool
    with pytest.raises(NotEnoughPrompts):
        choose_prompt(pool, used, rng)


@pytest.mark.parametrize(
    ("rounds", "seconds", "ok"),
    [(1, 10, True), (10, 60, True), (3, 20, True), (0, 20, False), (11, 20, False), (3, 9, False), (3, 61, False),
     (True, 20, False), (3.0, 20, False), ("3", 20, False), (None, 20, False)],
)
def test_check_game_settings(rounds, seconds, ok: bool) -> None:
    if ok:
        assert check_game_settings(rounds, seconds) == (rounds, seconds)
    else:
        with pytest.raises(GameError) as caught:
            check_game_settings(rounds, seconds)
        assert caught.value.code == "bad_settings"


@pytest.mark.parametrize(
    ("raw", "name"),
    [("Ann", "Ann"), ("  Ann   Lee ", "Ann Lee"), ("é" * 24, "é" * 24), ("", None), ("   ", None), ("x" * 25, None),
     ("a\u0000b", None), (5, None), (None, None)],
)
def test_clean_name(raw, name) -> None:
    if name is not None:
        assert clean_name(raw) == name
    else:
        with pytest.raises(GameError):
            clean_name(raw)


ON, OFF = True, False


@pytest.mark.parametrize(
    ("current", "seats", "host"),
    [
        (1, [(1, ON, OFF), (2, ON, OFF)], 1),  # a connected host stays
        (1, [(1, OFF, OFF), (2, ON, OFF), (3, ON, OFF)], 2),  # the next connected player in joining order
        (1, [(1, OFF, OFF), (2, OFF, OFF), (3, ON, OFF)], 3),
        (1, [(1, OFF, OFF), (2, OFF, OFF)], 1),  # nobody connected: the host keeps the role
        (1, [(1, OFF, True), (2, OFF, OFF)], 2),  # ... unless their seat is gone
        (None, [(4, ON, OFF)], 4),  # the first player becomes host
        (None, [], None),
        (1, [(1, OFF, True)], None),
    ],
)
def test_next_host(current, seats: list, host) -> None:
    assert next_host(current, [Seat(player=p, connected=c, left=gone) for p, c, gone in seats]) == host


@pytest.mark.parametrize(
    ("participants", "done"),
    [
        ([(ON, True), (ON, True)], True),
        ([(ON, True), (ON, False)], False),
        ([(ON, True), (OFF, False)], True),  # a disconnected player does not hold the round up
        ([(OFF, False), (OFF, True)], False),  # nobody connected: wait for the deadline
        ([], False),
    ],
)
def test_everyone_recognized(participants: list, done: bool) -> None:
    assert everyone_recognized([Participant(connected=c, recognized=r) for c, r in participants]) is done


@pytest.mark.parametrize(
    ("message", "parsed"),
    [
        ({"type": "join", "name": " Ann ", "token": "t0k", "canvas": [80.4, 60]}, Join("Ann", "t0k", (80, 60))),
        ({"type": "join", "name": "Ann"}, Join("Ann", None, None)),
        ({"type": "start"}, Start(3, 20)),
        ({"type": "start", "rounds": 5, "seconds": 45, "seq": 9}, Start(5, 45)),
        ({"type": "points", "seq": 1, "stroke": 0, "points": [[1, 2, 3]]}, Points(seq=1, stroke=0, points=[[1, 2, 3]])),
        ({"type": "undo", "seq": 4}, Undo(seq=4)),
    ],
)
def test_parse_game_message(message: dict, parsed) -> None:
    assert parse_game_message(message, SMALL) == parsed


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "hello", "seq": 0}, "bad_type"), ({"type": "submit", "seq": 0}, "bad_type"), ({}, "bad_type"),
        ("join", "bad_json"), ({"type": "join", "name": "a", "token": ""}, "bad_token"),
        ({"type": "join", "name": "a", "token": "x" * 65}, "bad_token"), ({"type": "join", "name": "a", "canvas": [1]}, "bad_canvas"),
        ({"type": "start", "rounds": 0}, "bad_settings"), ({"type": "points", "seq": 1, "stroke": 0, "points": []}, "bad_points"),
        ({"type": "points", "stroke": 0, "points": [[1, 2, 3]]}, "bad_seq"),
    ],
)
def test_parse_game_message_errors(message, code: str) -> None:
    with pytest.raises((ProtocolError, GameError)) as caught:
        parse_game_message(message, SMALL)
    assert caught.value.code == code


def test_restored_session_continues_the_saved_drawing() -> None:
    saved = [[[1, 2], [3, 4], [0, 16]], [[5], [6], [40]]]
    session = restored_session(SMALL, saved, (100, 100), [[16, "cat", 0.5]])
    assert (session.point_count, session.elapsed_ms, session.canvas, session.strokes) == (3, 40, (100, 100), saved)
    assert session.strokes is not saved  # a copy
    live = LiveDrawing(round_id=1, prompt="cat", session=session)
    live.apply(Points(seq=0, stroke=1, points=[[7, 8, 50]]))  # the last stroke goes on
    live.apply(Undo(seq=1))
    assert [op["op"] for op in live.take_ops()] == ["points", "undo"] and live.take_ops() == []
    assert live.dirty and len(live.session.strokes) == 1
    with pytest.raises(ProtocolError):
        live.apply(Points(seq=2, stroke=3, points=[[1, 1, 60]]))
