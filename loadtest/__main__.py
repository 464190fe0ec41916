"""``python -m loadtest``: drawsite's load benchmark (starts its own servers on 127.0.0.1, stops them after).

Scenarios (``--scenarios``, comma-separated): ``one`` one drawer at real speed; ``floor`` the same
drawer sending ``clear`` instead of its points (no drawing work: the protocol's floor); ``real`` ``--drawers``
drawers at real speed; ``ramp`` real-speed steps (``--ramp``) until one misses the bar; ``fast``
closed-loop drawers as fast as possible (rate limit lifted); ``baseline`` the tutorial's PNG POST
flow on Keras. Prints one table; ``--markdown`` also writes it (with the machine) to a file.
"""

import argparse
import math
import sys
from pathlib import Path

from loadtest import procstat
from loadtest.report import markdown_table, text_table
from loadtest.stats import Row, ratio
from loadtest.suite import FLOOR_SCENARIO, run_suite
from ml.config import quickdraw_dir

ALL_SCENARIOS = "one,floor,real,ramp,fast,baseline"
TARGET_ONE_P50_MS = 2.0
TARGET_ONE_P99_MS = 10.0
TARGET_LOADED_P99_MS = 50.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--scenarios", default=ALL_SCENARIOS, help=f"comma-separated scenarios to run (default {ALL_SCENARIOS})")
    add("--processes", type=int, default=1, help="Daphne processes; more than one adds a private Redis (default 1)")
    add(
        "--backend",
        choices=("sqlite", "postgres"),
        help="throwaway database (default: sqlite for 1 process, else postgres)",
    )
    add("--drawers", type=int, default=200, help="drawers of the 'real' scenario (default 200)")
    add("--ramp", default="25,50,100,200,400", help="drawer counts of the 'ramp' steps, ascending")
    add("--fast-drawers", type=int, default=8, help="closed-loop connections of the 'fast' scenario (default 8)")
    add("--duration-s", type=float, default=30.0, help="seconds new drawings start in 'real' and each ramp step")
    add("--one-duration-s", type=float, default=30.0, help="seconds of the 'one', 'floor', 'fast' and 'baseline' scenarios")
    add("--stagger-s", type=float, default=5.0, help="drawers connect at random moments within this window")
    add("--pause-s", type=float, default=1.0, help="pause between a drawer's drawings, seconds")
    add("--final-timeout-s", type=float, default=5.0, help="after this, a drawing's final guesses count as lost")
    add("--target-p99-ms", type=float, default=TARGET_LOADED_P99_MS, help="p99 bar a ramp step must meet to continue")
    add("--replays", type=int, default=400, help="real drawings loaded (random, seeded) from the data folder")
    add("--data", type=Path, default=quickdraw_dir(), help="Quick, Draw! folder with raw/<category>.ndjson")
    add("--seed", type=int, default=0, help="random seed for drawing choice and arrival times")
    add("--server-env", action="append", default=[], metavar="NAME=VALUE",
        help="a setting for every drawsite server, e.g. RECOGNIZER_BATCH_WAIT_MS=0 (repeatable)")  # fmt: skip
    add("--markdown", type=Path, help="also write the table and the machine to this Markdown file")
    return parser.parse_args(argv)


def _find(rows: list[Row], prefix: str) -> Row | None:
    return next((row for row in rows if row.scenario.startswith(prefix)), None)


def verdicts(rows: list[Row], args: argparse.Namespace) -> list[str]:
    """The brief's targets, each with its measured figure."""
    lines = []
    one, loaded, base = _find(rows, "one drawer"), _find(rows, f"{args.drawers} drawers"), _find(rows, "baseline")
    if one:
        ok = one.p50_ms <= TARGET_ONE_P50_MS and one.p99_ms <= TARGET_ONE_P99_MS
        lines.append(f"one drawer: p50 {one.p50_ms:.2f} ms (target <= {TARGET_ONE_P50_MS:g}), "
                     f"p99 {one.p99_ms:.2f} ms (target <= {TARGET_ONE_P99_MS:g}): {'met' if ok else 'MISSED'}")  # fmt: skip
    floor = _find(rows, FLOOR_SCENARIO)
    if floor:
        lines.append(f"protocol floor (a `clear` answered without drawing work): p50 {floor.p50_ms:.2f} ms, "
                     f"p99 {floor.p99_ms:.2f} ms" + (f" ({floor.p50_ms / one.p50_ms:.0%} of one drawer's p50)" if one else ""))  # fmt: skip
    if loaded:
        ok = loaded.meets(p99_ms=TARGET_LOADED_P99_MS)
        lines.append(f"{loaded.drawers} real-speed drawers: p99 {loaded.p99_ms:.2f} ms (target <= {TARGET_LOADED_P99_MS:g}), "
                     f"lost finals {loaded.finals_lost}, errors {loaded.error_count} (targets 0): {'met' if ok else 'MISSED'}")  # fmt: skip
    ramp = [row for row in rows if row.scenario.startswith("ramp")]
    if ramp:
        passing = [row.drawers for row in ramp if row.meets(p99_ms=args.target_p99_ms)]
        failing = [row.drawers for row in ramp if not row.meets(p99_ms=args.target_p99_ms)]
        lines.append(f"ramp: meets the bar up to {max(passing) if passing else 'none'} drawers; "
                     + (f"saturates at {min(failing)}" if failing else "did not saturate within the steps run"))  # fmt: skip
    if base and one:
        p50, p99 = ratio(base.p50_ms, one.p50_ms), ratio(base.p99_ms, one.p99_ms)
        if not math.isnan(p50):
            lines.append(f"baseline (tutorial POST + Keras) per guess: p50 {base.p50_ms:.1f} ms = {p50:.0f}x drawsite's, "
                         f"p99 {base.p99_ms:.1f} ms = {p99:.0f}x")  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    machine = procstat.machine_description()
    print(f"machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory']}", flush=True)
    rows = run_suite(args)
    print()
    print(text_table(rows))
    print()
    summary = verdicts(rows, args)
    print("\n".join(summary))
    if args.markdown:
        command = "python -m loadtest " + " ".join(sys.argv[1:] if argv is None else argv)
        args.markdown.write_text(
            f"machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory']}\n\n"
            f"command: `{command.strip()}`\n\n{markdown_table(rows)}\n\n"
            + "\n".join(f"- {line}" for line in summary)
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
