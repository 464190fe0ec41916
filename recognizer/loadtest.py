"""Load test of a running server: many simulated people draw real Quick, Draw! drawings at once.

    python -m recognizer.loadtest --url ws://127.0.0.1:8000/ws/draw/ --clients 20 --drawings 3

Each client replays raw drawings from the shared data in real time (or ``--speed`` times faster),
sending the points of every ``--interval-ms`` window as one ``points`` message, then submits. Reported:
latency from sending a message to the first ``guesses`` (or ``saved``) reflecting it (p50/p95/p99/max), how many
``guesses`` came back per message (coalescing), and errors. No Django import: it is a plain client.
"""

import argparse
import asyncio
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from tqdm import tqdm
from websockets.asyncio.client import connect

from ml.config import quickdraw_dir

PERCENTILES = (50, 95, 99)
MS_PER_S = 1000.0
DEFAULT_INTERVAL_MS = 33.0  # one message per animation frame at 30 fps
DEFAULT_CATEGORIES = ("cat", "bicycle", "rainbow", "fish", "clock", "duck", "guitar", "sailboat")  # in every model so far


@dataclass(frozen=True)
class Chunk:
    """One ``points`` message: when to send it (drawing time, ms), its stroke and its points."""

    at_ms: float
    stroke: int
    points: list[list[float]]


@dataclass
class Stats:
    latencies_ms: list[float] = field(default_factory=list)
    messages: int = 0
    guesses: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    saved: int = 0


def chunk_by_time(strokes: list, interval_ms: float) -> list[Chunk]:
    """Split raw strokes into messages as a browser batching points every ``interval_ms`` would send them.

    A message holds the points of one stroke whose times fall in one window; it is sent at the time
    of its last point.
    """
    chunks: list[Chunk] = []
    for number, (xs, ys, ts) in enumerate(strokes):
        current: list[list[float]] = []
        window = None
        for x, y, t in zip(xs, ys, ts, strict=True):
            this_window = int(t // interval_ms)
            if current and this_window != window:
                chunks.append(Chunk(at_ms=current[-1][2], stroke=number, points=current))
                current = []
            window = this_window
            current.append([x, y, t])
        if current:
            chunks.append(Chunk(at_ms=current[-1][2], stroke=number, points=current))
    return chunks


def load_drawings(data: Path, categories: tuple[str, ...], per_category: int) -> list[tuple[str, list]]:
    drawings = []
    for category in categories:
        path = data / "raw" / f"{category}.ndjson"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as lines:
            for _, line in zip(range(per_category), lines):
                drawings.append((category, json.loads(line)["drawing"]))
    if not drawings:
        raise SystemExit(f"no raw drawings of {', '.join(categories)} under {data / 'raw'}")
    return drawings


async def run_client(url: str, drawings: list[tuple[str, list]], args: argparse.Namespace, stats: Stats, progress: tqdm) -> None:
    origin = f"{'https' if url.startswith('wss') else 'http'}://{urlparse(url).netloc}"
    sent_at: dict[int, float] = {}  # points and submit messages waiting for their answer
    unanswered: list[int] = []
    saved_here = 0
    async with connect(url, origin=origin, compression=None) as ws:
        seq = 0

        async def listen() -> None:
            nonlocal saved_here
            async for frame in ws:
                reply = json.loads(frame)
                if reply["type"] in ("guesses", "saved"):  # both carry the guesses for states up to seq
                    now = time.perf_counter()
                    while unanswered and unanswered[0] <= reply["seq"]:
                        stats.latencies_ms.append((now - sent_at.pop(unanswered.pop(0))) * MS_PER_S)
                if reply["type"] == "guesses":
                    stats.guesses += 1
                elif reply["type"] == "error":
                    stats.errors[reply["code"]] = stats.errors.get(reply["code"], 0) + 1
                    if reply["seq"] in sent_at:  # answered, by an error: no latency to count
                        unanswered.remove(reply["seq"])
                        del sent_at[reply["seq"]]
                elif reply["type"] == "saved":
                    stats.saved += 1
                    saved_here += 1
                    progress.update(1)

        listener = asyncio.create_task(listen())
        for category, strokes in drawings:
            start = time.perf_counter()
            for chunk in chunk_by_time(strokes, args.interval_ms):
                delay = start + chunk.at_ms / args.speed / MS_PER_S - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent_at[seq] = time.perf_counter()
                unanswered.append(seq)
                await ws.send(json.dumps({"type": "points", "seq": seq, "stroke": chunk.stroke, "points": chunk.points}))
                stats.messages += 1
                seq += 1
            await ws.send(json.dumps({"type": "submit", "seq": seq, "label": category if args.label else None}))
            sent_at[seq] = time.perf_counter()
            unanswered.append(seq)
            seq += 1
        deadline = time.perf_counter() + args.drain_s
        while saved_here < len(drawings) and time.perf_counter() < deadline:
            await asyncio.sleep(args.interval_ms / MS_PER_S)
        listener.cancel()


async def run(args: argparse.Namespace) -> Stats:
    drawings = load_drawings(args.data, tuple(args.categories.split(",")), args.per_category)
    rng = random.Random(args.seed)
    stats = Stats()
    plans = [rng.sample(drawings, min(args.drawings, len(drawings))) for _ in range(args.clients)]
    with tqdm(total=sum(len(plan) for plan in plans), unit="drawing", desc="drawings saved") as progress:
        await asyncio.gather(*(run_client(args.url, plan, args, stats, progress) for plan in plans))
    return stats


def report(stats: Stats) -> str:
    lines = [f"messages sent: {stats.messages}, guesses received: {stats.guesses}, drawings saved: {stats.saved}"]
    if stats.latencies_ms:
        latencies = np.array(stats.latencies_ms)
        figures = ", ".join(f"p{p} {np.percentile(latencies, p):.1f}" for p in PERCENTILES)
        lines.append(f"message -> answer latency (ms): {figures}, max {latencies.max():.1f} (n={latencies.size})")
    lines.append(f"errors: {stats.errors or 'none'}")
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="ws://127.0.0.1:8000/ws/draw/", help="websocket URL of a running server")
    parser.add_argument("--clients", type=int, default=10, help="simultaneous simulated people")
    parser.add_argument("--drawings", type=int, default=2, help="drawings each client makes, one after another")
    parser.add_argument("--speed", type=float, default=1.0, help="replay speed: 1 = as fast as the person drew")
    parser.add_argument("--interval-ms", type=float, default=DEFAULT_INTERVAL_MS, help="points batching window of the simulated browser")
    parser.add_argument("--data", type=Path, default=quickdraw_dir(), help="Quick, Draw! folder with raw/<category>.ndjson")
    parser.add_argument("--categories", default=",".join(DEFAULT_CATEGORIES), help="comma-separated categories to draw")
    parser.add_argument("--per-category", type=int, default=5, help="raw drawings read per category")
    parser.add_argument(
        "--label", action=argparse.BooleanOptionalAction, default=True, help="submit with the category as the intended label"
    )
    parser.add_argument("--drain-s", type=float, default=10.0, help="how long to wait for the last answers")
    parser.add_argument("--seed", type=int, default=0, help="random seed choosing each client's drawings")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    print(report(asyncio.run(run(parse_args(sys.argv[1:] if argv is None else argv)))))


if __name__ == "__main__":
    main()
