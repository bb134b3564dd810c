"""A class on one server: N real ``ssh`` clients through ``serve ssh``, each a scripted learner.

Starts ``neuron-tui serve ssh`` on loopback, connects N OpenSSH clients in
ptys read through pyte (arrivals spread over about 10 s), and has each walk
the lesson (:mod:`benchmarks.class_learner`). When everyone has answered the
quiz, all go back to Part 02 and reset it (within one second of each other),
then press ``t`` within one second: the burst.
Reported for each N:

- key → screen p50/p95/p99 (every key of every learner), first screen p95
  (from starting ``ssh`` to the opening on screen);
- seconds per heavy action (Part 02 "train this for me", Part 03 run, Part 04
  run, Part 05 from key to trained) and the burst, each learner from their key
  to the end of their run;
- peak PSS and RSS of the server's whole process tree (sampled every 0.5 s),
  and both again while every learner sits in Part 06;
- CPU-seconds of the server tree per learner, of the clients (ssh and the
  screen parsing), and how busy the machine was from other processes (busy
  CPU from ``/proc/stat`` minus the server tree, the clients and this
  process), with the load average: these machines are shared.

Usage::

    python -m benchmarks.class_load [--learners 1 10 20 30] [--quick] [--json FILE]
        [--server-python PATH] [--server-cwd DIR] [--stagger 10]

``--server-python``/``--server-cwd`` run another checkout's server (e.g. a
frozen "before") under the same clients: give that checkout's venv Python, since
lessons start with ``python -I`` and import the package that venv installed. Writes JSON (default
``benchmarks/results/class_load.json``) after each N, and a table to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import queue
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from benchmarks import class_learner, class_probe, class_report
from benchmarks.common import LESSON_VARIABLES, RESULTS, ROOT, run_context
from benchmarks.ptyharness import default_env

DEFAULT_LEARNERS = (1, 10, 20, 30)
QUICK_LEARNERS = (5,)
PORTS = range(23000, 23100)
LISTENING = "serving the lesson over SSH on"


def ssh_options(port: int) -> list[str]:
    """Client options for a throw-away server: no config, no known_hosts, quiet."""
    return [
        *("-F", "/dev/null", "-p", str(port)),
        *("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"),
        *("-o", "LogLevel=ERROR", "-o", "ConnectTimeout=30"),
    ]


def free_port() -> int:
    """The first port of this benchmark's range that nothing listens on."""
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@contextlib.contextmanager
def ssh_server(
    python: str, cwd: Path, learners: int
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """``serve ssh`` on loopback with room for the class; stopped (SIGTERM, then kill) after."""
    state = tempfile.mkdtemp(prefix="neuron-class-")
    port = free_port()
    room = str(learners + 5)
    argv = [python, "-m", "neuron_tui.serve", "ssh", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--state-dir", state, "--max-sessions", room, "--max-per-address", room]
    env = default_env(dict.fromkeys(LESSON_VARIABLES))
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []
    listening = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if LISTENING in line:
                listening.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not listening.wait(30):
            raise RuntimeError("the SSH server did not start:\n" + "\n".join(lines[-20:]))
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        shutil.rmtree(state, ignore_errors=True)


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_class(learners: int, python: str, cwd: Path, stagger: float, fast: bool) -> dict[str, Any]:
    """One class of ``learners``: returns the raw measurements (see class_report.summarise)."""
    ctx = mp.get_context("spawn")
    barriers = [ctx.Barrier(learners + 1) for _ in range(4)]
    burst_base = ctx.Value("d", 0.0)
    start_base = ctx.Value("d", 0.0)
    ready = ctx.Value("i", 0)
    go = ctx.Event()
    results: Any = ctx.Queue()
    raw: dict[str, Any] = {"learners": learners, "errors": []}
    with ssh_server(python, cwd, learners) as (server, port):
        sampler = class_probe.TreeSampler(server.pid).start()
        queue_sampler = class_probe.QueueSampler().start()
        spread = stagger / (learners - 1) if learners > 1 else 0.0
        procs = [
            ctx.Process(
                target=_learner_main,
                args=(
                    class_learner.Plan(i, port, i * spread, ssh_options(port), fast),
                    barriers, burst_base, start_base, ready, go, results,
                ),
                name=f"learner{i:02d}",
            )
            for i in range(learners)
        ]
        for proc in procs:
            proc.start()
        deadline = time.monotonic() + 120
        while ready.value < learners and time.monotonic() < deadline:
            time.sleep(0.05)
        idle_memory = class_probe.tree_memory(server.pid)
        cpu0 = (class_probe.tree_cpu(server.pid), class_probe.machine_busy(), _self_cpu())
        load0 = class_probe.load_average()
        pressure0 = class_probe.cpu_pressure_us()
        everyone0 = class_probe.cpu_by_process()
        wall0 = time.monotonic()
        start_base.value = wall0 + 0.2
        go.set()
        try:
            barriers[0].wait(timeout=1800)
            raw["all_in_part06"] = class_probe.tree_memory(server.pid).__dict__
            barriers[1].wait(timeout=600)
            # Far enough ahead that every learner has passed the next barrier, even on a
            # busy machine: then only each learner's own sleep sets when it presses.
            burst_base.value = time.monotonic() + 2.0
            barriers[2].wait(timeout=60)
            barriers[3].wait(timeout=600)
        except threading.BrokenBarrierError:
            raw["errors"].append("a learner never reached a meeting point (barrier broken)")
        raw["wall_s"] = time.monotonic() - wall0
        pressure1 = class_probe.cpu_pressure_us()
        if pressure0 is not None and pressure1 is not None:
            raw["cpu_pressure_s"] = (pressure1 - pressure0) / 1e6
        # Paid once, before anyone connects (imports, a preloaded fork server): not per learner.
        raw["server_start_cpu_s"] = cpu0[0]
        raw["server_cpu_s"] = class_probe.tree_cpu(server.pid) - cpu0[0]
        busy1 = class_probe.machine_busy()
        raw["machine_busy_s"] = busy1[0] - cpu0[1][0]
        raw["machine_total_s"] = busy1[1] - cpu0[1][1]
        raw["harness_cpu_s"] = _self_cpu() - cpu0[2]
        raw["load"] = {"start": load0[0], "end": class_probe.load_average()[0]}
        ours = {*class_probe.tree(server.pid), *class_probe.tree(os.getpid())}
        raw["busiest_others"] = class_probe.busiest(everyone0, class_probe.cpu_by_process(), ours)
        outcomes = []
        for _ in procs:
            try:
                outcomes.append(results.get(timeout=120))
            except queue.Empty:
                raw["errors"].append("a learner process never reported")
                break
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
                proc.join(5)
        sampler.stop()
        queue_sampler.stop()
        raw["load"]["max"] = sampler.load_max
        raw["idle_server"] = idle_memory.__dict__
        raw["peak_pss_kib"] = sampler.peak_pss_kib
        raw["peak_rss_kib"] = sampler.peak_rss_kib
        raw["peak_processes"] = sampler.peak_processes
        if learners == 1 and outcomes:
            marks = outcomes[0]["marks"]
            raw["phase_cpu_s"] = {
                phase: class_probe.cpu_between(sampler.samples, began, ended)
                for (phase, began), (_, ended) in zip(marks, marks[1:], strict=False)
            }
        for outcome in outcomes:  # the run queue while each key waited for its screen
            outcome["keys_runnable"] = [
                queue_sampler.mean_between(sent, sent + ms / 1000)
                for _, ms, sent in outcome["keys"]
            ]
        raw["outcomes"] = sorted(outcomes, key=lambda o: o["name"])
    return raw


def _learner_main(
    plan: class_learner.Plan, barriers: Any, burst_base: Any, start_base: Any, ready: Any,
    go: Any, results: Any,
) -> None:
    """A learner process: report ready, wait for the start, arrive at its offset, run."""
    with ready.get_lock():
        ready.value += 1
    go.wait()
    plan.arrive_at = start_base.value + plan.arrive_at
    class_learner.run(plan, barriers, burst_base, results)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.class_load", description=__doc__)
    parser.add_argument("--learners", type=int, nargs="+", default=list(DEFAULT_LEARNERS))
    parser.add_argument("--quick", action="store_true", help="5 learners, short pauses (CI)")
    parser.add_argument("--json", type=Path, default=RESULTS / "class_load.json")
    parser.add_argument("--server-python", default=sys.executable)
    parser.add_argument("--server-cwd", type=Path, default=ROOT)
    parser.add_argument("--stagger", type=float, default=10.0, help="arrivals over this many s")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.learners):
        parser.error("--learners: every N must be at least 1")
    if shutil.which("ssh") is None:
        print("class_load: the OpenSSH client is not installed (apt-get install openssh-client)")
        return 2
    if not args.server_cwd.is_dir():
        parser.error(f"--server-cwd: {args.server_cwd} is not a folder")
    if shutil.which(args.server_python) is None:
        parser.error(f"--server-python: {args.server_python} is not an executable")
    counts = list(QUICK_LEARNERS) if args.quick else args.learners
    context = run_context(args.quick) | {
        "server_python": args.server_python,
        "server_cwd": str(args.server_cwd.resolve()),
        "server_commit": _commit(args.server_cwd),
        "stagger_s": args.stagger,
    }
    runs: list[dict[str, Any]] = []
    for count in counts:
        print(f"class_load: {count} learner(s)...", flush=True)
        try:
            raw = run_class(count, args.server_python, args.server_cwd, args.stagger, args.quick)
        except (OSError, RuntimeError) as err:
            print(f"class_load: {str(err).splitlines()[0] if str(err) else type(err).__name__}")
            return 2
        runs.append(class_report.summarise(raw, os.cpu_count() or 1))
        class_report.write(args.json, context, runs)
    print(class_report.table(runs))
    return 0 if all(run["reached_quiz"] == run["learners"] for run in runs) else 1


def _commit(cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), "describe", "--always", "--dirty"],
            capture_output=True, text=True, timeout=10, check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
