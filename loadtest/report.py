"""The load run's table, as plain text for the terminal and Markdown for docs/benchmarks.md (pure)."""

import math
from collections.abc import Sequence

from loadtest.stats import BYTES_PER_MIB, Row

COLUMNS = (
    "scenario", "servers", "drawers", "mode", "wall s", "messages", "guesses", "guesses/s",
    "p50 ms", "p95 ms", "p99 ms", "drawings", "lost finals", "lost saves", "errors",
    "server CPU ms/guess", "server RSS MiB", "client CPU s",
)  # fmt: skip


def _number(value: float, digits: int = 1) -> str:
    return "—" if math.isnan(value) else f"{value:,.{digits}f}"


def _errors(row: Row) -> str:
    if not row.errors:
        return "0"
    return f"{row.error_count} (" + ", ".join(f"{code} {n}" for code, n in sorted(row.errors.items())) + ")"


def cells(row: Row) -> list[str]:
    return [
        row.scenario, row.servers, str(row.drawers), row.mode, _number(row.wall_s), f"{row.messages:,}",
        f"{row.guesses:,}", _number(row.guesses_per_s, 0), _number(row.p50_ms, 2), _number(row.p95_ms, 2),
        _number(row.p99_ms, 2), str(row.drawings), str(row.finals_lost), str(row.saves_lost), _errors(row),
        _number(row.cpu_ms_per_guess, 3), _number(row.server_rss_bytes / BYTES_PER_MIB, 0), _number(row.client_cpu_s),
    ]  # fmt: skip


def text_table(rows: Sequence[Row]) -> str:
    table = [list(COLUMNS)] + [cells(row) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.rjust(width) for cell, width in zip(line, widths)) for line in table)


def markdown_table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in rows]
    return "\n".join(lines)
