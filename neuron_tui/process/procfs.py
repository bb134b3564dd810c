"""Processes as Linux's ``/proc`` shows them: tree, groups, command line, environment, memory.

Every reader answers for a process that may vanish at any moment: a process
that is gone reads as ``None``, ``[]`` or ``{}``, never as an error.
"""

from __future__ import annotations

import os
from typing import NamedTuple

__all__ = [
    "ProcStat",
    "cmdline",
    "descendants",
    "environ",
    "group_has_members",
    "group_members",
    "peak_rss_kib",
    "processes",
    "pss_kib",
    "read_stat",
    "rss_kib",
]

#: States of a process that has ended but is not reaped yet (zombie, dead).
_ENDED = frozenset("ZX")


class ProcStat(NamedTuple):
    """What ``/proc/PID/stat`` says about one process that matters here."""

    pid: int
    state: str
    ppid: int
    pgid: int

    @property
    def ended(self) -> bool:
        """True for a zombie: it has ended but its parent has not reaped it yet."""
        return self.state in _ENDED


def read_stat(pid: int) -> ProcStat | None:
    """State, parent and process group of `pid`, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        # Field 2 (comm) may hold spaces and parentheses; state, ppid and pgrp
        # follow the last ')'.
        fields = stat[stat.rindex(b")") + 2 :].split()
        return ProcStat(pid, fields[0].decode(), int(fields[1]), int(fields[2]))
    except (OSError, ValueError, IndexError):
        return None


def processes(*, zombies: bool = False) -> list[ProcStat]:
    """Every process in ``/proc``; zombies only when asked for."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    found: list[ProcStat] = []
    for entry in entries:
        if entry.isdigit():
            stat = read_stat(int(entry))
            if stat is not None and (zombies or not stat.ended):
                found.append(stat)
    return found


def descendants(root: int, *, zombies: bool = False) -> list[int]:
    """Pids of every process below `root` (children, theirs, ...).

    With ``zombies=True`` ended processes nobody has reaped yet count too: that
    is how a test catches a parent that forgets to reap its children.
    """
    children: dict[int, list[int]] = {}
    for stat in processes(zombies=zombies):
        children.setdefault(stat.ppid, []).append(stat.pid)
    found: list[int] = []
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def group_members(pgid: int) -> list[int]:
    """Pids of the living (not zombie) processes in process group `pgid`."""
    return [stat.pid for stat in processes() if stat.pgid == pgid]


def group_has_members(pgid: int) -> bool:
    """Whether any living process is in process group `pgid`."""
    return bool(group_members(pgid))


def cmdline(pid: int) -> list[str]:
    """A process's argv, or [] when it is gone (or a zombie)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [part.decode(errors="replace") for part in fh.read().split(b"\0") if part]
    except OSError:
        return []


def environ(pid: int) -> dict[str, str]:
    """A process's environment as it was at exec, or {} when it is gone."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            items = fh.read().split(b"\0")
    except OSError:
        return {}
    pairs = (item.split(b"=", 1) for item in items if b"=" in item)
    return {key.decode(errors="replace"): value.decode(errors="replace") for key, value in pairs}


def _kib_field(path: str, field: bytes) -> int | None:
    """The KiB value of the line starting with `field` in a ``/proc`` file, or None."""
    try:
        with open(path, "rb") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_rss_kib(pid: int) -> int | None:
    """Peak resident set size (``VmHWM``) of `pid` in KiB, or None if gone."""
    return _kib_field(f"/proc/{pid}/status", b"VmHWM:")


def rss_kib(pid: int) -> int | None:
    """Resident set size now (``VmRSS``) of `pid` in KiB, or None if gone."""
    return _kib_field(f"/proc/{pid}/status", b"VmRSS:")


def pss_kib(pid: int) -> int | None:
    """Proportional set size of `pid` in KiB (shared pages divided among their users)."""
    return _kib_field(f"/proc/{pid}/smaps_rollup", b"Pss:")
