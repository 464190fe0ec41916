"""The whole benchmark: start servers, run the chosen scenarios, return their rows (``python -m loadtest``)."""

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from loadtest import procstat
from loadtest.baseline import run_baseline
from loadtest.client import DrawerPlan, run_drawer
from loadtest.replay import Replay, load_replays
from loadtest.scenarios import WS_DRAW_PATH, Scenario, run_scenario
from loadtest.servers import DaphneServer, daphne_cluster, throwaway_postgres, throwaway_redis, throwaway_sqlite
from loadtest.stats import Row, percentiles
from ml.config import DEFAULT_MODEL_DIR

LABELS_FILE = "labels.json"
# Rate limits lifted for the "as fast as possible" scenario only (it measures the server, not the limiter).
UNLIMITED_RATE = {"RECOGNIZER_RATE_PER_SECOND": "1000000", "RECOGNIZER_RATE_BURST": "1000000"}
# Every simulated person connects from 127.0.0.1: the per-client websocket limit would count them as one.
SAME_ADDRESS = {"WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT": "0"}
# As docs/deployment.md configures production: persistent database connections, not one per save.
PRODUCTION_DB = {"DJANGO_DB_CONN_MAX_AGE": "60"}
WARMUP_TIMEOUT_S = 60.0
FLOOR_SCENARIO = "protocol floor"
BASELINE_WARMUP_DRAWINGS = 1


def model_labels() -> frozenset[str]:
    return frozenset(json.loads((DEFAULT_MODEL_DIR / LABELS_FILE).read_text(encoding="utf-8")))


@contextmanager
def drawsite_servers(
    processes: int, backend: str, env_extra: dict[str, str], log_dir: Path
) -> Iterator[tuple[list[DaphneServer], str]]:
    """``processes`` Daphne servers on a throwaway database (and a private Redis when more than one)."""
    with ExitStack() as stack:
        if backend == "postgres":
            env = {"DATABASE_URL": stack.enter_context(throwaway_postgres())}
        else:
            env = {"DATABASE_URL": stack.enter_context(throwaway_sqlite())}
        label = f"{processes} daphne + {'pg' if backend == 'postgres' else 'sqlite'}"
        if processes > 1:
            env["REDIS_URL"] = stack.enter_context(throwaway_redis()).url
            label += " + redis"
        env |= SAME_ADDRESS | PRODUCTION_DB | env_extra
        servers = stack.enter_context(daphne_cluster(processes, env, log_dir))
        yield servers, label


async def warm_up(servers: list[DaphneServer], replays: list[Replay], labels: frozenset[str]) -> None:
    """One drawing per server before measuring: loads the model and fills the interpreters' caches."""
    plan = DrawerPlan(
        paced=False,
        final_timeout_s=WARMUP_TIMEOUT_S,
        pause_s=0.0,
        deadline=time.perf_counter() + WARMUP_TIMEOUT_S,
        labels=labels,
    )
    for server in servers:
        await run_drawer(server.ws_base + WS_DRAW_PATH, server.http_base, replays[:1], plan)


def baseline_row(args: argparse.Namespace, replays: list[Replay], log_dir: Path) -> Row:
    """One person on the tutorial flow (POST the canvas PNG after each stroke), on its own Daphne."""
    with drawsite_servers(1, "sqlite", {"RECOGNIZER_ENABLE_BASELINE": "1"}, log_dir) as (servers, label):
        server = servers[0]
        run_baseline(server.http_base, replays[:BASELINE_WARMUP_DRAWINGS], time.perf_counter() + WARMUP_TIMEOUT_S)
        cpu_before, client_before = procstat.sample(server.pid).cpu_s, procstat.sample(os.getpid()).cpu_s
        started = time.perf_counter()
        stats = run_baseline(server.http_base, replays, started + args.one_duration_s)
        wall_s = time.perf_counter() - started
        p50, p95, p99 = percentiles(stats.latencies_ms)
        return Row(
            scenario="baseline", servers=label, drawers=1, mode="tutorial POST (Keras)", wall_s=wall_s,
            messages=len(stats.latencies_ms) + stats.errors, guesses=len(stats.latencies_ms),
            p50_ms=p50, p95_ms=p95, p99_ms=p99, drawings=0, finals_lost=0, saves_lost=0,
            errors=Counter({"http": stats.errors}) if stats.errors else Counter(),
            server_cpu_s=procstat.sample(server.pid).cpu_s - cpu_before,
            server_rss_bytes=procstat.sample(server.pid).rss_bytes,
            client_cpu_s=procstat.sample(os.getpid()).cpu_s - client_before,
        )  # fmt: skip


