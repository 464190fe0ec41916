"""CPU time and resident memory of server processes, read from /proc (Linux; no psutil)."""

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
# /proc/<pid>/stat: fields after the ")" that closes the command name; utime and stime are fields 14
# and 15 of the whole line, i.e. 12 and 13 after the name (0-based 11 and 12 of the remainder).
UTIME_AFTER_NAME = 11
STIME_AFTER_NAME = 12
KIB = 1024


@dataclass(frozen=True)
class ProcSample:
    cpu_s: float  # user + system CPU seconds since the process started
    rss_bytes: int


def parse_cpu_seconds(stat_text: str, ticks_per_s: int) -> float:
    """User + system CPU seconds from the text of ``/proc/<pid>/stat``.

    The command name (field 2) is in parentheses and may itself contain spaces or ")", so fields are
    counted from the LAST ")".
    """
    rest = stat_text[stat_text.rindex(")") + 1 :].split()
    return (int(rest[UTIME_AFTER_NAME]) + int(rest[STIME_AFTER_NAME])) / ticks_per_s


def parse_rss_bytes(status_text: str) -> int:
    """Resident set size from the text of ``/proc/<pid>/status`` (its ``VmRSS: <n> kB`` line); 0 if absent."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * KIB
    return 0  # a zombie has no VmRSS line


def sample(pid: int) -> ProcSample:
    """The process's CPU seconds and RSS now (raises OSError when it has gone)."""
    base = PROC / str(pid)
    return ProcSample(
        cpu_s=parse_cpu_seconds((base / "stat").read_text(), os.sysconf("SC_CLK_TCK")),
        rss_bytes=parse_rss_bytes((base / "status").read_text()),
    )


PPID_AFTER_NAME = 1  # field 4 of /proc/<pid>/stat


def parse_ppid(stat_text: str) -> int:
    """The parent pid from the text of ``/proc/<pid>/stat``."""
    return int(stat_text[stat_text.rindex(")") + 1 :].split()[PPID_AFTER_NAME])


def process_tree(pid: int) -> list[int]:
    """``pid`` and its living descendants (a server may run inference in worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                children.setdefault(parse_ppid((entry / "stat").read_text()), []).append(int(entry.name))
            except (OSError, ValueError):
                continue  # exited while we looked
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def machine_description() -> dict[str, str]:
    """``nproc``, CPU model and memory of this machine, for the report."""
    cpu_model = "unknown"
    for line in (PROC / "cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    mem_kib = kib_field(PROC / "meminfo", "MemTotal:")
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": cpu_model,
        "memory": f"{mem_kib / KIB / KIB:.1f} GiB",
    }


def kib_field(path: Path, key: str) -> int:
    """The kB figure on the ``key`` line of a /proc file such as ``meminfo``."""
    for line in path.read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    raise ValueError(f"{key} not in {path}")
