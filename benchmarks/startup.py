"""Startup benchmark: time to first screen and peak memory, against a bare Textual app.

Each target is launched in a real pty (80×24, ``TERM=xterm-256color``,
``TEXTUAL_THEME`` cleared) by :class:`benchmarks.ptyharness.PtyApp`. The
*first screen* is the moment the target's marker text is visible on the
emulated (pyte) screen, timed from just before the process is spawned, so it
includes interpreter start-up, imports and the first frame. The program is
then given a short quiet period to finish settling, its process tree's peak
RSS (``VmHWM``) is read, and it is stopped.

Runs are interleaved (baseline, lesson, parts, baseline, lesson, ...) so that
drift in machine load affects every target alike; warm-up rounds are run
first and discarded (they compile ``.pyc`` files and fill the page cache).

Usage::

    python -m benchmarks.startup                      # baseline vs the lesson
    python -m benchmarks.startup --runs 9 --parts     # ... and --part 1..6
    python -m benchmarks.startup --cmd "neuron-tui" --marker "The neuron"

Exit status: 0, or 1 if a target did not show its marker (a screen dump is
printed on stderr). Results go to ``benchmarks/results/startup.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import (
    HELLO_MARKER,
    OPENING_MARKER,
    Figure,
    failed,
    hello_argv,
    lesson_argv,
    part_marker,
)
from benchmarks.common import lesson_env as fresh_lesson_env
from benchmarks.ptyharness import DEFAULT_TERM, PtyApp, default_env, repo_root

ROOT = repo_root()
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "startup.json"
HELLO_APP = ROOT / "benchmarks" / "hello_app.py"
DEFAULT_PARTS = (1, 2, 3, 4, 5, 6)
#: Targets: first screen at most this many times the bare app's; any part's under this.
FIRST_SCREEN_RATIO_LIMIT = 1.3
PART_FIRST_SCREEN_LIMIT_MS = 1500.0


@dataclass
class Run:
    """One launch of one target."""

    first_screen_ms: float
    settled_ms: float | None
    peak_rss_kib: int | None
    ru_maxrss_kib: int | None
    bytes_first_screen: int
    bytes_total: int


@dataclass
class Target:
    """A command to launch and the text that shows its first screen is up."""

    name: str
    argv: list[str]
    marker: str | re.Pattern[str]
    runs: list[Run] = field(default_factory=list)
    failure: str | None = None

    def summary(self) -> dict[str, float | int | None]:
        times = [r.first_screen_ms for r in self.runs]
        rss = [r.peak_rss_kib for r in self.runs if r.peak_rss_kib is not None]
        settled = [r.settled_ms for r in self.runs if r.settled_ms is not None]
        return {
            "runs": len(self.runs),
            "first_screen_ms_median": statistics.median(times) if times else None,
            "first_screen_ms_min": min(times) if times else None,
            "first_screen_ms_max": max(times) if times else None,
            "settled_ms_median": statistics.median(settled) if settled else None,
            "peak_rss_mib_median": statistics.median(rss) / 1024 if rss else None,
            "peak_rss_mib_max": max(rss) / 1024 if rss else None,
        }


def measure(
    target: Target,
    *,
    cols: int,
    rows: int,
    timeout: float,
    settle: float,
    env: dict[str, str],
) -> Run:
    """Launch ``target`` once; raise ``TimeoutError`` (with a screen dump) if it never shows.

    ``env`` holds extra variables on top of the reproducible environment of
    :func:`benchmarks.common.lesson_env`. Every launch gets its own empty progress
    folder (``NEURON_TUI_STATE_DIR``), so the lesson always starts as for a
    first-time learner.
    """
    with (
        fresh_lesson_env(_overrides_from(env)) as run_env,
        PtyApp(target.argv, cols=cols, rows=rows, env=run_env, cwd=ROOT) as app,
    ):
        first = app.wait_for(target.marker, timeout=timeout)
        bytes_first = sum(len(c.data) for c in app.chunks if c.t <= first)
        try:
            settled: float | None = app.wait_quiet(settle, timeout=max(5.0, settle * 10))
        except TimeoutError:  # still animating: report no settle time, keep the run
            settled = None
        app.close()
        return Run(
            first_screen_ms=first * 1000,
            settled_ms=None if settled is None else settled * 1000,
            peak_rss_kib=app.peak_rss_kib(),
            ru_maxrss_kib=app.ru_maxrss_kib,
            bytes_first_screen=bytes_first,
            bytes_total=app.bytes_received,
        )


def _overrides_from(env: dict[str, str]) -> dict[str, str | None]:
    """``env`` as overrides of :func:`benchmarks.common.lesson_env` (which clears the rest)."""
    return {name: value for name, value in env.items() if name != "NEURON_TUI_STATE_DIR"}


def rounds(
    targets: Sequence[Target],
    *,
    runs: int,
    warmup: int,
    env: dict[str, str],
    cols: int = 80,
    rows: int = 24,
    timeout: float = 30.0,
    settle: float = 0.3,
    verbose: bool = True,
) -> None:
    """Launch every target ``warmup + runs`` times, interleaved; keep the measured runs."""
    for round_no in range(warmup + runs):
        warm = round_no < warmup
        for target in targets:
            if target.failure:
                continue
            try:
                run = measure(
                    target, cols=cols, rows=rows, timeout=timeout, settle=settle, env=env
                )
            except (TimeoutError, OSError) as err:
                target.failure = f"{type(err).__name__}: {err}"
                print(f"\n{target.name} failed to start:\n{err}", file=sys.stderr)
                continue
            if not warm:
                target.runs.append(run)
        if verbose:
            label = "warm-up" if warm else f"run {round_no - warmup + 1}/{runs}"
            print(f"startup {label} done", file=sys.stderr, flush=True)


def run(quick: bool = False) -> list[Figure]:
    """Start-up figures for :mod:`benchmarks.run_all`: the bare app, the lesson, each part.

    The lesson's first screen is judged as a ratio to the bare app's (same run,
    interleaved launches); each part's first screen against an absolute limit,
    with its ratio in the note.
    """
    targets = [
        Target("bare Textual hello app (baseline)", hello_argv(), HELLO_MARKER),
        Target("lesson (opening)", lesson_argv(), OPENING_MARKER),
        *(Target(f"lesson --part {n}", lesson_argv(n), part_marker(n)) for n in DEFAULT_PARTS),
    ]
    runs, warmup = (2, 1) if quick else (7, 1)
    rounds(targets, runs=runs, warmup=warmup, env={})
    group = "start-up (launch → first screen, median)"
    base = targets[0].summary()["first_screen_ms_median"]
    figures: list[Figure] = []
    for index, target in enumerate(targets):
        s = target.summary()
        t = s["first_screen_ms_median"]
        if target.failure or t is None:
            figures.append(failed(group, target.name, "ms", target.failure or "no run"))
            continue
        detail = {"summary": s, "runs": [asdict(r) for r in target.runs]}
        ratio = t / base if base else None
        spread = (f"n={s['runs']} min {s['first_screen_ms_min']:.0f} "
                  f"max {s['first_screen_ms_max']:.0f}")
        if index == 0:
            figures.append(Figure(group, target.name, t, "ms", note=spread, detail=detail))
        elif index == 1:
            figures.append(Figure(group, f"{target.name}, ms", t, "ms", note=spread,
                                  detail=detail))
            figures.append(Figure(group, f"{target.name} ÷ bare app", ratio, "×",
                                  limit=FIRST_SCREEN_RATIO_LIMIT))
        else:
            note = f"{ratio:.2f}× bare app · {spread}" if ratio else spread
            figures.append(Figure(group, target.name, t, "ms", limit=PART_FIRST_SCREEN_LIMIT_MS,
                                  note=note, detail=detail))
    return figures


def _fmt(value: float | int | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def render_table(targets: Sequence[Target]) -> str:
    """A plain-text table of the medians, with ratios to the first target (the baseline)."""
    base = targets[0].summary()
    base_t = base["first_screen_ms_median"]
    base_m = base["peak_rss_mib_median"]
    header = (
        f"{'target':<22} {'runs':>4} {'first screen ms':>16} {'min ms':>7} "
        f"{'settled ms':>10} {'peak RSS MiB':>12} {'× time':>7} {'× RSS':>6}"
    )
    lines = [header, "-" * len(header)]
    for target in targets:
        s = target.summary()
        t, m = s["first_screen_ms_median"], s["peak_rss_mib_median"]
        ratio_t = t / base_t if t is not None and base_t else None
        ratio_m = m / base_m if m is not None and base_m else None
        name = target.name + (" FAILED" if target.failure else "")
        lines.append(
            f"{name:<22} {s['runs']:>4} {_fmt(t, '.0f'):>16} "
            f"{_fmt(s['first_screen_ms_min'], '.0f'):>7} {_fmt(s['settled_ms_median'], '.0f'):>10} "
            f"{_fmt(m, '.1f'):>12} {_fmt(ratio_t, '.2f'):>7} {_fmt(ratio_m, '.2f'):>6}"
        )
    return "\n".join(lines)


def build_targets(args: argparse.Namespace) -> list[Target]:
    lesson = shlex.split(args.cmd) if args.cmd else [sys.executable, "-m", "neuron_tui"]
    baseline = (
        shlex.split(args.baseline_cmd) if args.baseline_cmd else [sys.executable, str(HELLO_APP)]
    )
    targets = [
        Target("baseline (hello)", baseline, args.baseline_marker),
        Target("lesson", lesson, args.marker),
    ]
    if args.parts is not None:
        for n in args.parts or DEFAULT_PARTS:
            targets.append(
                Target(
                    f"lesson --part {n}",
                    [*lesson, "--part", str(n)],
                    args.part_marker.format(n=n),
                )
            )
    return targets


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.startup",
        description="Time to first screen and peak RSS of the lesson vs a bare Textual app.",
    )
    parser.add_argument("--runs", type=int, default=5, help="measured runs per target (5)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded runs first (1)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write results")
    parser.add_argument(
        "--cmd", help="the lesson command, shell-quoted (default: this Python -m neuron_tui)"
    )
    parser.add_argument("--marker", default=OPENING_MARKER, help="lesson first-screen text")
    parser.add_argument("--baseline-cmd", help="baseline command (default: hello_app.py)")
    parser.add_argument(
        "--baseline-marker", default="Hello, world", help="baseline first-screen text"
    )
    parser.add_argument(
        "--parts",
        type=int,
        nargs="*",
        metavar="N",
        help="also time `CMD --part N` for these parts (no numbers: 1..6)",
    )
    parser.add_argument(
        "--part-marker", default="Part {n:02d} ·", help="format for part N's marker text"
    )
    parser.add_argument("--cols", type=int, default=80)
    parser.add_argument("--rows", type=int, default=24)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a marker")
    parser.add_argument(
        "--settle", type=float, default=0.3, help="quiet seconds that mean startup is over"
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for every target (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    for item in args.env:
        if "=" not in item:
            parser.error(f"--env expects NAME=VALUE, got {item!r}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    env = dict(item.split("=", 1) for item in args.env)
    targets = build_targets(args)
    rounds(
        targets,
        runs=args.runs,
        warmup=args.warmup,
        env=env,
        cols=args.cols,
        rows=args.rows,
        timeout=args.timeout,
        settle=args.settle,
    )
    print(render_table(targets))
    write_json(args, targets, default_env(env))
    return 1 if any(t.failure for t in targets) else 0


def write_json(args: argparse.Namespace, targets: Sequence[Target], env: dict[str, str]) -> None:
    base = targets[0].summary()
    doc: dict[str, Any] = {
        "benchmark": "startup",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "terminal": {"cols": args.cols, "rows": args.rows, "TERM": env.get("TERM", DEFAULT_TERM)},
        "runs": args.runs,
        "warmup": args.warmup,
        "settle_s": args.settle,
        "first_screen": "seconds from spawn until the marker is on the pyte-emulated screen",
        "peak_rss": "sum of VmHWM over the process tree, KiB",
        "targets": [],
    }
    for target in targets:
        s = target.summary()
        t, m = s["first_screen_ms_median"], s["peak_rss_mib_median"]
        doc["targets"].append(
            {
                "name": target.name,
                "argv": target.argv,
                "marker": target.marker,
                "failure": target.failure,
                "summary": s,
                "ratio_to_baseline": {
                    "first_screen": t / base["first_screen_ms_median"]
                    if t is not None and base["first_screen_ms_median"]
                    else None,
                    "peak_rss": m / base["peak_rss_mib_median"]
                    if m is not None and base["peak_rss_mib_median"]
                    else None,
                },
                "runs": [asdict(r) for r in target.runs],
            }
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
