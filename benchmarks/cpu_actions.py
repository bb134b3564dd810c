"""CPU per interaction: CPU-seconds one lesson process spends on each kind of action.

A class on a shared 2-core server runs out of CPU, not memory, so every action a
learner takes has a CPU budget. Each action runs in a real pty at 80×24
(:class:`~benchmarks.ptyharness.PtyApp`); the lesson's CPU time is read from
``/proc/PID/stat`` (utime + stime, the whole thread group, and any child
processes) just before the key and again once the screen has settled, and the
difference is the action's cost. Cheap actions are repeated and averaged.

Beside the lesson, in the same run, a bare Textual app (a header, one label,
a footer) updates its label once per key: the same number of screen updates,
the yardstick for a slider step. Measured:

* start-up to the first screen (the lesson's opening, and the bare app);
* Part 01 slider step; Part 02 slider step (with a line on the plot);
* Part 02 "train this for me" (`t`), the whole run from the key to its last frame;
* Part 03 run (`t` to the bottom of the bowl); Part 04 run (`t`, both models), each
  the first run of a fresh lesson;
* idle: CPU per second of a lesson that is just showing Part 02;
* the next part (`n` into Parts 02, 03 and 04, each never shown before) after reading
  the part before for a few seconds, with the next page built ahead while the learner
  reads (the default, screens/ahead.py) and without (NEURON_TUI_BUILD_AHEAD=0), in the
  same run; and the CPU that reading costs, which is where building ahead spends it.

Slider steps all go one way and every `t` run starts from other weights, so no
figure is ever shown twice (a figure cache would answer it for free). A run drops
frames when the machine is too busy to draw them in time, so its CPU is lower on a
loaded machine: the JSON keeps the load average at the start and the end.

``--before DIR`` measures the same actions on another checkout (e.g. /work/base,
with its own ``.venv``) in the same run, so before and after share the machine's
load. Writes ``benchmarks/results/cpu_actions.json`` and prints a table.

Usage::

    python -m benchmarks.cpu_actions [--quick] [--before /work/base] [--json FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.bytes import setup_part02_line
from benchmarks.common import (
    COLS,
    OPENING_MARKER,
    RESULTS,
    ROOT,
    ROWS,
    Figure,
    failed,
    lesson_env,
    median,
    part_marker,
    render_table,
    run_context,
    write_json,
)
from benchmarks.ptyharness import KEYS, PtyApp
from neuron_tui.process import procfs

#: Building the next page ahead (screens/ahead.py) is on unless this is 0.
BUILD_AHEAD = "NEURON_TUI_BUILD_AHEAD"

#: The yardstick: a bare Textual app whose one label changes on ←/→ (same screen
#: furniture as benchmarks/hello_app.py). Run with ``python -c``.
BARE_APP = '''
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    BINDINGS = [("q", "quit", "Quit"), ("right", "step(1)", "up"), ("left", "step(-1)", "down")]
    value = 0

    def compose(self):
        yield Header()
        yield Static("value 0.00", id="label")
        yield Footer()

    def action_step(self, change):
        self.value += change
        self.query_one("#label", Static).update(f"value {self.value / 10:5.2f}")

Bare().run()
'''
BARE_MARKER = "value 0.00"

#: Targets of issue 15, relative to the bare app's update or in CPU-seconds.
SLIDER_RATIO_LIMIT = 2.0
PART02_RUN_LIMIT_S = 0.15
PART04_RUN_LIMIT_S = 0.20
#: Quiet time after a key before the screen counts as settled.
STEP_SETTLE = 0.15
RUN_SETTLE = 0.5
#: Seconds a learner reads a part before `n` (the next page is built after 1.5 s quiet).
READ_SECONDS = 3.0
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Code:
    """Which lesson code runs: a checkout's folder and its Python."""

    label: str
    root: Path
    python: str


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` (all its threads) and of its live descendants, in seconds."""
    total = 0
    for each in [pid, *procfs.descendants(pid)]:
        try:
            with open(f"/proc/{each}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / TICKS


@contextmanager
def started(code: Code, argv: Sequence[str], marker: Any,
            overrides: dict[str, str | None] | None = None) -> Iterator[PtyApp]:
    """`argv` (after the Python) run from `code`'s folder at 80×24, its first screen settled.

    The lesson builds no page ahead unless `overrides` say so: a page built while the
    harness waits for a quiet screen would land in the next action's CPU (start-up
    measured 150 ms more with it). `next_parts` measures building ahead on its own.
    """
    overrides = {BUILD_AHEAD: "0"} if overrides is None else overrides
    with lesson_env(overrides) as env, PtyApp([code.python, *argv], cols=COLS, rows=ROWS,
                                              env=env, cwd=code.root) as app:
        app.wait_for(marker, timeout=60)
        app.wait_quiet(0.5, timeout=30)
        yield app
        app.send("q")


def per_action(app: PtyApp, act: Callable[[PtyApp], None], count: int) -> list[float]:
    """CPU-seconds of each of `count` actions (each from a settled screen to a settled one)."""
    costs = []
    for _ in range(count):
        before = cpu_seconds(app.pid)
        act(app)
        costs.append(cpu_seconds(app.pid) - before)
    return costs


def slider_steps(app: PtyApp, count: int) -> list[float]:
    """CPU-seconds of `count` steps of the focused slider to the right, measured together.

    Every step shows a value not shown before (a figure cache cannot answer it), and
    one tick is 10 ms, about one step: the steps are timed as a whole and averaged.
    """
    before = cpu_seconds(app.pid)
    for _ in range(count):
        app.send(KEYS["right"])
        app.wait_quiet(STEP_SETTLE, timeout=10)
    return [(cpu_seconds(app.pid) - before) / count]


def footer(app: PtyApp) -> str:
    """The bottom line of the screen (the key bar)."""
    return app.display()[-1]


def run_to_its_end(app: PtyApp, key: str = "t", timeout: float = 60) -> None:
    """Press `key` to start an animated run and wait for its last frame to settle.

    While a run animates, the key bar says only "any key stop"; when it is back to
    the page's own keys and the screen is quiet, the run has drawn its end.
    """
    app.send(key)
    pressed = time.monotonic()
    deadline = pressed + timeout
    seen_running = False
    while time.monotonic() < deadline:
        running = footer(app).lstrip().startswith("any key")
        seen_running = seen_running or running
        if seen_running and not running:
            break
        if not seen_running and time.monotonic() > pressed + 2:
            break  # never animated (the run ended at once): nothing more to wait for
        time.sleep(0.01)
    else:
        raise TimeoutError(f"run not finished after {timeout} s:\n{app.format_screen()}")
    app.wait_quiet(RUN_SETTLE, timeout=timeout)


def runs(app: PtyApp, reset: str, count: int, *, vary: bool = False) -> list[float]:
    """CPU-seconds of `count` whole runs, each started after `reset`.

    With `vary`, run k starts k+1 slider steps further right, so no run repeats
    another (a repeated run could be answered by figures built for the last one).
    """
    costs = []
    for index in range(count):
        if reset:
            app.send(reset)
            app.wait_quiet(RUN_SETTLE, timeout=10)
        if vary:
            app.send(KEYS["right"] * (index + 1))
            app.wait_quiet(RUN_SETTLE, timeout=10)
        before = cpu_seconds(app.pid)
        run_to_its_end(app)
        costs.append(cpu_seconds(app.pid) - before)
    return costs


def first_runs(code: Code, part: int, count: int) -> list[float]:
    """CPU-seconds of the first run (`t`) of Part `part`, in each of `count` fresh lessons."""
    costs = []
    for _ in range(count):
        with started(code, ["-m", "neuron_tui", "--part", str(part)], part_marker(part)) as app:
            costs += runs(app, "", 1)  # nothing to reset: a fresh lesson
    return costs


def next_parts(code: Code, build_ahead: bool, lessons: int) -> tuple[list[float], list[float]]:
    """CPU-seconds of `n` into Parts 02, 03 and 04 (never shown before), each after reading
    the part before for READ_SECONDS, in `lessons` fresh lessons; and of each reading."""
    overrides = {BUILD_AHEAD: "1" if build_ahead else "0"}
    keys, reads = [], []
    for _ in range(lessons):
        with started(code, ["-m", "neuron_tui", "--part", "1"], part_marker(1),
                     overrides) as app:
            for part in (2, 3, 4):  # Part 05 trains once entered: not a page switch alone
                before = cpu_seconds(app.pid)
                time.sleep(READ_SECONDS)
                reads.append(cpu_seconds(app.pid) - before)
                before = cpu_seconds(app.pid)
                app.send("n")
                app.wait_for(part_marker(part), timeout=30)
                app.wait_quiet(RUN_SETTLE, timeout=30)
                keys.append(cpu_seconds(app.pid) - before)
    return keys, reads


def startup(code: Code, argv: Sequence[str], marker: Any, count: int) -> list[float]:
    """CPU-seconds from exec to the first screen settled, `count` fresh processes."""
    costs = []
    for _ in range(count):
        with started(code, argv, marker) as app:
            costs.append(cpu_seconds(app.pid))
    return costs


def measure(code: Code, quick: bool) -> dict[str, list[float]]:
    """Every action of the lesson in `code`: name -> CPU-seconds of each repetition."""
    steps = 12 if quick else 40
    repeats = 1 if quick else 3
    out: dict[str, list[float]] = {}
    lesson = ["-m", "neuron_tui"]
    out["start-up to the opening"] = startup(code, lesson, OPENING_MARKER, repeats)
    with started(code, [*lesson, "--part", "1"], part_marker(1)) as app:
        # w₁ (the third slider) from its lowest value up: 100 steps of room.
        app.send(KEYS["down"] * 2 + KEYS["shift+left"] * 6)
        app.wait_quiet(RUN_SETTLE, timeout=10)
        slider_steps(app, 2)  # warm-up: the first steps import and compile
        out["Part 01 slider step"] = slider_steps(app, steps)
    with started(code, [*lesson, "--part", "2"], part_marker(2)) as app:
        setup_part02_line(app)
        slider_steps(app, 2)
        out["Part 02 slider step"] = slider_steps(app, steps)
        # Idle once the page built ahead while the learner reads (Part 03) is done: that
        # one-off build is measured below, as reading's cost.
        time.sleep(READ_SECONDS)
        before, start = cpu_seconds(app.pid), time.monotonic()
        time.sleep(1.0 if quick else 3.0)
        out["idle, Part 02 shown (per second)"] = [
            (cpu_seconds(app.pid) - before) / (time.monotonic() - start)]
        out["Part 02 train this for me (t, whole run)"] = runs(app, "r", repeats, vary=True)
    out["Part 03 run (t, to the bottom; first run)"] = first_runs(code, 3, repeats)
    for build_ahead, how in ((False, "not built ahead"), (True, "built ahead")):
        keys, reads = next_parts(code, build_ahead, repeats)
        out[f"next part, first visit (n after reading; {how})"] = keys
        out[f"reading a part {READ_SECONDS:g} s (next {how})"] = reads
    out["Part 04 run (t, both models; first run)"] = first_runs(code, 4, repeats)
    return out


def bare(code: Code, quick: bool) -> dict[str, list[float]]:
    """The bare Textual app: start-up and one label update, as the lesson's code runs it."""
    steps = 12 if quick else 40
    argv = ["-c", BARE_APP]
    out = {"start-up to the first screen": startup(code, argv, BARE_MARKER, 1 if quick else 3)}
    with started(code, argv, BARE_MARKER) as app:
        slider_steps(app, 2)
        out["label update"] = slider_steps(app, steps)
    return out


def figures_of(code: Code, lesson: dict[str, list[float]], yardstick: dict[str, list[float]],
               ) -> list[Figure]:
    """The table rows of one checkout, with targets and ratios to the bare app."""
    group = f"CPU per action ({code.label}: {code.root})"
    update = median(yardstick["label update"]) or 0.0
    figures = [
        Figure(group, f"bare app: {name}", median(values) * 1000, "ms",
               note=f"n={len(values)}", detail={"seconds": values})
        for name, values in yardstick.items()
    ]
    for name, values in lesson.items():
        value = median(values) or 0.0
        limit = None
        note = f"n={len(values)}"
        if name.endswith("slider step") and update:
            note += f", {value / update:.1f}× the bare update"
        if name.startswith("Part 02 slider"):
            limit = SLIDER_RATIO_LIMIT * update * 1000
            note += f" (target ≤ {SLIDER_RATIO_LIMIT:g}×)"
        elif name.startswith("Part 02 train"):
            limit = PART02_RUN_LIMIT_S * 1000
        elif name.startswith("Part 04 run"):
            limit = PART04_RUN_LIMIT_S * 1000
        figures.append(Figure(group, name, value * 1000, "ms", limit=limit, note=note,
                              detail={"seconds": values}))
    return figures


def run(codes: Sequence[Code], quick: bool) -> list[Figure]:
    """Measure each checkout in turn (bare app first, with that checkout's Python)."""
    figures: list[Figure] = []
    for code in codes:
        try:
            yardstick = bare(code, quick)
            figures += figures_of(code, measure(code, quick), yardstick)
        except (TimeoutError, OSError) as err:
            figures.append(failed(f"CPU per action ({code.label})", "measurement", "ms", err))
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print the table, write the JSON; exit 1 if something failed to measure."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cpu_actions",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke)")
    parser.add_argument("--before", type=Path, metavar="DIR",
                        help="also measure the checkout in DIR (with DIR/.venv) in this run")
    parser.add_argument("--json", type=Path, default=RESULTS / "cpu_actions.json")
    args = parser.parse_args(argv)
    codes = [Code("after", ROOT, sys.executable)]
    if args.before is not None:
        python = args.before / ".venv" / "bin" / "python"
        if not python.exists():
            print(f"no Python at {python}", file=sys.stderr)
            return 2
        codes.insert(0, Code("before", args.before.resolve(), str(python)))
    try:
        load_before = os.getloadavg()
    except OSError:
        load_before = None
    figures = run(codes, args.quick)
    print(render_table(figures))
    context = run_context(args.quick) | {"load_average_at_end": os.getloadavg(),
                                         "load_average_at_start": load_before}
    write_json(args.json, figures, context)
    return 1 if any(figure.status == "FAIL" for figure in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
