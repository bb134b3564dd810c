"""Bytes per interaction over a real pty at 80×24, and what the terminal minimally needed.

For each interaction the lesson is driven through a real pseudo-terminal and
every byte it writes is counted; the same bytes go to a :mod:`pyte` terminal
emulator, whose screen is snapshotted before the key and after the frame
settles. The number of cells whose character or attributes differ is the least
a terminal needs told; bytes per changed cell says how close the app gets.

Measured at 256 colours and with ``TEXTUAL_COLOR_SYSTEM=standard``:

* first paint of the opening screen, and the switch to every screen;
* one slider step in Part 01 (x₁) and Part 02 (w₁, shading off and on);
* one epoch step in Part 03 (``space``); a whole "train this for me" in Part 02;
* one quiz answer in Part 06;
* idle for 10 s on every screen (opening, Parts 01–06, completion): expected 0 B.

Usage::

    python -m benchmarks.bytes [--quick] [--json FILE]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.common import (
    COLOUR_SYSTEMS,
    OPENING_MARKER,
    Figure,
    benchmark_main,
    describe_regions,
    failed,
    launch,
    lesson_argv,
    median,
    part_marker,
)
from benchmarks.ptyharness import KEYS, PtyApp, blank_snapshot, changed_cells

#: Quiet time that ends a frame's output when measuring bytes (generous: bytes, not speed).
SETTLE = 0.3
STEP_LIMIT_256 = 3000.0
TRAIN_LIMIT = 60000.0
PART05_DONE = "MLP loss"  # Part 05's status line once both models have trained
PART04_DONE = "Trained both for"
PART02_DONE = "Converged"


@dataclass
class Interaction:
    """Bytes written for one interaction and the cells it changed on screen."""

    nbytes: int
    changed_cells: int
    data: bytes = field(repr=False, default=b"")

    @property
    def bytes_per_cell(self) -> float | None:
        """Bytes per changed cell (None when nothing changed)."""
        return self.nbytes / self.changed_cells if self.changed_cells else None


def measure(
    app: PtyApp,
    action: Callable[[PtyApp], None],
    *,
    done: str | None = None,
    settle: float = SETTLE,
    timeout: float = 15.0,
) -> Interaction:
    """Run ``action`` on a quiet app; count bytes until ``done`` shows and output settles."""
    app.wait_quiet(settle, timeout=timeout)
    before = app.snapshot()
    mark = app.mark()
    action(app)
    if done is not None:
        app.wait_for(done, timeout=timeout)
    app.wait_quiet(settle, timeout=timeout)
    return Interaction(
        app.bytes_since(mark), changed_cells(before, app.snapshot()), app.output_since(mark)
    )


def key(data: bytes | str) -> Callable[[PtyApp], None]:
    """An action that sends ``data`` (raw bytes, or a key name from ``KEYS``, or a char)."""
    payload = KEYS.get(data, data.encode()) if isinstance(data, str) else data
    return lambda app: app.send(payload)


def slider_steps(app: PtyApp, steps: int) -> list[Interaction]:
    """``steps`` single steps of the focused slider, alternating Right and Left."""
    return [
        measure(app, key("right" if i % 2 == 0 else "left")) for i in range(steps)
    ]


def idle(app: PtyApp, seconds: float) -> int:
    """Bytes written during ``seconds`` of no input, once the screen has settled."""
    app.wait_quiet(0.5, timeout=30)
    mark = app.mark()
    time.sleep(seconds)
    return app.bytes_since(mark)


def first_paint(app: PtyApp, marker: str) -> Interaction:
    """Bytes from launch until the first screen (``marker``) is up and output settles."""
    app.wait_for(marker, timeout=30)
    app.wait_quiet(0.5, timeout=30)
    after = app.snapshot()
    return Interaction(app.bytes_received, changed_cells(blank_snapshot(app.cols, app.rows), after),
                       app.output())


def setup_part02_line(app: PtyApp) -> None:
    """Put a boundary line into Part 02's plot (w₁ 0.5, w₂ 1.0) and focus w₁ again."""
    app.send(KEYS["right"] * 5 + KEYS["down"] + KEYS["right"] * 10)
    app.wait_quiet(0.5, timeout=10)
    app.send(KEYS["up"])
    app.wait_quiet(0.3, timeout=10)