def _measure(rows: list[Row], scenario: Scenario, servers, label: str, replays, labels, args) -> Row:
    row = asyncio.run(
        run_scenario(
            scenario,
            servers,
            replays,
            labels=labels,
            final_timeout_s=args.final_timeout_s,
            servers_label=label,
            seed=args.seed,
        )
    )
    rows.append(row)
    print(f"  {scenario.name}: p50 {row.p50_ms:.2f} ms, p99 {row.p99_ms:.2f} ms, {row.guesses_per_s:.0f} guesses/s, "
          f"lost finals {row.finals_lost}, errors {row.error_count}", flush=True)  # fmt: skip
    return row


def run_suite(args: argparse.Namespace) -> list[Row]:
    replays = load_replays(args.data, count=args.replays, seed=args.seed)
    labels = model_labels()
    wanted = set(args.scenarios.split(","))
    backend = args.backend or ("postgres" if args.processes > 1 else "sqlite")
    server_env = dict(item.split("=", 1) for item in args.server_env)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="loadtest-logs-") as logs:
        log_dir = Path(logs)
        if wanted & {"one", "floor", "real", "ramp"}:
            with drawsite_servers(args.processes, backend, server_env, log_dir) as (servers, label):
                asyncio.run(warm_up(servers, replays, labels))
                if "one" in wanted:
                    one = Scenario(
                        "one drawer", 1, paced=True, duration_s=args.one_duration_s, stagger_s=0.0, pause_s=args.pause_s
                    )
                    _measure(rows, one, servers, label, replays, labels, args)
                if "floor" in wanted:
                    floor = Scenario(
                        FLOOR_SCENARIO, 1, True, args.one_duration_s, stagger_s=0.0, pause_s=args.pause_s, bare=True
                    )
                    _measure(rows, floor, servers, label, replays, labels, args)
                if "real" in wanted:
                    real = Scenario(
                        f"{args.drawers} drawers", args.drawers, True, args.duration_s, args.stagger_s, args.pause_s
                    )
                    _measure(rows, real, servers, label, replays, labels, args)
                if "ramp" in wanted:
                    for count in (int(n) for n in args.ramp.split(",")):
                        step = Scenario(f"ramp {count}", count, True, args.duration_s, args.stagger_s, args.pause_s)
                        if not _measure(rows, step, servers, label, replays, labels, args).meets(
                            p99_ms=args.target_p99_ms
                        ):
                            break  # saturated: larger steps would only take longer to say so
        if "fast" in wanted:
            with drawsite_servers(args.processes, backend, server_env | UNLIMITED_RATE, log_dir) as (servers, label):
                asyncio.run(warm_up(servers, replays, labels))
                fast = Scenario(
                    f"{args.fast_drawers} closed-loop", args.fast_drawers, False, args.one_duration_s, 0.0, 0.0
                )
                _measure(rows, fast, servers, label + " (no rate limit)", replays, labels, args)
        if "baseline" in wanted:
            rows.append(baseline_row(args, replays, log_dir))
            print(f"  baseline: p50 {rows[-1].p50_ms:.2f} ms, p99 {rows[-1].p99_ms:.2f} ms", flush=True)
    return rows
