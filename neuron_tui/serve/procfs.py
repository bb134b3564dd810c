"""Living processes as /proc shows them, for ending a learner's lesson and its group."""

from __future__ import annotations

import os


def living_processes() -> list[tuple[int, int, int]]:
    """``(pid, ppid, pgid)`` of every living (not zombie) process in ``/proc``."""
    rows: list[tuple[int, int, int]] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return rows
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
            # Field 2 (comm) may hold spaces and parentheses; state, ppid and pgrp
            # follow the last ')'.
            fields = stat[stat.rindex(b")") + 2 :].split()
            if fields[0] in (b"Z", b"X"):
                continue
            rows.append((int(entry), int(fields[1]), int(fields[2])))
        except (OSError, ValueError, IndexError):
            continue
    return rows


def group_has_members(pgid: int) -> bool:
    """Whether any living process is in process group `pgid`."""
    return any(group == pgid for _pid, _ppid, group in living_processes())
