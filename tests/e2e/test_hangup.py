"""The lesson ends when its terminal goes away or a signal asks, whatever it is doing.

Through a real pty: SIGTERM/SIGHUP right after start (before the app is mounted)
and while a part is loading end with exit 0 and no "unexpected error"; closing
the terminal (the pty's other end) in the middle of a resize-and-key storm ends
the lesson within a couple of seconds, with its progress file intact.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from benchmarks.ptyharness import PtyApp, default_env
from neuron_tui.shutdown import GRACE_SECONDS, HANGUP_GRACE_SECONDS

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
#: The clean exit or the watchdog, plus time for a loaded machine to schedule it.
EXIT_WITHIN = GRACE_SECONDS + 3.0


def lesson(progress: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "neuron_tui", "--progress", str(progress), *args]


def assert_progress_intact(progress: Path) -> None:
    if progress.exists():
        assert isinstance(json.loads(progress.read_text(encoding="utf-8")), dict)


@pytest.mark.parametrize("delay", [0.15, 0.4])
def test_a_signal_before_the_app_is_mounted_exits_0(tmp_path: Path, delay: float) -> None:
    progress = tmp_path / "p.json"
    with PtyApp(lesson(progress), cols=80, rows=24, cwd=ROOT) as app:
        time.sleep(delay)
        os.kill(app.pid, signal.SIGTERM)
        assert app.wait(timeout=EXIT_WITHIN) == 0, app.format_screen()
    assert_progress_intact(progress)


@pytest.mark.parametrize(
    ("number", "key", "delay"),
    [(signal.SIGTERM, "2", 0.02), (signal.SIGTERM, "2", 0.2), (signal.SIGHUP, "3", 0.05),
     (signal.SIGHUP, "5", 0.1)],
)
def test_a_signal_while_a_part_loads_saves_and_exits_0(
    tmp_path: Path, number: int, key: str, delay: float
) -> None:
    progress = tmp_path / "p.json"
    with PtyApp(lesson(progress), cols=80, rows=24, cwd=ROOT) as app:
        app.wait_for("The neuron", timeout=START_TIMEOUT)
        app.wait_quiet(0.3)
        app.press(key)
        time.sleep(delay)
        os.kill(app.pid, number)
        assert app.wait(timeout=EXIT_WITHIN) == 0, app.format_screen()
        assert "unexpected error" not in app.text()
    assert_progress_intact(progress)


class BareTerminal:
    """The lesson on a pty whose other end this test can close (a hang-up)."""

    def __init__(self, argv: list[str]) -> None:
        self.master, slave = os.openpty()
        self.resize(80, 24, signal_group=False, fd=slave)
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=default_env(), cwd=ROOT,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.output = bytearray()
        self._hang_up = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        # Only this thread closes the master: closing it while another thread is
        # blocked reading it would not release it, and the lesson would see no hang-up.
        try:
            while not self._hang_up.is_set():
                if not select.select([self.master], [], [], 0.02)[0]:
                    continue
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    return
                if not data:
                    return
                self.output += data
        finally:
            os.close(self.master)

    def resize(self, cols: int, rows: int, signal_group: bool = True, fd: int = -1) -> None:
        fcntl.ioctl(self.master if fd < 0 else fd, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
        if signal_group:
            os.killpg(self.process.pid, signal.SIGWINCH)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def hang_up(self) -> None:
        """Close the terminal's other end, as a closed window or SSH connection does."""
        self._hang_up.set()
        self._reader.join(5)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_hang_up_during_a_resize_and_key_storm_ends_the_lesson(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    progress = tmp_path / "p.json"
    terminal = BareTerminal(lesson(progress))
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while b"neuron" not in terminal.output:
            assert time.monotonic() < deadline, "the lesson never started"
            time.sleep(0.05)
        time.sleep(0.5)
        storm_end = time.monotonic() + rng.uniform(0.3, 1.5)
        while time.monotonic() < storm_end:
            terminal.resize(*rng.choice([(80, 24), (120, 40), (60, 20), (200, 60), (45, 14)]))
            terminal.send(rng.choice([b"2", b"3", b"5", b"\x1b[C", b"n", b"p", b"\r", b"t", b"?"])
                          * rng.randint(1, 4))
            time.sleep(0.01)
        terminal.hang_up()
        hung_up = time.monotonic()
        code = terminal.process.wait(timeout=HANGUP_GRACE_SECONDS + 4.0)
        assert code == 0
        assert time.monotonic() - hung_up < HANGUP_GRACE_SECONDS + 4.0
    finally:
        terminal.kill()
    assert_progress_intact(progress)