@dataclass
class Walk:
    """Everything measured in one walk through the lesson at one colour system."""

    colour: str
    first_paint: Interaction | None = None
    switch: dict[str, Interaction] = field(default_factory=dict)
    cases: dict[str, list[Interaction]] = field(default_factory=dict)
    idle: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def walk(colour: str, *, steps: int, idle_s: float, answers: int, verbose: bool = False) -> Walk:
    """Walk opening → Parts 01–06 → completion in one app, measuring every case."""
    result = Walk(colour)
    say = (lambda msg: print(f"  [{colour}] {msg}", file=sys.stderr, flush=True)) if verbose \
        else (lambda msg: None)
    with launch(lesson_argv(), COLOUR_SYSTEMS[colour]) as app:
        try:
            result.first_paint = first_paint(app, OPENING_MARKER)
            result.idle["opening"] = idle(app, idle_s)
            say("opening done")

            result.switch["part01"] = measure(app, key("1"), done=part_marker(1))
            result.cases["part01_step"] = slider_steps(app, steps)
            result.idle["part01"] = idle(app, idle_s)
            say("part 01 done")

            result.switch["part02"] = measure(app, key("2"), done=part_marker(2))
            setup_part02_line(app)
            result.cases["part02_step_off"] = slider_steps(app, steps)
            app.send("g")
            app.wait_quiet(0.5, timeout=10)
            result.cases["part02_step_on"] = slider_steps(app, steps)
            app.send("g")
            app.wait_quiet(0.5, timeout=10)
            result.cases["part02_train"] = [
                measure(app, key("t"), done=PART02_DONE, timeout=60)
            ]
            result.idle["part02"] = idle(app, idle_s)
            say("part 02 done")

            result.switch["part03"] = measure(app, key("3"), done=part_marker(3))
            result.cases["part03_epoch"] = [measure(app, key("space")) for _ in range(steps)]
            result.idle["part03"] = idle(app, idle_s)
            say("part 03 done")

            result.switch["part04"] = measure(app, key("4"), done=part_marker(4))
            result.cases["part04_train"] = [measure(app, key("t"), done=PART04_DONE, timeout=60)]
            result.idle["part04"] = idle(app, idle_s)
            say("part 04 done")

            # The switch includes loading scikit-learn and training both models.
            result.switch["part05"] = measure(app, key("5"), done=PART05_DONE, timeout=120)
            result.idle["part05"] = idle(app, idle_s)
            say("part 05 done")

            result.switch["part06"] = measure(app, key("6"), done=part_marker(6))
            answers_done: list[Interaction] = []
            for index in range(answers):
                answers_done.append(measure(app, key("abcd"[index % 4])))
                app.send(KEYS["enter"])
                app.wait_quiet(0.3, timeout=10)
            result.cases["part06_answer"] = answers_done
            result.idle["part06"] = idle(app, idle_s)
            say("part 06 done")

            result.switch["completion"] = measure(app, key("n"), done="Well done")
            result.idle["completion"] = idle(app, idle_s)
            say("completion done")
        except (TimeoutError, OSError) as err:
            result.errors["walk"] = f"{type(err).__name__}: {str(err).splitlines()[0]}"
            print(f"bytes walk ({colour}) stopped: {err}", file=sys.stderr)
        app.send("q")
    return result


CASES: dict[str, tuple[str, float | None, float | None]] = {
    # key: (label, limit at 256 colours, limit at standard)
    "part01_step": ("Part 01 slider step (x₁)", None, None),
    "part02_step_off": ("Part 02 slider step (w₁), shading off", STEP_LIMIT_256, None),
    "part02_step_on": ("Part 02 slider step (w₁), shading on", None, None),
    "part03_epoch": ("Part 03 one epoch (space)", None, None),
    "part02_train": ("Part 02 whole 'train this for me'", TRAIN_LIMIT, TRAIN_LIMIT),
    "part04_train": ("Part 04 train both (t)", None, None),
    "part06_answer": ("Part 06 one quiz answer", None, None),
}


