"""Lesson text: how long `l` takes to show a part's text, and the side text at 120×40.

`l` at 80×24 (Part 01): the key is written to the pty and timed until the
overlay's first words are on the emulated screen ("shown") and until its output
settles ("complete": the last byte before 300 ms of quiet). The first open pays
for importing and building the Markdown widgets; the later opens (Escape, then
`l` again, several times) should be instant: within 100 ms.

Part 03 at 120×40 shows its text beside the work: timed from the title bar on
screen to the side text's first words on screen.

Usage::

    python -m benchmarks.lesson_text [--quick] [--json FILE]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from benchmarks.common import (
    ROOT,
    Figure,
    benchmark_main,
    failed,
    launch,
    lesson_argv,
    lesson_env,
    median,
    part_marker,
)
from benchmarks.ptyharness import KEYS, PtyApp

#: Words from the top of content/part01.md and content/part03.md.
PART01_TEXT = "A neuron does three things"
PART03_TEXT = "Training is a loop"
#: Seconds of quiet that end an open.
SETTLE = 0.3
LATER_LIMIT_MS = 100.0
SIDE_TEXT_LIMIT_MS = 300.0


def time_open(app: PtyApp) -> tuple[float, float]:
    """Press `l` on a quiet Part 01: ms until its text is shown, ms until output settles."""
    app.wait_quiet(SETTLE, timeout=15)
    sent = app.elapsed()
    app.send("l")
    shown = app.wait_for(PART01_TEXT, timeout=15)
    last = app.wait_quiet(SETTLE, timeout=15)
    return (shown - sent) * 1000, (max(last, shown) - sent) * 1000


def close_overlay(app: PtyApp, timeout: float = 15.0) -> None:
    """Escape, and wait until the overlay is gone (its text no longer on screen)."""
    app.send(KEYS["escape"])
    deadline = time.monotonic() + timeout
    while PART01_TEXT in app.text():
        if time.monotonic() > deadline:
            raise TimeoutError("the lesson text did not close on Escape")
        time.sleep(0.05)


def side_text_delay(cols: int = 120, rows: int = 40) -> float:
    """ms from Part 03's title bar on screen to its side text on screen, at `cols`×`rows`."""
    with lesson_env() as env, PtyApp(lesson_argv(3), cols=cols, rows=rows, env=env,
                                     cwd=ROOT) as app:
        titled = app.wait_for(part_marker(3), timeout=30)
        text = app.wait_for(PART03_TEXT, timeout=30)
        app.send("q")
        return max(0.0, text - titled) * 1000


def run(quick: bool = False) -> list[Figure]:
    """`l` first and later opens at 80×24; Part 03's side text at 120×40."""
    opens = 3 if quick else 8
    group = "lesson text (pty, 256 colours)"
    figures: list[Figure] = []
    try:
        with launch(lesson_argv(1)) as app:
            app.wait_for(part_marker(1), timeout=30)
            first_shown, first_done = time_open(app)
            close_overlay(app)
            later: list[tuple[float, float]] = []
            for _ in range(opens):
                later.append(time_open(app))
                close_overlay(app)
            app.send("q")
        shown = [timing[0] for timing in later]
        done = [timing[1] for timing in later]
        figures += [
            Figure(group, "l, first open (80×24, Part 01): text shown", first_shown, "ms",
                   note=f"complete {first_done:.0f} ms"),
            Figure(group, "l, later opens: text shown, median", median(shown), "ms",
                   limit=LATER_LIMIT_MS, note=f"n={len(shown)}, max {max(shown):.0f} ms",
                   detail={"shown_ms": shown, "complete_ms": done}),
            Figure(group, "l, later opens: complete, median", median(done), "ms",
                   note="last byte before 300 ms of quiet"),
        ]
    except (TimeoutError, OSError) as err:
        figures.append(failed(group, "l, first open (80×24, Part 01)", "ms", err))
    try:
        delays = [side_text_delay() for _ in range(1 if quick else 3)]
        figures.append(Figure(group, "Part 03 at 120×40: title → side text shown, median",
                              median(delays), "ms", limit=SIDE_TEXT_LIMIT_MS,
                              note=f"n={len(delays)}, max {max(delays):.0f} ms",
                              detail={"delay_ms": delays}))
    except (TimeoutError, OSError) as err:
        figures.append(failed(group, "Part 03 at 120×40: side text", "ms", err,
                              limit=SIDE_TEXT_LIMIT_MS))
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print the table, write JSON; exit 1 if a figure failed to measure."""
    return benchmark_main(argv, name="lesson_text", description=__doc__.splitlines()[0],
                          quick_help="3 later opens and one Part 03 start", run=run)


if __name__ == "__main__":
    sys.exit(main())
