"""How long a learner on a failed lesson node is away: from the kill to back where they were.

The school of tests/e2e/scale_out_rig.py (a throwaway PostgreSQL store, two ``serve
ssh`` nodes with ``--proxy-protocol``, HAProxy in front with docs/scale-out.md's health
checks: ``inter 2s fall 2``) on loopback. Learners connect through HAProxy with the real
``ssh`` client (read through pyte), each from their own address, and go to a part of
their own. Each round SIGKILLs the process group of the node holding the most
learners, and each of its learners does what a person does, only at once: when their
``ssh`` ends they run it again (again after 0.2 s if HAProxy turns them away) until
the opening says "Welcome back — continue at Part N", the part they were on. Then the
killed node is started again (as systemd's ``Restart=always`` would) for the next round.

Figures, over the moved learners of every round: kill → their ``ssh`` ends; kill →
back where they were (median and worst); how many tries the worst one needed; kill →
HAProxy counts the node down. Everything is measured twice: with ``option redispatch``
(and ``retries 2``) in HAProxy's backend, and without it (a connection HAProxy sends to
the dead node before its checks notice fails, instead of going to the other node;
``--quick`` measures only the first). How busy the machine was comes with the
figures: the load average, and the share of both cores in use during the rounds
(from /proc/stat). Informational (no target): the machine is shared.

Usage::

    python -m benchmarks.failover [--quick] [--learners 6] [--rounds 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import (
    RESULTS,
    Figure,
    failed,
    median,
    render_table,
    run_context,
    write_json,
)
from benchmarks.ptyharness import ExitedBeforeText, PtyApp
from neuron_tui.lesson.registry import LESSON
from tests.e2e.scale_out_rig import Node, ScaleOutRig, missing_reason

GROUP = "failover"
#: Parts the learners go to (none trains at start, so the lessons stay cheap).
PARTS = (1, 2, 3)
START = 60.0
#: How long a learner may take to be back before the round counts them as lost.
COMEBACK = 60.0
#: A learner whose ssh was turned away tries again after this long.
RETRY = 0.2


@dataclass
class Learner:
    """One learner of the benchmark and their client now."""

    name: str
    address: str
    part: int
    app: PtyApp | None = None

    @property
    def welcome_back(self) -> re.Pattern[str]:
        """What the opening says when they are back where they were."""
        title = LESSON.page(f"part{self.part:02d}").title
        return re.compile(rf"Welcome back . continue at Part {self.part:02d} · {re.escape(title)}")


@dataclass
class Away:
    """One learner's absence in one round (seconds from the kill)."""

    name: str
    dropped: float | None = None
    back: float | None = None
    tries: int = 0
    error: str | None = None


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def place(rig: ScaleOutRig, learners: Sequence[Learner]) -> None:
    """Connect every learner and take each to their part; wait until the store has it."""
    for learner in learners:
        learner.app = PtyApp(rig.learner_argv(learner.name, learner.address)).start()
    for learner in learners:
        assert learner.app is not None
        learner.app.wait_for("The neuron", timeout=START)
        learner.app.press(str(learner.part))
    for learner in learners:
        assert learner.app is not None
        learner.app.wait_for(f"Part {learner.part:02d} ·", timeout=START)
    deadline = time.monotonic() + START
    while True:
        stored = rig.learners()
        if all(learner.name in stored
               and stored[learner.name].progress.resume_page == f"part{learner.part:02d}"
               for learner in learners):
            return
        if time.monotonic() > deadline:
            raise RuntimeError("the store never held every learner's part")
        time.sleep(0.2)


def come_back(rig: ScaleOutRig, learner: Learner, killed_at: float, away: Away) -> None:
    """Wait for `learner`'s ssh to end, then reconnect until they are back where they were."""
    assert learner.app is not None
    try:
        learner.app.wait(timeout=COMEBACK)
        away.dropped = time.monotonic() - killed_at
        learner.app.close()
        deadline = killed_at + COMEBACK
        while time.monotonic() < deadline:
            away.tries += 1
            learner.app = PtyApp(rig.learner_argv(learner.name, learner.address)).start()
            try:
                learner.app.wait_for(learner.welcome_back,
                                     timeout=max(deadline - time.monotonic(), 0.1))
            except ExitedBeforeText:  # turned away (an ssh still running is not: it raises)
                learner.app.close()
                time.sleep(RETRY)
                continue
            away.back = time.monotonic() - killed_at
            return
        away.error = f"not back within {COMEBACK:.0f} s"
    except (TimeoutError, AssertionError) as error:
        away.error = str(error).splitlines()[0]


def one_round(rig: ScaleOutRig, learners: Sequence[Learner]) -> tuple[list[Away], float, Node]:
    """Kill the busiest node; every learner on it comes back. Returns their absences, when
    HAProxy counted the node down (seconds after the kill) and the node killed."""
    assert rig.balancer is not None
    victim = max((node for node in rig.nodes if node.alive), key=lambda node: len(node.lessons()))
    moving = [learner for learner in learners
              if learner.app is not None and learner.app.running
              and _lesson_on(victim, learner.name)]
    absences = [Away(learner.name) for learner in moving]
    killed_at = time.monotonic()
    victim.kill()
    threads = [threading.Thread(target=come_back, args=(rig, learner, killed_at, away))
               for learner, away in zip(moving, absences, strict=True)]
    for thread in threads:
        thread.start()
    down = rig.balancer.wait_for(victim.name, "DOWN", timeout=COMEBACK) - killed_at
    for thread in threads:
        thread.join(COMEBACK + 10)
    return absences, down, victim


