"""Peak memory (RSS) of a learner's whole walk through the lesson, against a bare Textual app.

The walk: the opening, Parts 01–04 with one interaction each (a slider step, a
slider step, one epoch, training both models to the end), then the peak is read
("before Part 05"); then Part 05 with scikit-learn loading and both models
trained to completion (its status line shows ``MLP loss``), one quiz answer in
Part 06, and the completion screen; the peak is read again ("whole walk").

Peak RSS is the sum of ``VmHWM`` over the program's process tree
(:meth:`~benchmarks.ptyharness.PtyApp.peak_rss_kib`). Learners per 8 GiB
server = floor(8192 / whole-walk MiB). The bare hello-world app is measured in
the same run, as the yardstick.

Usage::

    python -m benchmarks.memory [--quick] [--json FILE]
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks.bytes import PART04_DONE, PART05_DONE
from benchmarks.common import (
    HELLO_MARKER,
    OPENING_MARKER,
    Figure,
    benchmark_main,
    failed,
    hello_argv,
    launch,
    lesson_argv,
    median,
    part_marker,
)
from benchmarks.ptyharness import KEYS, PtyApp
from neuron_tui.process.procfs import pss_kib

BEFORE_PART05_LIMIT_MIB = 60.0
WHOLE_WALK_LIMIT_MIB = 130.0
SERVER_MIB = 8192


def _mib(kib: int | None) -> float | None:
    return None if kib is None else kib / 1024


def _visit(app: PtyApp, key: str, marker: str, timeout: float = 30.0) -> None:
    app.send(key)
    app.wait_for(marker, timeout=timeout)
    app.wait_quiet(0.3, timeout=timeout)


def walk_once() -> dict[str, Any]:
    """One walk; peak RSS in KiB before Part 05 and for the whole walk."""
    with launch(lesson_argv()) as app:
        app.wait_for(OPENING_MARKER, timeout=30)
        app.wait_quiet(0.3, timeout=10)
        opening = app.peak_rss_kib()
        _visit(app, "1", part_marker(1))
        app.press("right")
        app.wait_quiet(0.3)
        _visit(app, "2", part_marker(2))
        app.press("right")
        app.wait_quiet(0.3)
        _visit(app, "3", part_marker(3))
        app.press("space")
        app.wait_quiet(0.3)
        _visit(app, "4", part_marker(4))
        app.press("t")
        app.wait_for(PART04_DONE, timeout=60)
        app.wait_quiet(0.3)
        before = app.peak_rss_kib()
        _visit(app, "5", PART05_DONE, timeout=120)
        after_part05 = app.peak_rss_kib()
        _visit(app, "6", part_marker(6))
        app.press("a")
        app.wait_quiet(0.3)
        app.send(KEYS["enter"])
        _visit(app, "n", "Well done")
        whole = app.peak_rss_kib()
        app.send("q")
        app.wait(timeout=10)
        return {
            "opening_kib": opening,
            "before_part05_kib": before,
            "after_part05_kib": after_part05,
            "whole_walk_kib": whole,
            "ru_maxrss_kib": app.ru_maxrss_kib,
        }


def shared_learners(count: int = 4) -> float | None:
    """MiB per learner (PSS) with `count` lessons side by side, each past Part 05's training.

    On a classroom server the learners' processes share the interpreter's, NumPy's
    and scikit-learn's code pages; PSS counts each shared page once in all, so this is
    what one more learner really costs, where peak RSS counts every shared page again.
    """
    from contextlib import ExitStack

    with ExitStack() as stack:
        apps = [stack.enter_context(launch(lesson_argv(5))) for _ in range(count)]
        for app in apps:
            app.wait_for(PART05_DONE, timeout=180)
        for app in apps:
            app.press("right")
            app.wait_quiet(0.3, timeout=30)
        values = [pss_kib(app.pid) for app in apps]
    known = [value for value in values if value is not None]
    return sum(known) / len(known) / 1024 if known else None


def hello_once() -> int | None:
    """Peak RSS (KiB) of the bare Textual app showing its first screen."""
    with launch(hello_argv()) as app:
        app.wait_for(HELLO_MARKER, timeout=30)
        app.wait_quiet(0.3, timeout=10)
        peak = app.peak_rss_kib()
        app.send("q")
        return peak


def run(quick: bool = False) -> list[Figure]:
    """Memory figures: baseline, opening, before Part 05, whole walk, learners per 8 GiB."""
    runs = 1 if quick else 3
    group = "memory (peak RSS)"
    walks: list[dict[str, Any]] = []
    hellos: list[int] = []
    errors: list[str] = []
    for _ in range(runs):
        try:
            peak = hello_once()
            if peak is not None:
                hellos.append(peak)
            walks.append(walk_once())
        except (TimeoutError, OSError) as err:
            errors.append(f"{type(err).__name__}: {str(err).splitlines()[0]}")
            print(f"memory walk failed: {err}", file=sys.stderr)
    if not walks:
        return [failed(group, "whole walk", "MiB", errors[0] if errors else "no walk",
                       limit=WHOLE_WALK_LIMIT_MIB)]

    def pick(name: str) -> float | None:
        values = [w[name] for w in walks if w[name] is not None]
        return _mib(max(values)) if values else None  # the worst run counts

    hello = _mib(max(hellos)) if hellos else None
    opening, before, whole = pick("opening_kib"), pick("before_part05_kib"), pick("whole_walk_kib")

    def ratio(value: float | None) -> str:
        return f"{value / hello:.2f}× bare app" if value and hello else ""

    learners = math.floor(SERVER_MIB / whole) if whole else None
    try:
        per_learner_pss = shared_learners(2 if quick else 4)
    except (TimeoutError, OSError) as err:
        per_learner_pss = None
        errors.append(f"shared learners: {type(err).__name__}")
    learners_pss = math.floor(SERVER_MIB / per_learner_pss) if per_learner_pss else None
    detail = {"walks": walks, "hello_kib": hellos, "errors": errors,
              "rule": "max over runs; sum of VmHWM over the process tree"}
    return [
        Figure(group, "bare Textual hello app (baseline)", hello, "MiB",
               note=f"median {median([h / 1024 for h in hellos]):.1f} MiB over {len(hellos)}"
               if hellos else ""),
        Figure(group, "lesson, opening screen", opening, "MiB", note=ratio(opening)),
        Figure(group, "walk before Part 05 (opening + Parts 01–04)", before, "MiB",
               limit=BEFORE_PART05_LIMIT_MIB, op="<", note=ratio(before)),
        Figure(group, "whole walk (incl. Part 05 training)", whole, "MiB",
               limit=WHOLE_WALK_LIMIT_MIB, op="<", note=ratio(whole), detail=detail),
        Figure(group, "learners per 8 GiB server", learners, "", note="floor(8192 / whole walk)"),
        Figure(group, "per learner, several side by side (PSS, after Part 05)", per_learner_pss,
               "MiB", note="shared code pages counted once"),
        Figure(group, "learners per 8 GiB server (PSS)", learners_pss, "",
               note="floor(8192 / per-learner PSS)"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print the table, write JSON; exit 1 if a figure failed to measure."""
    return benchmark_main(argv, name="memory", description=__doc__.splitlines()[0],
                          quick_help="one walk instead of three", run=run)


if __name__ == "__main__":
    sys.exit(main())
