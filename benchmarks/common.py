"""Shared pieces of the benchmarks: how to launch the lesson, figures with targets, output.

Every measurement module (:mod:`benchmarks.startup`, :mod:`benchmarks.bytes`,
:mod:`benchmarks.latency`, :mod:`benchmarks.memory`) returns a list of
:class:`Figure`: one number, its unit, an optional target and whether it was met.
:func:`render_table` prints them; :func:`write_json` saves them with the context
of the run (machine, Python, terminal size), so figures from different runs can
be compared.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from benchmarks.ptyharness import Chunk, PtyApp, default_env, repo_root

ROOT = repo_root()
RESULTS = ROOT / "benchmarks" / "results"
HELLO_APP = ROOT / "benchmarks" / "hello_app.py"
COLS, ROWS = 80, 24

#: The lesson's own switches that change what it draws; cleared for every run.
LESSON_VARIABLES: tuple[str, ...] = (
    "TEXTUAL_COLOR_SYSTEM",
    "TEXTUAL_ANIMATIONS",
    "NEURON_TUI_LOW_BANDWIDTH",
    "NEURON_TUI_ASCII",
    "NEURON_TUI_STATE_DIR",
)

#: Colour systems measured: label -> environment overrides.
COLOUR_SYSTEMS: dict[str, dict[str, str | None]] = {
    "256": {},
    "standard": {"TEXTUAL_COLOR_SYSTEM": "standard"},
}

#: The marker text of each page's first screen.
OPENING_MARKER = "The neuron"
HELLO_MARKER = "Hello, world"


def part_marker(part: int) -> re.Pattern[str]:
    """Part ``part``'s title bar: "Part 01 ·" at the start of the top line.

    Anchored to the title bar, because the opening names the next part in the same
    words ("Start with Part 01 · The atom"): an unanchored marker is found before the
    key is handled and the measurement ends early with nothing counted.
    """
    return re.compile(rf"\A neuron-tui\s+Part {part:02d} ·")


def lesson_argv(part: int | None = None) -> list[str]:
    """The command that starts the lesson (at ``part`` if given), as a learner runs it."""
    argv = [sys.executable, "-m", "neuron_tui"]
    return argv if part is None else [*argv, "--part", str(part)]


def hello_argv() -> list[str]:
    """The command that starts the bare Textual baseline."""
    return [sys.executable, str(HELLO_APP)]


@contextlib.contextmanager
def lesson_env(overrides: Mapping[str, str | None] | None = None) -> Iterator[dict[str, str]]:
    """A reproducible environment with a private, fresh progress folder (removed afterwards).

    Nothing a benchmark does touches the real progress file, and every launch
    starts as a first-time learner.
    """
    folder = tempfile.mkdtemp(prefix="neuron-bench-")
    try:
        cleared: dict[str, str | None] = dict.fromkeys(LESSON_VARIABLES)
        env = default_env({**cleared, **(overrides or {}), "NEURON_TUI_STATE_DIR": folder})
        yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def launch(
    argv: Sequence[str], overrides: Mapping[str, str | None] | None = None
) -> Iterator[PtyApp]:
    """Start ``argv`` at 80×24 in a fresh environment; always stopped and cleaned up."""
    with lesson_env(overrides) as env, PtyApp(argv, cols=COLS, rows=ROWS, env=env, cwd=ROOT) as app:
        yield app


# ---------------------------------------------------------------------- figures

Status = Literal["PASS", "MISS", "INFO", "FAIL"]


@dataclass
class Figure:
    """One measured number, with its target.

    ``limit`` and ``op`` ("<=", "<", "==") make the target; no limit means the
    figure is informational. ``status`` is FAIL when the measurement itself broke
    (``error`` says why).
    """

    group: str
    name: str
    value: float | None
    unit: str
    limit: float | None = None
    op: str = "<="
    note: str = ""
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        """PASS or MISS against the target, INFO without one, FAIL if not measured."""
        if self.error is not None or (self.value is None and self.limit is not None):
            return "FAIL"
        if self.limit is None or self.value is None:
            return "INFO"
        ok = {
            "<=": self.value <= self.limit,
            "<": self.value < self.limit,
            "==": self.value == self.limit,
        }[self.op]
        return "PASS" if ok else "MISS"

    @property
    def target(self) -> str:
        """The target as text, e.g. ``≤ 3000 B``."""
        if self.limit is None:
            return ""
        symbol = {"<=": "≤", "<": "<", "==": "="}[self.op]
        return f"{symbol} {_number(self.limit)} {self.unit}".rstrip()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, with target and status spelled out."""
        out = asdict(self)
        out["target"] = self.target
        out["status"] = self.status
        return out


