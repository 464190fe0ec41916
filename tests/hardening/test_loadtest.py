"""The load benchmark's pure parts (tables) and one short end-to-end run against a real Daphne."""

import asyncio
import math
from collections import Counter
from pathlib import Path

import pytest

from loadtest import procstat
from loadtest.baseline import canvas_png, stroke_states
from loadtest.replay import Chunk, Replay, page_messages
from loadtest.report import markdown_table, text_table
from loadtest.stats import Row, percentiles
from ml.live import FRAME_MS

STAT_LINE = "4242 (daphne (worker) x) S 1 2 3 4 5 6 7 8 9 10 {utime} {stime} 0 0 20 0 4 0 100 200 300"


@pytest.mark.parametrize(
    ("utime", "stime", "ticks", "seconds"),
    [(0, 0, 100, 0.0), (150, 50, 100, 2.0), (7, 3, 10, 1.0)],
)
def test_cpu_seconds_from_proc_stat_even_with_parentheses_in_the_name(
    utime: int, stime: int, ticks: int, seconds: float
) -> None:
    assert procstat.parse_cpu_seconds(STAT_LINE.format(utime=utime, stime=stime), ticks) == seconds


@pytest.mark.parametrize(
    ("status", "rss"),
    [("Name:\tx\nVmRSS:\t  2048 kB\nThreads: 3\n", 2048 * 1024), ("Name:\tzombie\nState:\tZ\n", 0)],
)
def test_rss_from_proc_status(status: str, rss: int) -> None:
    assert procstat.parse_rss_bytes(status) == rss


def test_parent_pid_and_process_tree() -> None:
    import os
    import subprocess

    assert procstat.parse_ppid(STAT_LINE.format(utime=0, stime=0)) == 1
    child = subprocess.Popen(["sleep", "5"])
    try:
        assert {os.getpid(), child.pid} <= set(procstat.process_tree(os.getpid()))
    finally:
        child.kill()
        child.wait()


def test_sampling_this_process_gives_plausible_figures() -> None:
    sample = procstat.sample(__import__("os").getpid())
    assert sample.cpu_s > 0 and sample.rss_bytes > 1024 * 1024


TIMES = list(range(0, 65, 5))  # a stroke sampled every 5 ms for 60 ms


@pytest.mark.parametrize(
    ("strokes", "expected"),
    [
        ([], []),
        # times are shifted so the drawing starts at t=0; the first point leaves on the next frame (t=0),
        # pen-up sends the rest at once
        ([[[1, 2], [3, 4], [1000, 1010]]], [Chunk(0, 0, [[1, 3, 0]]), Chunk(10, 0, [[2, 4, 10]])]),
        # mid-stroke: the points of the next ~32 ms leave together on the frame after the wait
        (
            [[TIMES, TIMES, TIMES]],
            [
                Chunk(0, 0, [[0, 0, 0]]),
                Chunk(2 * FRAME_MS, 0, [[t, t, t] for t in TIMES[1:7]]),
                Chunk(60, 0, [[t, t, t] for t in TIMES[7:]]),
            ],
        ),
        # a second stroke: its own messages, numbered (the cadence's rules: tests/ml/test_live.py)
        (
            [[[1], [1], [0]], [[2, 3], [2, 3], [10, 50]]],
            [Chunk(0, 0, [[1, 1, 0]]), Chunk(2 * FRAME_MS, 1, [[2, 2, 10]]), Chunk(50, 1, [[3, 3, 50]])],
        ),
    ],
)
def test_messages_follow_the_page_send_cadence(strokes: list, expected: list) -> None:
    assert page_messages(strokes) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], (math.nan,) * 3), ([5.0], (5.0, 5.0, 5.0)), (list(range(1, 101)), (50.5, 95.05, 99.01))],
)
def test_percentiles(values: list, expected: tuple) -> None:
    got = percentiles(values)
    assert all((math.isnan(a) and math.isnan(b)) or a == pytest.approx(b) for a, b in zip(got, expected))


def _row(**changes) -> Row:
    fields = dict(
        scenario="s", servers="1 daphne", drawers=2, mode="real speed", wall_s=10.0, messages=100, guesses=80,
        p50_ms=1.0, p95_ms=2.0, p99_ms=3.0, drawings=4, finals_lost=0, saves_lost=0, errors=Counter(),
        server_cpu_s=0.4, server_rss_bytes=100 * 1024 * 1024, client_cpu_s=1.0,
    )  # fmt: skip
    return Row(**(fields | changes))


@pytest.mark.parametrize(
    ("changes", "meets"),
    [
        ({}, True),
        ({"p99_ms": 50.1}, False),
        ({"finals_lost": 1}, False),
        ({"saves_lost": 1}, False),
        ({"errors": Counter({"rate_limited": 1})}, False),
    ],
)
def test_a_load_level_meets_the_bar_only_with_nothing_lost(changes: dict, meets: bool) -> None:
    assert _row(**changes).meets(p99_ms=50.0) is meets


def test_derived_figures_and_tables() -> None:
    row = _row(errors=Counter({"server_busy": 2}))
    assert row.guesses_per_s == 8.0 and row.cpu_ms_per_guess == 5.0
    assert "2 (server_busy 2)" in text_table([row])
    assert markdown_table([row]).count("\n") == 2


def test_the_baseline_canvas_is_sent_after_every_stroke() -> None:
    replay = Replay("cat", "k", page_messages([[[0, 50], [0, 50], [0, 10]], [[50, 0], [0, 50], [100, 110]]]))
    states = stroke_states(replay)
    assert [len(state) for state in states] == [1, 2]
    png = canvas_png(states[-1])
    assert png.startswith(b"\x89PNG")


@pytest.mark.integration
@pytest.mark.slow
def test_a_short_real_run_against_one_daphne(quickdraw_data: Path, tmp_path: Path) -> None:
    from loadtest.replay import load_replays
    from loadtest.scenarios import Scenario, run_scenario
    from loadtest.servers import daphne_cluster, throwaway_sqlite
    from loadtest.suite import UNLIMITED_RATE, model_labels

    replays = load_replays(quickdraw_data, count=6, seed=1)
    # closed loop outruns the 60 messages/s limit by design: the server runs without it, as in the suite
    scenario = Scenario("smoke", drawers=3, paced=False, duration_s=2.0, stagger_s=0.0, pause_s=0.0)
    floor = Scenario("floor", drawers=1, paced=False, duration_s=1.0, stagger_s=0.0, pause_s=0.0, bare=True)
    with (
        throwaway_sqlite() as database_url,
        daphne_cluster(1, {"DATABASE_URL": database_url} | UNLIMITED_RATE, tmp_path) as servers,
    ):
        row, bare = (
            asyncio.run(
                run_scenario(each, servers, replays, labels=model_labels(), final_timeout_s=10.0, servers_label="1", seed=0)
            )
            for each in (scenario, floor)
        )
    assert row.messages > 0 and row.guesses > 0 and row.drawings >= 3
    assert (row.finals_lost, row.saves_lost, row.error_count) == (0, 0, 0)
    assert 0 < row.p50_ms <= row.p99_ms and row.server_cpu_s > 0 and row.server_rss_bytes > 0
    # clear-only: every frame answered at once, nothing submitted
    assert bare.guesses == bare.messages > 0 and bare.mode == "as fast as possible, clear only"
    assert (bare.finals_lost, bare.saves_lost, bare.error_count) == (0, 0, 0) and 0 < bare.p50_ms
