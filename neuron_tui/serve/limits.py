"""Limits every lesson under `serve` runs with, set in its own process before it starts.

The classroom server starts each lesson as ``python -I -m neuron_tui.serve.limits
[limits] -- LESSON ARGV``: this module sets the limits (hard and soft, so the
lesson cannot raise them again), lowers its CPU priority, and replaces itself
with the lesson (``execv``), so nothing of it stays behind. The limits are:

- memory: the address space (RLIMIT_AS); a lesson that needs more gets a
  MemoryError, saves progress and ends with a one-line message;
- CPU priority: ``nice`` steps below the server, so the server and learners who
  are only reading stay responsive while another lesson computes. Where the
  kernel schedules each session as a group (autogroup, on in most distributions)
  a nice value weighs a process only against its own session, and each lesson
  is a session of its own: there it orders nothing against the server. Giving
  the lesson's group the same nice value (``/proc/self/autogroup``) was measured
  and left out: it put every lesson behind everything else on the machine, and
  a class of 30 waited longer for its keys (FINDINGS.md, fourth round);
- open files (RLIMIT_NOFILE) and processes/threads (RLIMIT_NPROC, counted per
  user by the kernel, so it bounds runaway spawning rather than one lesson);
- no core files (RLIMIT_CORE 0).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from neuron_tui.i18n import _

__all__ = ["LessonLimits", "apply_limits", "main"]

MIB = 1024 * 1024


@dataclass(frozen=True)
class LessonLimits:
    """What each lesson may use (0 for a number means: no limit of that kind)."""

    #: Address space in MiB (virtual memory: Part 05 needs about 530 MiB of it).
    memory_mib: int = 1024
    #: Added to the lesson's nice value (0..19).
    nice: int = 10
    #: Open files at once.
    open_files: int = 256
    #: Processes and threads of the server's user, in all.
    processes: int = 4096

    def argv(self) -> list[str]:
        """The command line that starts a lesson under these limits (before its own argv)."""
        return [
            sys.executable,
            "-I",
            "-m",
            "neuron_tui.serve.limits",
            "--memory",
            str(self.memory_mib),
            "--nice",
            str(self.nice),
            "--open-files",
            str(self.open_files),
            "--processes",
            str(self.processes),
            "--",
        ]

    def describe(self) -> str:
        """One line for the server's banner."""
        memory = _("{n} MiB memory").format(n=self.memory_mib) if self.memory_mib else _(
            "no memory limit")
        files = _("{n} open files").format(n=self.open_files) if self.open_files else _(
            "any number of open files")
        processes = _("{n} processes").format(n=self.processes) if self.processes else _(
            "any number of processes")
        return f"{memory}, nice +{self.nice}, {files}, {processes}"


def _set(kind: int, value: int) -> None:
    """Set both the soft and the hard limit (never above the current hard limit)."""
    _soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


def apply_limits(limits: LessonLimits) -> None:
    """Apply `limits` to this process (inherited by everything it starts or execs)."""
    if limits.memory_mib:
        _set(resource.RLIMIT_AS, limits.memory_mib * MIB)
    if limits.open_files:
        _set(resource.RLIMIT_NOFILE, limits.open_files)
    if limits.processes:
        _set(resource.RLIMIT_NPROC, limits.processes)
    _set(resource.RLIMIT_CORE, 0)
    if limits.nice:
        os.nice(limits.nice)


def main(argv: Sequence[str] | None = None) -> int:
    """Apply the limits from the command line, then become the lesson."""
    parser = argparse.ArgumentParser(prog="neuron_tui.serve.limits")
    parser.add_argument("--memory", type=int, default=LessonLimits.memory_mib)
    parser.add_argument("--nice", type=int, default=LessonLimits.nice)
    parser.add_argument("--open-files", type=int, default=LessonLimits.open_files)
    parser.add_argument("--processes", type=int, default=LessonLimits.processes)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    apply_limits(LessonLimits(args.memory, args.nice, args.open_files, args.processes))
    os.execv(command[0], command)
    return 127  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