def _lesson_on(node: Node, name: str) -> bool:
    """Whether `name`'s latest lesson start on `node` is after their latest end there."""
    started = ended = -1
    for index, line in enumerate(node.lines):
        if f"lesson started for '{name}' " in line:
            started = index
        elif f"lesson ended for '{name}' " in line or f"lesson for '{name}' ended" in line:
            ended = index
    return started > ended


def measure(
    learner_count: int, rounds: int, redispatch: bool
) -> tuple[list[Figure], dict[str, Any]]:
    """Set the school up, run the rounds, and turn the absences into figures."""
    label = "" if redispatch else ", no redispatch"
    learners = [Learner(f"bench{number:02d}", f"127.0.0.{number + 1}",
                        PARTS[number % len(PARTS)]) for number in range(1, learner_count + 1)]
    absences: list[Away] = []
    downs: list[float] = []
    per_round: list[dict[str, Any]] = []
    with ScaleOutRig(check_interval="2s", redispatch=redispatch) as rig:
        try:
            place(rig, learners)
            busy_before, total_before = cpu_times()
            for _ in range(rounds):
                away, down, victim = one_round(rig, learners)
                absences += away
                downs.append(down)
                per_round.append({"killed": victim.name, "moved": len(away), "down_s": down,
                                  "load_average": os.getloadavg()})
                victim.start()  # as systemd's Restart=always would
                assert rig.balancer is not None
                rig.balancer.wait_for(victim.name, "UP", timeout=COMEBACK)
            busy_after, total_after = cpu_times()
        finally:
            for learner in learners:
                if learner.app is not None:
                    learner.app.close()
    busy = 100 * (busy_after - busy_before) / max(total_after - total_before, 1)
    lost = [away for away in absences if away.error is not None]
    backs = [away.back for away in absences if away.back is not None]
    drops = [away.dropped for away in absences if away.dropped is not None]
    note = f"{len(backs)} of {len(absences)} learners over {rounds} rounds"
    figures = [
        Figure(GROUP, f"kill → learner's ssh ends, median{label}", median(drops), "s", note=note),
        Figure(GROUP, f"kill → back where they were, median{label}", median(backs), "s",
               note=note),
        Figure(GROUP, f"kill → back where they were, worst{label}", max(backs, default=None),
               "s", note=note),
        Figure(GROUP, f"tries the slowest learner needed{label}",
               max((away.tries for away in absences), default=None), "",
               note="ssh runs until the lesson says Welcome back"),
        Figure(GROUP, f"kill → HAProxy counts the node down, median{label}", median(downs), "s",
               note="inter 2s fall 2, as docs/scale-out.md"),
        Figure(GROUP, f"both cores busy during the rounds{label}", round(busy, 1), "%",
               note=f"load average {os.getloadavg()[0]:.2f} at the end"),
    ]
    if lost:
        figures.append(failed(GROUP, f"learners not back{label}", "",
                              f"{len(lost)} not back: {lost[0].name}: {lost[0].error}"))
    detail = {"rounds": per_round,
              "absences": [away.__dict__ for away in absences], "redispatch": redispatch}
    return figures, detail


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.failover",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=6, help="learners in the school")
    parser.add_argument("--rounds", type=int, default=3, help="nodes killed, one a round")
    parser.add_argument("--quick", action="store_true",
                        help="4 learners, 1 round, only with option redispatch")
    parser.add_argument("--json", type=Path, default=RESULTS / "failover.json",
                        help="where to write the results (benchmarks/results/failover.json)")
    args = parser.parse_args(argv)
    if args.quick:
        args.learners, args.rounds = 4, 1
    if not 2 <= args.learners <= 100 or args.rounds < 1:
        parser.error("--learners must be 2–100 and --rounds at least 1")
    reason = missing_reason()
    context = run_context(args.quick) | {"learners": args.learners, "rounds": args.rounds}
    figures: list[Figure] = []
    if reason is not None:
        figures.append(failed(GROUP, "could not be measured", "s", reason))
    variants = () if reason is not None else (True,) if args.quick else (True, False)
    for redispatch in variants:
        name = "with redispatch" if redispatch else "without redispatch"
        try:
            measured, detail = measure(args.learners, args.rounds, redispatch)
        except Exception as error:  # a broken rig is reported as a figure, with why
            figures.append(failed(GROUP, f"could not be measured {name}", "s", error))
            continue
        figures += measured
        context[name] = detail
    print(render_table(figures))
    write_json(args.json, figures, context)
    print(f"wrote {args.json}", file=sys.stderr)
    return 1 if any(figure.status == "FAIL" for figure in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