def _cells_note(items: Sequence[Interaction]) -> tuple[str, dict[str, Any]]:
    sizes = [i.nbytes for i in items]
    cells = [i.changed_cells for i in items]
    med_b, med_c = median(sizes), median(cells)
    per_cell = med_b / med_c if med_b is not None and med_c else None
    note = f"{med_c:.0f} cells changed" if med_c is not None else ""
    if per_cell is not None:
        note += f" · {per_cell:.1f} B/cell"
    if len(items) > 1:
        note += f" · n={len(items)} min {min(sizes)} max {max(sizes)}"
    detail = {
        "bytes": sizes,
        "changed_cells": cells,
        "bytes_per_changed_cell_median": per_cell,
    }
    return note, detail


def figures_of(result: Walk, idle_s: float) -> list[Figure]:
    """The walk's figures: cases with targets, every screen's switch and idle bytes."""
    group = f"bytes @80×24, {'256 colours' if result.colour == '256' else 'standard (16)'}"
    figs: list[Figure] = []
    if result.first_paint is not None:
        note, detail = _cells_note([result.first_paint])
        figs.append(Figure(group, "first paint (opening)", result.first_paint.nbytes, "B",
                           note=note, detail=detail))
    for case, (label, limit256, limit_std) in CASES.items():
        limit = limit256 if result.colour == "256" else limit_std
        items = result.cases.get(case)
        if not items:
            figs.append(failed(group, label, "B", result.errors.get("walk", "not reached"),
                               limit=limit))
            continue
        note, detail = _cells_note(items)
        figs.append(Figure(group, label, median([i.nbytes for i in items]), "B", limit=limit,
                           note=note, detail=detail))
    for screen, interaction in result.switch.items():
        note, detail = _cells_note([interaction])
        if screen == "part05":
            note += " · incl. loading scikit-learn and training"
        figs.append(Figure(group, f"switch to {screen}", interaction.nbytes, "B", note=note,
                           detail=detail))
    for screen in ("opening", "part01", "part02", "part03", "part04", "part05", "part06",
                   "completion"):
        name = f"idle {idle_s:g} s on {screen}"
        if screen in result.idle:
            figs.append(Figure(group, name, result.idle[screen], "B", limit=0, op="=="))
        else:
            figs.append(failed(group, name, "B", result.errors.get("walk", "not reached"),
                               limit=0, op="=="))
    return figs


def region_report(items: Sequence[Interaction], top: int = 8) -> list[dict[str, Any]]:
    """Where the bytes of the median-sized interaction went: bytes per repainted row."""
    if not items:
        return []
    ordered = sorted(items, key=lambda i: i.nbytes)
    return describe_regions(ordered[len(ordered) // 2].data, top=top)


def run(quick: bool = False, verbose: bool = False) -> tuple[list[Figure], dict[str, Any]]:
    """All byte figures for both colour systems, and a region breakdown for FINDINGS."""
    steps = 3 if quick else 20  # issue 3 asks for the median of 20 steps
    idle_s = 1.0 if quick else 10.0
    answers = 1 if quick else 5
    figures: list[Figure] = []
    regions: dict[str, Any] = {}
    for colour in COLOUR_SYSTEMS:
        result = walk(colour, steps=steps, idle_s=idle_s, answers=answers, verbose=verbose)
        figures.extend(figures_of(result, idle_s))
        regions[colour] = {
            case: region_report(result.cases.get(case, []))
            for case in ("part01_step", "part02_step_off", "part02_step_on", "part03_epoch")
        }
    return figures, regions


def _run_with_regions(quick: bool) -> tuple[list[Figure], dict[str, Any]]:
    figures, regions = run(quick, verbose=True)
    return figures, {"regions": regions}


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print the table, write JSON; exit 1 if a figure failed to measure."""
    return benchmark_main(argv, name="bytes", description=__doc__.splitlines()[0],
                          quick_help="fewer steps, 1 s idle", run=_run_with_regions)


if __name__ == "__main__":
    sys.exit(main())
