"""Lessons forked from the preloaded fork server against lessons spawned directly, same run.

``python -m benchmarks.prefork [--learners N] [--rounds R]`` starts `serve ssh`
on loopback twice per round, once with the fork server (``prefork=True``, the
default) and once without (``--direct`` in effect), connects N real ``ssh``
clients one after another (read through pyte), and measures for each mode:

- first screen: from starting ``ssh`` to the opening's text on the learner's
  screen (the same SSH handshake in both modes; what differs is the lesson's start);
- the lesson's own CPU-seconds until then (a forked lesson does not import);
- memory once every learner has opened Part 02: PSS of each lesson, and PSS and
  RSS of the server's whole process tree (server, fork server and lessons), so
  pages shared copy-on-write count once.

The machine's load average is reported beside the figures (these machines are
shared). Writes benchmarks/results/prefork.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.ptyharness import PtyApp, default_env, repo_root
from neuron_tui.process.identity import is_lesson
from neuron_tui.process.procfs import cmdline, descendants, pss_kib, rss_kib

ROOT = repo_root()
RESULTS = ROOT / "benchmarks" / "results"
OPENING = "The neuron"
PART_TWO = re.compile(r"^.*Part 02 ·")
_LISTENING = re.compile(r"serving the lesson over SSH on \S+:(\d+)")
_SERVER = (
    "import asyncio, logging, sys\n"
    "from pathlib import Path\n"
    "logging.basicConfig(level=logging.INFO, format='%(message)s', stream=sys.stdout)\n"
    "from neuron_tui.serve.ssh import SSHServeConfig, serve_forever\n"
    "config = SSHServeConfig(state_dir=Path(sys.argv[1]), port=0, max_sessions=200,\n"
    "                        max_per_address=200, prefork=sys.argv[2] == 'prefork')\n"
    "sys.exit(asyncio.run(serve_forever(config)))\n"
)


class Server:
    """`serve ssh` in its own process, in one of the two modes."""

    def __init__(self, mode: str, state: Path) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(state), mode],
            cwd=ROOT,
            env=default_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.port = 0
        listening = threading.Event()

        def read() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line)
                if match := _LISTENING.search(line):
                    self.port = int(match.group(1))
                    listening.set()

        threading.Thread(target=read, daemon=True).start()
        if not listening.wait(60):
            self.stop()
            raise RuntimeError("the server did not start:\n" + "".join(self.lines))

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{text!r} not in the server's log")
            time.sleep(0.05)

    def lessons(self) -> list[int]:
        return [p for p in descendants(self.proc.pid) if is_lesson(cmdline(p))]

    def tree(self) -> list[int]:
        return [self.proc.pid, *descendants(self.proc.pid)]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def ssh_argv(port: int, user: str) -> list[str]:
    return ["ssh", "-tt", "-F", "/dev/null", "-p", str(port), "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            f"{user}@127.0.0.1"]  # fmt: skip


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(mode: str, learners: int) -> dict[str, Any]:
    """One server, `learners` learners one after another; the figures of this mode."""
    with tempfile.TemporaryDirectory(prefix="prefork-bench-") as state:
        server = Server(mode, Path(state))
        apps: list[PtyApp] = []
        try:
            if mode == "prefork":
                server.wait_for("lesson fork server ready")
            first: list[float] = []
            cpu: list[float] = []
            seen: set[int] = set()
            for n in range(learners):
                app = PtyApp(ssh_argv(server.port, f"{mode}{n:02d}"), cols=80, rows=24).start()
                apps.append(app)
                first.append(app.wait_for(OPENING, timeout=120))
                (newest,) = set(server.lessons()) - seen
                seen.add(newest)
                cpu.append(cpu_seconds(newest))
            for app in apps:
                app.press("2")
            for app in apps:
                app.wait_for(PART_TWO, timeout=120)
                app.wait_quiet(0.5, timeout=60)
            lessons = server.lessons()
            lesson_pss = [pss_kib(pid) or 0 for pid in lessons]
            tree = server.tree()
            preforked = sum("preforked" in line for line in server.lines)
            return {
                "mode": mode,
                "learners": learners,
                "preforked": preforked,
                "first_screen_s": first,
                "first_screen_p50_s": statistics.median(first),
                "first_screen_max_s": max(first),
                "lesson_cpu_at_first_screen_s": statistics.median(cpu),
                "lesson_pss_mib": statistics.median(lesson_pss) / 1024,
                "tree_pss_mib": sum(pss_kib(pid) or 0 for pid in tree) / 1024,
                "tree_rss_mib": sum(rss_kib(pid) or 0 for pid in tree) / 1024,
                "load_average": os.getloadavg(),
            }
        finally:
            for app in apps:
                app.close()
            server.stop()


def table(results: list[dict[str, Any]]) -> str:
    head = (
        f"{'mode':8} {'N':>3} {'forked':>6} {'first p50':>9} {'first max':>9} {'CPU@1st':>8} "
        f"{'PSS/lesson':>10} {'tree PSS':>9} {'tree RSS':>9} {'load1':>6}"
    )
    rows = [head]
    for r in results:
        rows.append(
            f"{r['mode']:8} {r['learners']:>3} {r['preforked']:>6} "
            f"{r['first_screen_p50_s']:>8.2f}s {r['first_screen_max_s']:>8.2f}s "
            f"{r['lesson_cpu_at_first_screen_s']:>7.2f}s {r['lesson_pss_mib']:>7.1f}MiB "
            f"{r['tree_pss_mib']:>6.0f}MiB {r['tree_rss_mib']:>6.0f}MiB "
            f"{r['load_average'][0]:>6.1f}"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Measure both modes, alternating, and report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.prefork")
    parser.add_argument("--learners", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", type=Path, default=RESULTS / "prefork.json")
    args = parser.parse_args(argv)
    if args.learners < 1 or args.rounds < 1:
        parser.error("--learners and --rounds must be at least 1")
    results = []
    for _round in range(args.rounds):
        for mode in ("direct", "prefork"):
            results.append(measure(mode, args.learners))
            print(table(results[-1:]).splitlines()[-1], flush=True)
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"cpus": os.cpu_count(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