def failed(group: str, name: str, unit: str, error: BaseException | str, **kw: Any) -> Figure:
    """A figure that could not be measured (status FAIL), with the reason."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return Figure(group, name, None, unit, error=text.splitlines()[0] if text else "error", **kw)


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value)}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def render_table(figures: Sequence[Figure]) -> str:
    """One plain-text table: group, figure, value, target, status, note."""
    header = f"{'figure':<52} {'value':>12} {'target':>14}  {'':<4}  note"
    lines = [header, "-" * 100]
    group = None
    for fig in figures:
        if fig.group != group:
            group = fig.group
            lines.append(f"[{group}]")
        value = f"{_number(fig.value)} {fig.unit}".rstrip() if fig.error is None else "—"
        note = fig.note if fig.error is None else f"error: {fig.error}"
        lines.append(f"  {fig.name:<50} {value:>12} {fig.target:>14}  {fig.status:<4}  {note}")
    counts = {s: sum(1 for f in figures if f.status == s) for s in ("PASS", "MISS", "FAIL")}
    lines.append("-" * 100)
    lines.append(
        f"{counts['PASS']} pass, {counts['MISS']} miss, {counts['FAIL']} failed to measure, "
        f"{sum(1 for f in figures if f.status == 'INFO')} informational"
    )
    return "\n".join(lines)


def run_context(quick: bool) -> dict[str, Any]:
    """What a reader needs to judge the figures: when, where, how."""
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load,
        "terminal": {"cols": COLS, "rows": ROWS, "TERM": "xterm-256color"},
        "quick": quick,
    }


def write_json(path: Path, figures: Sequence[Figure], context: dict[str, Any]) -> None:
    """Write ``{"context": ..., "figures": [...]}`` to ``path`` (folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"context": context, "figures": [f.as_dict() for f in figures]}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------- statistics


def median(values: Sequence[float]) -> float | None:
    """The median, or None for no values."""
    return statistics.median(values) if values else None


def percentile(values: Sequence[float], pct: float) -> float | None:
    """The ``pct``-th percentile by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# ---------------------------------------------------------------------- output analysis


def bursts(chunks: Sequence[Chunk], gap: float) -> list[list[Chunk]]:
    """Split reads into bursts (frames) separated by pauses of at least ``gap`` s."""
    out: list[list[Chunk]] = []
    for chunk in chunks:
        if out and chunk.t - out[-1][-1].t < gap:
            out[-1].append(chunk)
        else:
            out.append([chunk])
    return out


_CUP = re.compile(rb"\x1b\[(\d+);(\d+)H")
_CSI = re.compile(rb"\x1b\[[0-9;?<>=:]*[ -/]*[@-~]")
_SGR = re.compile(rb"\x1b\[[0-9;:]*m")


@dataclass(frozen=True)
class Segment:
    """Output written after one cursor move: where it starts, and its bytes."""

    row: int
    col: int
    data: bytes

    @property
    def sgr_bytes(self) -> int:
        """Bytes of colour/attribute escape sequences (SGR) in the segment."""
        return sum(len(m.group()) for m in _SGR.finditer(self.data))

    @property
    def text(self) -> str:
        """The printable text of the segment, escapes removed."""
        return _CSI.sub(b"", self.data).decode("utf-8", "replace")


def segments(data: bytes) -> list[Segment]:
    """Cut terminal output at each absolute cursor move (``ESC [ row ; col H``).

    Textual repaints by moving the cursor to the start of each changed run of a
    line and writing it, so the segments show which rows and columns a frame
    repainted and how many bytes each cost. Bytes before the first move go to a
    segment at row 0, column 0.
    """
    out: list[Segment] = []
    last_end = 0
    row = col = 0
    for match in _CUP.finditer(data):
        if match.start() > last_end:
            out.append(Segment(row, col, data[last_end : match.start()]))
        row, col = int(match.group(1)), int(match.group(2))
        last_end = match.start()
    if last_end < len(data):
        out.append(Segment(row, col, data[last_end:]))
    return out


def describe_regions(data: bytes, top: int = 8) -> list[dict[str, Any]]:
    """Bytes per repainted row (1-based), biggest first: row, bytes, SGR bytes, columns."""
    rows: dict[int, dict[str, Any]] = {}
    for seg in segments(data):
        entry = rows.setdefault(
            seg.row, {"row": seg.row, "bytes": 0, "sgr_bytes": 0, "segments": 0, "cols": []}
        )
        entry["bytes"] += len(seg.data)
        entry["sgr_bytes"] += seg.sgr_bytes
        entry["segments"] += 1
        entry["cols"].append(seg.col)
    ordered = sorted(rows.values(), key=lambda e: -e["bytes"])
    return ordered[:top]


def benchmark_main(
    argv: Sequence[str] | None,
    *,
    name: str,
    description: str,
    quick_help: str,
    run: Any,
) -> int:
    """The shared command line of one benchmark: `--quick`, `--json FILE`, a table, JSON.

    `run(quick)` returns the figures, or (figures, extra context for the JSON).
    Exit 1 if a figure failed to measure.
    """
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m benchmarks.{name}", description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--json", type=Path, default=RESULTS / f"{name}.json")
    args = parser.parse_args(argv)
    result = run(args.quick)
    figures, extra = result if isinstance(result, tuple) else (result, {})
    print(render_table(figures))
    write_json(args.json, figures, run_context(args.quick) | extra)
    return 1 if any(figure.status == "FAIL" for figure in figures) else 0
