"""Fixtures for the end-to-end tests of the classroom servers: start one, find its lessons.

A server runs as its own process (``python -m neuron_tui.serve ssh --port 0``)
with a private state folder; the port it got is read from the first line it
prints. Lesson processes are found by walking ``/proc`` for the server's
descendants, so a test can check that none outlives its learner.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from benchmarks.ptyharness import default_env

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
_LISTENING = re.compile(r"serving the lesson over SSH on (\S+):(\d+)")


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, ppid) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    fields = stat[stat.rindex(b")") + 2 :].split()
    return fields[0].decode(), int(fields[1])


def descendants(root: int) -> list[int]:
    """Pids of every process below `root` (zombies included: they are not reaped yet)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _stat(int(entry))
            if info is not None:
                children.setdefault(info[1], []).append(int(entry))
    found: list[int] = []
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def cmdline(pid: int) -> list[str]:
    """A process's argv, or [] when it is gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [part.decode(errors="replace") for part in fh.read().split(b"\0") if part]
    except OSError:
        return []


def environ(pid: int) -> dict[str, str]:
    """A process's environment (as it was at exec)."""
    with open(f"/proc/{pid}/environ", "rb") as fh:
        pairs = [item.split(b"=", 1) for item in fh.read().split(b"\0") if b"=" in item]
    return {key.decode(): value.decode(errors="replace") for key, value in pairs}


class ServerProcess:
    """A classroom SSH server in its own process, stopped and reaped by :meth:`stop`."""

    def __init__(self, state_dir: Path, args: Sequence[str] = (), argv: Sequence[str] = ()) -> None:
        self.state_dir = state_dir
        self.argv = list(argv) or [
            sys.executable,
            "-m",
            "neuron_tui.serve",
            "ssh",
            "--port",
            "0",
            "--state-dir",
            str(state_dir),
            *args,
        ]
        self.lines: list[str] = []
        self.port = 0
        self.proc: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    def start(self, timeout: float = 20.0) -> ServerProcess:
        """Start the server and wait until it listens."""
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=default_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        listening = threading.Event()

        def read() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                match = _LISTENING.search(line)
                if match:
                    self.port = int(match.group(2))
                    listening.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not listening.wait(timeout):
            self.stop()
            raise RuntimeError("the SSH server did not start:\n" + self.log)
        return self

    @property
    def pid(self) -> int:
        """The server's process id."""
        assert self.proc is not None
        return self.proc.pid

    @property
    def log(self) -> str:
        """Everything the server printed so far."""
        return "\n".join(self.lines)

    def lessons(self) -> list[int]:
        """Pids of the lesson processes the server runs now (zombies included)."""
        return [pid for pid in descendants(self.pid) if "neuron_tui" in " ".join(cmdline(pid))]

    def wait_for_lessons(self, count: int, timeout: float = 10.0) -> list[int]:
        """Wait until exactly `count` lessons run; returns their pids."""
        deadline = time.monotonic() + timeout
        while True:
            pids = self.lessons()
            if len(pids) == count:
                return pids
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(pids)} lessons running, not {count}\n{self.log}")
            time.sleep(0.05)

    def wait_for_log(self, text: str, timeout: float = 10.0) -> None:
        """Wait until the server has printed a line containing `text`."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not in the server's log:\n{self.log}")
            time.sleep(0.05)

    def stop(self) -> int | None:
        """SIGTERM (the server ends its lessons), then SIGKILL if it hangs; reap it."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self._reader is not None:
            self._reader.join(2)
        return self.proc.returncode


def ssh_options(port: int) -> list[str]:
    """Client options for a throw-away test server: no config, no known_hosts, quiet."""
    return [
        "-F",
        "/dev/null",
        "-p",
        str(port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "ConnectTimeout=10",
    ]


def ssh_argv(port: int, user: str = "ada", *extra: str, tty: bool = True) -> list[str]:
    """`ssh -tt ... user@127.0.0.1 [extra]`: a learner's client."""
    return ["ssh", "-tt" if tty else "-T", *ssh_options(port), f"{user}@127.0.0.1", *extra]


@pytest.fixture(scope="session")
def ssh_client() -> str:
    """The OpenSSH client (installed by .ci/run from .ci/apt-packages.txt)."""
    path = shutil.which("ssh")
    if path is None:
        pytest.skip("the OpenSSH client is not installed: apt-get install openssh-client")
    return path


@pytest.fixture(scope="module")
def ssh_server(
    tmp_path_factory: pytest.TempPathFactory, ssh_client: str
) -> Iterator[ServerProcess]:
    """A no-password server on 127.0.0.1 shared by a module's tests."""
    server = ServerProcess(
        tmp_path_factory.mktemp("ssh-state"), ["--max-sessions", "30", "--max-per-address", "30"]
    ).start()
    try:
        yield server
    finally:
        server.stop()
        assert not server.lessons(), "lessons outlived the server"


@pytest.fixture
def start_server(tmp_path: Path, ssh_client: str) -> Iterator[Callable[..., ServerProcess]]:
    """Start servers with particular flags; every one is stopped after the test."""
    started: list[ServerProcess] = []

    def start(*args: str, argv: Sequence[str] = ()) -> ServerProcess:
        folder = tmp_path / f"server{len(started)}"
        server = ServerProcess(folder, args, argv)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
