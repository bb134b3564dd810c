"""Where start-up time and Part 02 slider-step time and bytes go (input for FINDINGS.md).

* import costs: ``python -X importtime`` of the modules the first screen needs,
  folded to the top-level packages and the lesson's own modules;
* pyinstrument profiles (text) of start-up to the first screen of Part 02 and of
  60 Part 02 slider steps, run in a real pty (needs ``pip install pyinstrument``);
* byte dump of one Part 02 slider step (shading off and on): bytes per repainted
  row, the share of colour escapes (SGR), and the text written.

Usage::

    python -m benchmarks.profiling [--out benchmarks/results/profile]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.bytes import measure, setup_part02_line
from benchmarks.common import RESULTS, ROOT, launch, lesson_env, part_marker, segments
from benchmarks.ptyharness import KEYS, PtyApp

_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_times(statement: str) -> dict[str, Any]:
    """Run ``statement`` under ``-X importtime``; cumulative ms of top-level imports."""
    with lesson_env() as env:
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", statement],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
        )
    top: dict[str, float] = {}
    lesson: dict[str, float] = {}
    total = 0.0
    for line in proc.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        self_us, cumulative_us, indent, name = match.groups()
        total += int(self_us) / 1000
        level = len(indent) // 2
        if level == 0:
            top[name] = top.get(name, 0.0) + int(cumulative_us) / 1000
        if name.startswith("neuron_tui"):
            lesson[name] = int(self_us) / 1000
    return {
        "statement": statement,
        "total_ms": round(total, 1),
        "top_level_ms": dict(sorted(top.items(), key=lambda kv: -kv[1])[:15]),
        "lesson_self_ms": dict(sorted(lesson.items(), key=lambda kv: -kv[1])[:15]),
    }


def pyinstrument_run(out: Path, part: int, steps: int) -> None:
    """Profile the lesson at ``part`` to its first screen (+ ``steps`` slider steps)."""
    argv = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(out),
            "-m", "neuron_tui", "--part", str(part)]
    with launch(argv) as app:
        app.wait_for(part_marker(part), timeout=60)
        app.wait_quiet(0.5, timeout=20)
        if steps:
            setup_part02_line(app)
            for index in range(steps):
                app.send(KEYS["right"] if index % 2 == 0 else KEYS["left"])
                app.wait_quiet(0.1, timeout=10)
        app.send("q")
        app.wait(timeout=60)


def step_dump(app: PtyApp) -> dict[str, Any]:
    """One Part 02 slider step: bytes per row, SGR share, and the text of each segment."""
    step = measure(app, lambda a: a.send(KEYS["right"]))
    rows: dict[int, int] = defaultdict(int)
    sgr = 0
    texts = []
    for seg in segments(step.data):
        rows[seg.row] += len(seg.data)
        sgr += seg.sgr_bytes
        texts.append({"row": seg.row, "col": seg.col, "bytes": len(seg.data), "text": seg.text})
    return {
        "bytes": step.nbytes,
        "changed_cells": step.changed_cells,
        "sgr_bytes": sgr,
        "rows": dict(sorted(rows.items())),
        "segments": texts,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Write import times, profiles and byte dumps under ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "profile")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "imports": [
            import_times("import textual.app, textual.widgets"),
            import_times("import neuron_tui.app, neuron_tui.__main__"),
            import_times("import neuron_tui.app, neuron_tui.screens.parts.opening"),
            import_times("import neuron_tui.app, neuron_tui.screens.parts.part02"),
        ]
    }
    dumps: dict[str, Any] = {}
    for colour, overrides in (("256", {}), ("standard", {"TEXTUAL_COLOR_SYSTEM": "standard"})):
        with launch([sys.executable, "-m", "neuron_tui", "--part", "2"], overrides) as app:
            app.wait_for(part_marker(2), timeout=30)
            setup_part02_line(app)
            dumps[f"{colour} shading off"] = step_dump(app)
            app.send("g")
            app.wait_quiet(0.5, timeout=10)
            dumps[f"{colour} shading on"] = step_dump(app)
            app.send("q")
    report["part02_step"] = dumps
    (args.out / "profile.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    try:
        pyinstrument_run(args.out / "startup_part02.txt", 2, 0)
        pyinstrument_run(args.out / "part02_steps.txt", 2, 60)
    except (TimeoutError, OSError) as err:
        print(f"pyinstrument run failed (is it installed?): {err}", file=sys.stderr)
    print(json.dumps(report["imports"], indent=2))
    for name, dump in dumps.items():
        print(name, dump["bytes"], "B", dump["changed_cells"], "cells", dump["sgr_bytes"],
              "B SGR", dump["rows"])
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
