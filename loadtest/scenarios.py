"""Running one scenario against started servers: many drawers at once, server CPU/RSS sampled from /proc."""

import asyncio
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from tqdm import tqdm

from loadtest import procstat
from loadtest.client import DrawerPlan, DrawerStats, run_drawer
from loadtest.replay import Replay
from loadtest.servers import DaphneServer
from loadtest.stats import Row, percentiles

WS_DRAW_PATH = "/ws/draw/"
SAMPLE_EVERY_S = 0.5
# A run may overrun its duration by the longest drawing in progress plus waiting for its answers.
OVERRUN_SLACK_S = 60.0


@dataclass(frozen=True)
class Scenario:
    name: str
    drawers: int
    paced: bool  # True: real speed from the drawings' timestamps; False: closed loop, as fast as possible
    duration_s: float  # no drawing starts after this; drawings in progress finish
    stagger_s: float  # drawers connect at random moments within this window (people arrive over time)
    pause_s: float  # between a drawer's drawings
    bare: bool = False  # ``clear`` frames instead of points: the protocol's floor (loadtest.client)

    @property
    def mode(self) -> str:
        speed = "real speed" if self.paced else "as fast as possible"
        return f"{speed}, clear only" if self.bare else speed


def _trees(pids: Sequence[int]) -> list[int]:
    return [member for pid in pids for member in procstat.process_tree(pid)]


async def _sample_servers(pids: Sequence[int], peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        total = 0
        for pid in _trees(pids):
            try:
                total += procstat.sample(pid).rss_bytes
            except OSError:
                pass  # a server that died is reported through the drawers' errors
        peak[0] = max(peak[0], total)
        try:
            await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)
        except TimeoutError:
            pass


def _cpu_of(pids: Sequence[int]) -> float:
    """CPU seconds of the servers and their worker processes (children that already exited are not counted)."""
    total = 0.0
    for pid in _trees(pids):
        try:
            total += procstat.sample(pid).cpu_s
        except OSError:
            pass
    return total


async def _ticker(duration_s: float, label: str, stop: asyncio.Event) -> None:
    with tqdm(
        total=round(duration_s), desc=label, unit="s", leave=False, disable=None
    ) as bar:  # None: off without a TTY
        while not stop.is_set() and bar.n < bar.total:
            await asyncio.sleep(1.0)
            bar.update(1)


async def _staggered(delay_s: float, coroutine) -> DrawerStats:
    await asyncio.sleep(delay_s)
    return await coroutine


async def run_scenario(
    scenario: Scenario,
    servers: Sequence[DaphneServer],
    replays: Sequence[Replay],
    *,
    labels: frozenset[str],
    final_timeout_s: float,
    servers_label: str,
    seed: int,
) -> Row:
    """Run ``scenario`` (drawers spread round-robin over ``servers``) and measure it."""
    rng = random.Random(seed)
    pids = [server.pid for server in servers]
    cpu_before, client_before = _cpu_of(pids), procstat.sample(os.getpid()).cpu_s
    started = time.perf_counter()
    plan = DrawerPlan(
        paced=scenario.paced,
        final_timeout_s=final_timeout_s,
        pause_s=scenario.pause_s,
        deadline=started + scenario.stagger_s + scenario.duration_s,
        labels=labels,
        bare=scenario.bare,
    )
    peak_rss, stop = [0], asyncio.Event()
    sampler = asyncio.create_task(_sample_servers(pids, peak_rss, stop))
    ticker = asyncio.create_task(_ticker(scenario.stagger_s + scenario.duration_s, scenario.name, stop))
    drawers = []
    for number in range(scenario.drawers):
        server = servers[number % len(servers)]
        offset = rng.randrange(len(replays))
        mine = [replays[(offset + i) % len(replays)] for i in range(len(replays))]
        drawers.append(
            _staggered(
                rng.uniform(0, scenario.stagger_s),
                run_drawer(server.ws_base + WS_DRAW_PATH, server.http_base, mine, plan),
            )
        )
    timeout = scenario.stagger_s + scenario.duration_s + OVERRUN_SLACK_S
    results = await asyncio.wait_for(asyncio.gather(*drawers), timeout)
    wall_s = time.perf_counter() - started
    stop.set()
    await asyncio.gather(sampler, ticker)
    total = DrawerStats()
    for result in results:
        total.merge(result)
    p50, p95, p99 = percentiles(total.latencies_ms)
    return Row(
        scenario=scenario.name,
        servers=servers_label,
        drawers=scenario.drawers,
        mode=scenario.mode,
        wall_s=wall_s,
        messages=total.messages,
        guesses=total.guesses,
        p50_ms=p50,
        p95_ms=p95,
        p99_ms=p99,
        drawings=total.drawings,
        finals_lost=total.finals_lost,
        saves_lost=total.saves_lost,
        errors=total.errors,
        server_cpu_s=_cpu_of(pids) - cpu_before,
        server_rss_bytes=peak_rss[0],
        client_cpu_s=procstat.sample(os.getpid()).cpu_s - client_before,
    )
