"""Every benchmark of issue 8 in one run: one table of figures, targets and PASS/MISS.

Usage::

    python -m benchmarks.run_all              # full run, a few minutes
    python -m benchmarks.run_all --quick      # smoke run, about two minutes
    python -m benchmarks.run_all --only startup latency --json /tmp/x.json

Measurements (each module also runs on its own, ``python -m benchmarks.NAME``):

* ``startup``: launch → first screen of the lesson and of ``--part 1..6`` vs a bare
  Textual app, interleaved in the same run (:mod:`benchmarks.startup`);
* ``latency``: key → screen for slider steps, and the held-key test
  (:mod:`benchmarks.latency`);
* ``memory``: peak RSS of a walk through every part (:mod:`benchmarks.memory`);
* ``bytes``: bytes per interaction at 256 and 16 colours, changed cells, idle
  (:mod:`benchmarks.bytes`).

The machine is shared and noisy: timings are medians, start-up is a ratio to a
baseline measured in the same run, and the load average at the start is saved
in the JSON. Exit status: 0, or 1 if a figure could not be measured (a MISS
does not fail the run: the table is the report). Results go to
``benchmarks/results/all.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import bytes as bytes_bench
from benchmarks import latency, memory, startup
from benchmarks.common import RESULTS, Figure, failed, render_table, run_context, write_json

MEASUREMENTS = ("startup", "latency", "memory", "bytes")


def _run_one(name: str, quick: bool, extra: dict[str, Any]) -> list[Figure]:
    runners: dict[str, Callable[[bool], list[Figure]]] = {
        "startup": startup.run,
        "latency": latency.run,
        "memory": memory.run,
    }
    if name == "bytes":
        figures, regions = bytes_bench.run(quick)
        extra["bytes_regions"] = regions
        return figures
    return runners[name](quick)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen measurements, print the table, write JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_all",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: fewer repetitions, 1 s idle instead of 10 s")
    parser.add_argument("--json", type=Path, default=RESULTS / "all.json",
                        help="where to write the results (benchmarks/results/all.json)")
    parser.add_argument("--only", nargs="+", choices=MEASUREMENTS, default=list(MEASUREMENTS),
                        help="run only these measurements")
    args = parser.parse_args(argv)

    context = run_context(args.quick)
    extra: dict[str, Any] = {"seconds": {}}
    figures: list[Figure] = []
    for name in args.only:
        print(f"== {name} ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        try:
            figures += _run_one(name, args.quick, extra)
        except Exception as err:  # noqa: BLE001 - one broken measurement must not hide the rest
            figures.append(failed(name, f"{name} measurement", "", err))
            print(f"{name} failed: {err!r}", file=sys.stderr)
        extra["seconds"][name] = round(time.monotonic() - started, 1)
    print(render_table(figures))
    write_json(args.json, figures, context | extra)
    print(f"wrote {args.json}", file=sys.stderr)
    return 1 if any(f.status == "FAIL" for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
