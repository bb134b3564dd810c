"""Bytes on the wire for one learner of `neuron-tui serve ssh`, with and without compression.

A classroom SSH server runs on 127.0.0.1 (``--allow-uncompressed``, so both
kinds of client get in); the real OpenSSH client connects at 80×24 through a
small TCP relay that counts every byte of TCP payload in both directions. For
``ssh -o Compression=yes`` (zlib@openssh.com) and ``Compression=no`` (none) it
reports: first paint (connection, key exchange, login and the opening screen
until it is quiet), one Part 02 slider step (median of 20, alternating
Right/Left on w₁), a whole "train this for me" (``t`` until "Converged" and
quiet), and 10 s idle. ``app`` columns are the lesson's own terminal output
as the client's pty receives it (before encryption and compression).

Usage::

    python -m benchmarks.ssh_bytes [--steps 20] [--idle 10] [--low-bandwidth] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.ptyharness import PtyApp, default_env, repo_root

OPENING = "The neuron"
PART_TWO = "Part 02 · Build a neuron"


class CountingRelay:
    """A TCP relay on 127.0.0.1 that counts payload bytes each way (thread-safe reads)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.up = 0  # client -> server
        self.down = 0  # server -> client
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> CountingRelay:
        self._thread.start()
        self._ready.wait(10)
        return self

    def total(self) -> tuple[int, int]:
        """(down, up) so far."""
        return self.down, self.up

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)

        async def pipe(
            source: asyncio.StreamReader, sink: asyncio.StreamWriter, downstream: bool
        ) -> None:
            try:
                while data := await source.read(65536):
                    if downstream:
                        self.down += len(data)
                    else:
                        self.up += len(data)
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))


def start_server(state: Path, extra: list[str]) -> tuple[subprocess.Popen[str], int]:
    """The classroom server on a free port, accepting compressed and plain clients."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "neuron_tui.serve",
            "ssh",
            "--port",
            "0",
            "--state-dir",
            str(state),
            "--allow-uncompressed",
            *extra,
        ],
        cwd=repo_root(),
        env=default_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "serving the lesson over SSH on" in line:
            port = int(line.rsplit(":", 1)[1])
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, port
    raise RuntimeError("the SSH server did not start")


def measure(relay: CountingRelay, compression: bool, steps: int, idle: float) -> dict[str, Any]:
    """One learner's session through the relay; bytes per phase."""
    argv = [
        "ssh",
        "-tt",
        "-F",
        "/dev/null",
        "-p",
        str(relay.port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        f"Compression={'yes' if compression else 'no'}",
        f"bench-{'z' if compression else 'n'}-{time.monotonic_ns()}@127.0.0.1",
    ]
    results: dict[str, Any] = {}

    def since(mark: tuple[int, int], app_mark: int, app: PtyApp) -> dict[str, int]:
        down, up = relay.total()
        return {"down": down - mark[0], "up": up - mark[1], "app": app.bytes_since(app_mark)}

    with PtyApp(argv, cols=80, rows=24) as app:
        start = relay.total()
        app.wait_for(OPENING, timeout=30)
        app.wait_quiet(0.5, timeout=30)
        results["first_paint"] = since(start, 0, app)

        app.press("2")
        app.wait_for(PART_TWO, timeout=20)
        app.wait_for("w₁", timeout=20)
        app.wait_quiet(0.5, timeout=20)
        step_sizes = []
        for index in range(steps):
            mark, app_mark = relay.total(), app.mark()
            app.press("right" if index % 2 == 0 else "left")
            app.wait_quiet(0.3, timeout=10)
            step_sizes.append(since(mark, app_mark, app))
        results["slider_step_median"] = {
            key: int(statistics.median(step[key] for step in step_sizes))
            for key in ("down", "up", "app")
        }

        mark, app_mark = relay.total(), app.mark()
        app.press("t")
        app.wait_for("Converged", timeout=120)
        app.wait_quiet(0.5, timeout=30)
        results["train_for_me"] = since(mark, app_mark, app)

        mark, app_mark = relay.total(), app.mark()
        time.sleep(idle)
        results[f"idle_{idle:g}s"] = since(mark, app_mark, app)
        app.press("q")
        app.wait(timeout=10)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--low-bandwidth", action="store_true", help="serve with `serve ssh --low-bandwidth`"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        proc, port = start_server(Path(folder), ["--low-bandwidth"] if args.low_bandwidth else [])
        relay = CountingRelay(port).start()
        try:
            report = {
                "zlib": measure(relay, True, args.steps, args.idle),
                "none": measure(relay, False, args.steps, args.idle),
            }
        finally:
            relay.stop()
            proc.terminate()
            proc.wait(15)

    phases = list(report["zlib"])
    print("bytes on the TCP connection, 80x24, OpenSSH client (down = server->client)")
    print(
        f"{'phase':<22}{'zlib down':>11}{'up':>7}{'none down':>11}{'up':>7}{'ratio':>7}{'app':>8}"
    )
    for phase in phases:
        z, n = report["zlib"][phase], report["none"][phase]
        ratio = (n["down"] + n["up"]) / max(1, z["down"] + z["up"])
        print(
            f"{phase:<22}{z['down']:>11}{z['up']:>7}{n['down']:>11}{n['up']:>7}"
            f"{ratio:>6.1f}x{n['app']:>8}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
