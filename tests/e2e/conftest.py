"""Fixtures for the end-to-end tests of the classroom servers: start one, find its lessons.

A server runs as its own process (``python -m neuron_tui.serve ssh --port 0``)
with a private state folder; the port it got is read from the first line it
prints. Lesson processes are found by walking ``/proc`` for the server's
descendants (:mod:`neuron_tui.process.procfs`), zombies included, so a test can
check that none outlives its learner or is left unreaped. A lesson is told by
what it runs (:func:`neuron_tui.process.identity.is_lesson`): the server's fork
server and training worker are its descendants too, but run modules of their own.
"""

from __future__ import annotations

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
from neuron_tui.process.identity import is_lesson
from neuron_tui.process.procfs import cmdline, descendants

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
_LISTENING = re.compile(r"serving the lesson over SSH on (\S+):(\d+)")


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
        self._seen_lessons: set[int] = set()

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
        """Pids of the server's lessons now, unreaped ones (zombies) included.

        A zombie has no command line any more, so it counts when an earlier call saw
        it running as a lesson: a lesson the server forgets to reap stays counted.
        """
        found: list[int] = []
        for pid in descendants(self.pid, zombies=True):
            if is_lesson(cmdline(pid)):
                self._seen_lessons.add(pid)
            if pid in self._seen_lessons:
                found.append(pid)
        return found

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
