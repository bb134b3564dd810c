"""Bytes and latency of interactions in Part 02, measured through a real pty.

What a learner's link carries: the bytes the app writes for one slider step
(shading off and on), for a whole "train this for me" run, and while idle; and
how long a key takes to reach the screen, including the held-key case (keys at
30 a second, time from the last key to the final value on screen).

Usage::

    python -m benchmarks.interaction [--steps 20] [--json FILE]

Figures depend on the machine; run it on the machine you report about.
Superseded by ``python -m benchmarks.run_all`` (:mod:`benchmarks.bytes`,
:mod:`benchmarks.latency`), which covers every part and both colour systems;
kept because the README documents it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import lesson_env
from benchmarks.ptyharness import PtyApp, repo_root

RIGHT = b"\x1b[C"
LEFT = b"\x1b[D"


def lesson_argv(part: int) -> list[str]:
    """The command that opens the lesson at `part`."""
    return [sys.executable, "-m", "neuron_tui", "--part", str(part)]


def step_bytes(app: PtyApp, steps: int, settle: float = 0.25) -> list[int]:
    """Bytes written for each of `steps` single slider steps (alternating right/left)."""
    sizes = []
    for index in range(steps):
        mark = app.mark()
        app.send(RIGHT if index % 2 == 0 else LEFT)
        app.wait_quiet(settle, timeout=5)
        sizes.append(app.bytes_since(mark))
    return sizes


def held_key(app: PtyApp, presses: int, rate: float, final_text: str) -> float:
    """Seconds from the last of `presses` keys (sent at `rate` a second) to `final_text`."""
    last_key = 0.0
    for index in range(presses):
        app.send(RIGHT)
        last_key = app.elapsed()
        if index < presses - 1:
            time.sleep(1 / rate)
    seen = app.wait_for(final_text, timeout=10)
    return max(0.0, seen - last_key)


def measure_part02(steps: int, colour_env: dict[str, str | None]) -> dict[str, Any]:
    """Slider step bytes (shading off, on), a whole training run, idle, held key."""
    result: dict[str, Any] = {}
    with lesson_env(colour_env) as env, PtyApp(lesson_argv(2), env=env, cwd=repo_root()) as app:
        app.wait_for("Part 02", timeout=20)
        app.wait_quiet(0.5, timeout=10)
        mark = app.mark()
        time.sleep(2.0)
        result["idle_2s_bytes"] = app.bytes_since(mark)
        app.send(RIGHT * 5 + b"\x1b[B" + RIGHT * 10)  # a line through the plot
        app.wait_quiet(0.5, timeout=10)
        app.send(b"\x1b[A")
        app.wait_quiet(0.3, timeout=10)
        result["step_bytes_shading_off"] = step_bytes(app, steps)
        app.send(b"g")
        app.wait_quiet(0.5, timeout=10)
        result["step_bytes_shading_on"] = step_bytes(app, steps)
        app.send(b"g")
        app.wait_quiet(0.5, timeout=10)
        mark = app.mark()
        started = app.elapsed()
        app.send(b"t")
        app.wait_for("Converged", timeout=30)
        app.wait_quiet(0.3, timeout=10)
        result["train_bytes"] = app.bytes_since(mark)
        result["train_seconds"] = round(app.elapsed() - started, 2)
        app.send(b"r")
        app.wait_quiet(0.5, timeout=10)
        result["held_key_seconds"] = held_key(app, 90, 30.0, " 9.00 ")
    return result


def summarise(name: str, values: list[int]) -> str:
    """`name: median N B (min, max)`."""
    median = statistics.median(values)
    return f"{name}: median {median:.0f} B (min {min(values)}, max {max(values)})"


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print a table; write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="slider steps to measure")
    parser.add_argument("--json", type=Path, default=repo_root() / "benchmarks" / "results"
                        / "interaction.json")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {}
    for label, env in (("256 colours", {}), ("16 colours", {"TEXTUAL_COLOR_SYSTEM": "standard"})):
        figures = measure_part02(args.steps, env)
        report[label] = figures
        print(f"== Part 02 at 80×24, {label}")
        print("  " + summarise("slider step, shading off", figures["step_bytes_shading_off"]))
        print("  " + summarise("slider step, shading on ", figures["step_bytes_shading_on"]))
        print(f"  whole 'train this for me': {figures['train_bytes']} B "
              f"in {figures['train_seconds']} s")
        print(f"  idle for 2 s: {figures['idle_2s_bytes']} B")
        print(f"  held key (90 at 30/s): final value {figures['held_key_seconds'] * 1000:.0f} ms "
              "after the last key")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
