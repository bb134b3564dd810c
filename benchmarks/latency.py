"""Key to screen: how long from writing a key to the pty until its frame has arrived.

For a slider step in Parts 01 and 02 (shading off) the key is written to the
pty and the time noted; the frame it causes is the first burst of output after
it, ended by a pause of at least 30 ms (:data:`FRAME_GAP`), and its time is the
arrival of that burst's last byte (chunk timestamps of
:class:`~benchmarks.ptyharness.PtyApp`). Median and 95th percentile over many
steps. Also reported: the time to the *last* byte before the output settles for
300 ms, which differs only if one key produced several frames.

The held-key test sends 90 Right keys at 30 a second to Part 02's w₁ slider and
times from the last key to the last byte of output (the final frame), and checks
the final value is on screen.

The lesson text's figures (`l`, first and later opens; Part 03's side text at
120×40) come from :mod:`benchmarks.lesson_text` and are part of this run.

Usage::

    python -m benchmarks.latency [--quick] [--json FILE]
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks import lesson_text
from benchmarks.bytes import setup_part02_line
from benchmarks.common import (
    Figure,
    benchmark_main,
    bursts,
    failed,
    launch,
    lesson_argv,
    median,
    part_marker,
    percentile,
)
from benchmarks.ptyharness import KEYS, PtyApp

FRAME_GAP = 0.030
SETTLE = 0.3
MEDIAN_LIMIT_MS = 30.0
P95_LIMIT_MS = 60.0
HELD_LIMIT_MS = 100.0
HELD_KEYS = 90
HELD_RATE = 30.0
#: Part 02's w₁ slider row: label, track, value.
_W1_ROW = re.compile(r"w₁ [━●]+\s+-?\d+\.\d\d")
_FINAL_W1 = re.compile(r"\s9\.00$")


@dataclass
class KeyTiming:
    """One key: ms to the end of its first frame, ms to its last byte, frames seen."""

    frame_ms: float
    last_byte_ms: float
    frames: int


@dataclass
class Series:
    """Timings of one kind of key press."""

    name: str
    timings: list[KeyTiming] = field(default_factory=list)
    no_output: int = 0

    def frame_ms(self) -> list[float]:
        """Per key: ms from the key to the end of its first frame."""
        return [t.frame_ms for t in self.timings]


def time_key(app: PtyApp, data: bytes, *, settle: float = SETTLE) -> KeyTiming | None:
    """Send ``data`` to a quiet app; time its first frame and its last byte (None: no output)."""
    app.wait_quiet(settle, timeout=10)
    count = len(app.chunks)
    sent = app.elapsed()
    app.send(data)
    app.wait_quiet(settle, timeout=10)
    after = [c for c in app.chunks[count:] if c.t >= sent]
    if not after:
        return None
    frames = bursts(after, FRAME_GAP)
    return KeyTiming(
        frame_ms=(frames[0][-1].t - sent) * 1000,
        last_byte_ms=(after[-1].t - sent) * 1000,
        frames=len(frames),
    )


def slider_series(app: PtyApp, name: str, steps: int, settle: float = 0.12) -> Series:
    """``steps`` Right/Left steps of the focused slider, each timed."""
    series = Series(name)
    for index in range(steps):
        timing = time_key(app, KEYS["right"] if index % 2 == 0 else KEYS["left"], settle=settle)
        if timing is None:
            series.no_output += 1
        else:
            series.timings.append(timing)
    return series


def held_key(app: PtyApp, presses: int = HELD_KEYS, rate: float = HELD_RATE) -> dict[str, Any]:
    """Send ``presses`` Right keys at ``rate`` a second; time the last key to the final frame."""
    app.wait_quiet(0.5, timeout=10)
    count = len(app.chunks)
    start = time.monotonic()
    last_key = 0.0
    for index in range(presses):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        app.send(KEYS["right"])
        last_key = app.elapsed()
    app.wait_quiet(0.5, timeout=20)
    after = app.chunks[count:]
    last_byte = after[-1].t if after else last_key
    frames = bursts([c for c in after if c.t >= last_key], FRAME_GAP)
    return {
        "last_key_to_final_frame_ms": max(0.0, last_byte - last_key) * 1000,
        "bursts_after_last_key": len(frames),
        "output_bursts": len(bursts(after, FRAME_GAP)),
        "bytes_total": sum(len(c.data) for c in after),
        "send_seconds": last_key - (after[0].t if after else last_key),
        "screen_w1": next(
            (m.group() for m in map(_W1_ROW.search, app.display()) if m is not None), ""
        ),
    }


def _series_figures(group: str, series: Series) -> list[Figure]:
    frames = series.frame_ms()
    last = [t.last_byte_ms for t in series.timings]
    multi = sum(1 for t in series.timings if t.frames > 1)
    detail = {"frame_ms": frames, "last_byte_ms": last, "no_output": series.no_output,
              "keys_with_several_frames": multi}
    note = f"n={len(frames)}"
    if series.no_output:
        note += f", {series.no_output} keys drew nothing"
    if multi:
        note += f", {multi} keys drew >1 frame"
    return [
        Figure(group, f"{series.name}, first frame: median", median(frames), "ms",
               limit=MEDIAN_LIMIT_MS, note=note, detail=detail),
        Figure(group, f"{series.name}, first frame: p95", percentile(frames, 95), "ms",
               limit=P95_LIMIT_MS, note=f"max {max(frames):.0f} ms" if frames else ""),
        Figure(group, f"{series.name}, complete: median", median(last), "ms",
               limit=MEDIAN_LIMIT_MS, note="last byte before 300 ms of quiet"),
        Figure(group, f"{series.name}, complete: p95", percentile(last, 95), "ms",
               limit=P95_LIMIT_MS, note=f"max {max(last):.0f} ms" if last else ""),
    ]




def run(quick: bool = False) -> list[Figure]:
    """Latency figures: Part 01 and Part 02 slider steps, the held-key test, `l`."""
    steps = 10 if quick else 60
    group = "key to screen (pty, 80×24, 256 colours)"
    figures: list[Figure] = []
    try:
        with launch(lesson_argv(1)) as app:
            app.wait_for(part_marker(1), timeout=30)
            slider_series(app, "Part 01 slider step", 2)  # warm-up: first steps import/compile
            figures += _series_figures(group, slider_series(app, "Part 01 slider step", steps))
            app.send("q")
    except (TimeoutError, OSError) as err:
        figures.append(failed(group, "Part 01 slider step", "ms", err, limit=MEDIAN_LIMIT_MS))
    try:
        with launch(lesson_argv(2)) as app:
            app.wait_for(part_marker(2), timeout=30)
            setup_part02_line(app)
            slider_series(app, "Part 02 slider step", 2)
            figures += _series_figures(group, slider_series(app, "Part 02 slider step", steps))
            app.send("r")  # reset: w₁ back to 0.00, so 90 steps end at 9.00
            held = held_key(app)
            ok = bool(_FINAL_W1.search(held["screen_w1"]))
            note = (f"{held['output_bursts']} output bursts, {held['bytes_total']} B for "
                    f"{HELD_KEYS} keys; final w₁ {'9.00 shown' if ok else 'WRONG: '}"
                    f"{'' if ok else held['screen_w1']}")
            fig = Figure(group, f"held key: {HELD_KEYS} × Right at {HELD_RATE:g}/s, "
                         "last key → final frame", held["last_key_to_final_frame_ms"], "ms",
                         limit=HELD_LIMIT_MS, note=note, detail=held)
            if not ok:
                fig.error = f"final value not on screen: {held['screen_w1']!r}"
            figures.append(fig)
            app.send("q")
    except (TimeoutError, OSError) as err:
        figures.append(failed(group, "Part 02 slider step", "ms", err, limit=MEDIAN_LIMIT_MS))
    return figures + lesson_text.run(quick)


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print the table, write JSON; exit 1 if a figure failed to measure."""
    return benchmark_main(argv, name="latency", description=__doc__.splitlines()[0],
                          quick_help="10 steps instead of 60", run=run)


if __name__ == "__main__":
    sys.exit(main())
