"""What a class costs the machine, read from ``/proc``: CPU of a process tree, memory, load.

The class load benchmark (:mod:`benchmarks.class_load`) watches the server's
whole process tree (the server, its lessons, and whatever helpers it starts)
from outside:

- CPU-seconds of a tree: ``utime + stime`` of every living process in it, plus
  ``cutime + cstime`` (the CPU of children each one has already reaped), so a
  lesson that ended and was reaped by the server still counts;
- the machine's busy CPU-seconds from ``/proc/stat``, so the report can say how
  much of the machine other jobs used during the run;
- PSS and RSS of the tree, sampled every 0.5 s by :class:`TreeSampler`, with
  the load average beside them.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Self

from neuron_tui.process import procfs

_TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int, *, reaped_children: bool = True) -> float:
    """CPU-seconds used by ``pid`` (and, by default, the children it has reaped); 0 if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        # Fields after the command name (which may hold spaces): state is field 3,
        # utime/stime/cutime/cstime are fields 14-17.
        fields = stat[stat.rindex(b")") + 2 :].split()
        ticks = int(fields[11]) + int(fields[12])
        if reaped_children:
            ticks += int(fields[13]) + int(fields[14])
    except (OSError, ValueError, IndexError):
        return 0.0
    return ticks / _TICK


def tree(root: int) -> list[int]:
    """``root`` and every living process below it."""
    return [root, *procfs.descendants(root)]


def tree_cpu(root: int) -> float:
    """CPU-seconds of ``root``'s whole tree, reaped children included."""
    return sum(process_cpu(pid) for pid in tree(root))


def machine_busy() -> tuple[float, float]:
    """The machine's (busy, total) CPU-seconds since boot, summed over every CPU."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is inside user).
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq + steal
    return busy / _TICK, (busy + idle + iowait) / _TICK


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """Every process's (command name, own CPU-seconds) now.

    Own time only: a parent's reaped-children time jumps by a child's whole life
    when it is reaped (init reaping orphans would look busier than the machine).
    """
    found: dict[int, tuple[str, float]] = {}
    for stat in procfs.processes():
        try:
            with open(f"/proc/{stat.pid}/comm", encoding="utf-8", errors="replace") as fh:
                name = fh.read().strip()
        except OSError:
            continue
        found[stat.pid] = (name, process_cpu(stat.pid, reaped_children=False))
    return found


def busiest(
    before: dict[int, tuple[str, float]],
    after: dict[int, tuple[str, float]],
    exclude: set[int],
    top: int = 6,
) -> list[dict[str, float | str]]:
    """The processes (outside ``exclude``) that used the most CPU between two readings.

    Processes living at both readings only: short jobs are missing here, though
    the machine's busy time (:func:`machine_busy`) counts them.
    """
    used = [
        (after[pid][1] - before[pid][1], pid, after[pid][0])
        for pid in after.keys() & before.keys()
        if pid not in exclude
    ]
    used.sort(reverse=True)
    return [{"pid": pid, "name": name, "cpu_s": round(cpu, 2)} for cpu, pid, name in used[:top]]


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages."""
    return os.getloadavg()


@dataclass
class TreeMemory:
    """One sample of a tree: summed PSS and RSS in KiB, how many processes, CPU-s so far."""

    t: float
    pss_kib: int
    rss_kib: int
    processes: int
    cpu_s: float


def tree_memory(root: int) -> TreeMemory:
    """PSS, RSS and CPU-seconds (reaped children included) of ``root``'s whole tree now."""
    pids = tree(root)
    pss = sum(procfs.pss_kib(pid) or 0 for pid in pids)
    rss = sum(procfs.rss_kib(pid) or 0 for pid in pids)
    cpu = sum(process_cpu(pid) for pid in pids)
    return TreeMemory(time.monotonic(), pss, rss, len(pids), cpu)


def cpu_between(samples: list[TreeMemory], start: float, end: float) -> float | None:
    """The tree's CPU-seconds between two monotonic times, interpolated between samples."""

    def at(when: float) -> float | None:
        for before, after in zip(samples, samples[1:], strict=False):
            if before.t <= when <= after.t:
                share = (when - before.t) / (after.t - before.t) if after.t > before.t else 0
                return before.cpu_s + share * (after.cpu_s - before.cpu_s)
        return None

    first, last = at(start), at(end)
    return None if first is None or last is None else last - first


class Sampler:
    """Calls :meth:`sample` every ``interval`` s in a daemon thread, from start to stop."""

    interval = 0.5

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self) -> None:
        """Take one sample (subclasses)."""
        raise NotImplementedError

    def start(self) -> Self:
        """Start sampling in a daemon thread."""
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


class TreeSampler(Sampler):
    """Samples a tree's memory and the load average every 0.5 s in a thread.

    Peaks are of the summed tree, sample by sample (not a sum of per-process
    peaks), so they are what the machine had to hold at one moment.
    """

    def __init__(self, root: int) -> None:
        super().__init__()
        self.root = root
        self.samples: list[TreeMemory] = []
        self.load_max = 0.0

    def sample(self) -> None:
        """The tree's memory and CPU now, and the load average's peak so far."""
        self.samples.append(tree_memory(self.root))
        self.load_max = max(self.load_max, load_average()[0])

    @property
    def peak_pss_kib(self) -> int:
        """Highest summed PSS seen."""
        return max((s.pss_kib for s in self.samples), default=0)

    @property
    def peak_rss_kib(self) -> int:
        """Highest summed RSS seen."""
        return max((s.rss_kib for s in self.samples), default=0)

    @property
    def peak_processes(self) -> int:
        """Most processes seen in the tree at once."""
        return max((s.processes for s in self.samples), default=0)


def runnable_tasks() -> int:
    """Tasks running or waiting for a CPU now (``/proc/loadavg``), not counting the reader."""
    with open("/proc/loadavg", encoding="ascii") as fh:
        running = fh.read().split()[3].split("/")[0]
    return max(0, int(running) - 1)


def cpu_pressure_us() -> int | None:
    """Microseconds any task has waited for a CPU since boot (PSI ``some``), None without PSI."""
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as fh:
            some = fh.readline().split()
    except OSError:
        return None
    return int(some[-1].removeprefix("total="))


class QueueSampler(Sampler):
    """Counts the machine's runnable tasks every 50 ms in a thread.

    A key waits for a CPU whenever more tasks are runnable than there are CPUs: lining
    every key up with the run queue during its wait shows how much of its latency is
    queueing behind other work rather than its own cost.
    """

    interval = 0.05

    def __init__(self) -> None:
        super().__init__()
        self.samples: list[tuple[float, int]] = []

    def sample(self) -> None:
        """The runnable tasks now, with the time."""
        self.samples.append((time.monotonic(), runnable_tasks()))

    def mean_between(self, start: float, end: float) -> float | None:
        """The mean runnable count over samples in [start, end] (the nearest one if none)."""
        inside = [count for t, count in self.samples if start <= t <= end]
        if inside:
            return sum(inside) / len(inside)
        nearest = min(self.samples, key=lambda sample: abs(sample[0] - start), default=None)
        return None if nearest is None else float(nearest[1])
