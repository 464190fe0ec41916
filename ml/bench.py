"""Speed benchmarks: ``python -m ml.bench`` runs every module in ``ml/benchmarks/`` and prints a table.

A benchmark module exposes ``run() -> list[dict]``; each row has ``name``, ``median_us``, ``p95_us``
and ``n`` (more keys are printed as notes). ``measure`` and ``pin_to_one_core`` are shared helpers.
"""

import argparse
import importlib
import os
import pkgutil
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

import ml.benchmarks

MICROSECONDS = 1e6
P95 = 95
COLUMNS = ("name", "median_us", "p95_us", "n")
HEADERS = ("name", "median µs", "p95 µs", "n")


def pin_to_one_core() -> str:
    """Pin this process to one CPU core where the OS allows it; says which, for the report."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    core = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to core {core}"


def measure(name: str, function: Callable[[object], object], inputs: Sequence[object], rounds: int = 1) -> dict:
    """Time ``function`` once per input per round (after one warm-up pass): median and p95 in µs."""
    for item in inputs:
        function(item)
    timings = []
    clock = time.perf_counter
    for _ in range(rounds):
        for item in inputs:
            start = clock()
            function(item)
            timings.append(clock() - start)
    seconds = np.array(timings)
    return {
        "name": name,
        "median_us": float(np.median(seconds) * MICROSECONDS),
        "p95_us": float(np.percentile(seconds, P95) * MICROSECONDS),
        "n": len(timings),
    }


def benchmark_modules() -> list[str]:
    """Names of the modules in ``ml/benchmarks/`` (each is expected to expose ``run()``)."""
    return sorted(info.name for info in pkgutil.iter_modules(ml.benchmarks.__path__) if not info.ispkg)


def format_table(rows: list[dict]) -> str:
    """The rows as an aligned text table; keys beyond the standard columns go to a notes column."""
    cells = [list(HEADERS) + ["notes"]]
    for row in rows:
        notes = ", ".join(f"{key}={value}" for key, value in row.items() if key not in COLUMNS)
        cells.append([row["name"], f"{row['median_us']:.1f}", f"{row['p95_us']:.1f}", str(row["n"]), notes])
    widths = [max(len(line[i]) for line in cells) for i in range(len(cells[0]))]
    return "\n".join(" | ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", action="append", metavar="MODULE", help="run only this module of ml/benchmarks (repeatable)"
    )
    args = parser.parse_args(argv)
    names = benchmark_modules()
    unknown = set(args.only or ()) - set(names)
    if unknown:
        parser.error(f"unknown benchmark module(s) {sorted(unknown)}; available: {names}")
    rows: list[dict] = []
    for name in names:
        if args.only and name not in args.only:
            continue
        module = importlib.import_module(f"ml.benchmarks.{name}")
        if not callable(getattr(module, "run", None)):
            continue
        print(f"running ml.benchmarks.{name} …", file=sys.stderr, flush=True)
        rows.extend(module.run())
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
