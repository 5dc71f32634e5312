"""CPU time spent by the processes of a benchmark, read from /proc (Linux): where the seconds of a run went."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # after "pid (comm) "


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _process_seconds(pid: int, *, with_reaped_children: bool = False) -> float:
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    # fields[11..14] = utime, stime, cutime, cstime (proc(5) numbers 14–17)
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICK


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree_seconds(pid: int) -> float:
    """CPU seconds of a process and every live descendant."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        total += _process_seconds(current)
        pending += _children(current)
    return total


def postgres_seconds() -> float:
    """CPU seconds of every PostgreSQL process on the machine, with the ones its postmaster has already reaped."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _comm(int(entry.name)) == "postgres":
            total += _process_seconds(int(entry.name), with_reaped_children=True)
    return total


def machine_busy_seconds() -> float:
    """Non-idle CPU seconds of the whole machine since boot (every core)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK


@dataclass(frozen=True)
class CpuSample:
    server: float
    client: float
    postgres: float
    machine: float

    @classmethod
    def take(cls, server_pid: int) -> CpuSample:
        own = os.times()
        return cls(tree_seconds(server_pid), own.user + own.system, postgres_seconds(), machine_busy_seconds())

    def __sub__(self, earlier: CpuSample) -> CpuSample:
        return CpuSample(
            self.server - earlier.server,
            self.client - earlier.client,
            self.postgres - earlier.postgres,
            self.machine - earlier.machine,
        )

    def per(self, count: int) -> str:
        """Milliseconds per item: server / client / PostgreSQL / whole machine."""
        if not count:
            return "-"
        ms = [1000 * value / count for value in (self.server, self.client, self.postgres, self.machine)]
        return " / ".join(f"{value:.1f}" for value in ms)
