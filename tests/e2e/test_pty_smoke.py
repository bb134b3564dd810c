"""Smoke tests of the real command line, through a real pty read by pyte.

The lesson is started exactly as a learner starts it (``python -m neuron_tui``)
at 80×24 with ``TERM=xterm-256color`` and ``TEXTUAL_THEME`` cleared; the screen
is read back through :mod:`benchmarks.ptyharness`. Each test takes a few
seconds at most.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.ptyharness import PtyApp, default_env

ROOT = Path(__file__).resolve().parents[2]
LESSON = [sys.executable, "-m", "neuron_tui"]
HELLO = [sys.executable, str(ROOT / "benchmarks" / "hello_app.py")]
OPENING_TEXT = "The neuron"
# The opening screen's menu already lists "02 Build a neuron": wait for the header.
PART_TWO_TEXT = "Part 02 · Build a neuron"
START_TIMEOUT = 20.0
ALT_SCREEN_ON = b"\x1b[?1049h"
ALT_SCREEN_OFF = b"\x1b[?1049l"
# After leaving the alternate screen Textual still resets modes (cursor shown,
# mouse and focus reporting off): escape sequences only, nothing printable.
TRAILING_MODE_RESETS = re.compile(rb"(?:\x1b\[[0-9;?<>=]*[A-Za-z])*")


def run_cli(*args: str, timeout: float = 20.0) -> subprocess.CompletedProcess[str]:
    """Run the lesson's command line without a terminal."""
    return subprocess.run(
        [*LESSON, *args],
        cwd=ROOT,
        env=default_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_terminal_restored(output: bytes) -> None:
    """The last alternate-screen switch leaves it, and only mode resets follow."""
    assert ALT_SCREEN_ON in output, "the app never entered the alternate screen"
    last_off = output.rfind(ALT_SCREEN_OFF)
    assert last_off > output.rfind(ALT_SCREEN_ON), (
        f"alternate screen not left at exit; output ends {output[-200:]!r}"
    )
    tail = output[last_off + len(ALT_SCREEN_OFF) :]
    assert TRAILING_MODE_RESETS.fullmatch(tail), f"unexpected output after exit: {tail!r}"


def test_opening_screen_part_two_and_quit() -> None:
    with PtyApp(LESSON, cols=80, rows=24, cwd=ROOT) as app:
        app.wait_for(OPENING_TEXT, timeout=START_TIMEOUT)
        app.wait_for("Part", timeout=5)
        assert PART_TWO_TEXT not in app.text()
        app.press("2")
        app.wait_for(PART_TWO_TEXT, timeout=5)
        app.press("q")
        assert app.wait(timeout=5) == 0
        assert_terminal_restored(app.output())


def test_part_out_of_range_is_a_one_line_error() -> None:
    result = run_cli("--part", "9")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message, "no error message on stderr"
    assert len(message.splitlines()) == 1, message
    assert "part" in message.lower()


def test_version_prints_package_version() -> None:
    from neuron_tui import __version__

    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert __version__ in result.stdout


def test_help_mentions_part() -> None:
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    assert "--part" in result.stdout


# --------------------------------------------------------------------- the harness itself


def test_harness_against_hello_app() -> None:
    with PtyApp(HELLO, cols=80, rows=24, cwd=ROOT) as app:
        pid = app.pid
        first = app.wait_for("Hello, world", timeout=START_TIMEOUT)
        assert 0 < first < START_TIMEOUT
        assert app.bytes_received > 0
        assert len(app.display()) == 24
        assert all(len(line) == 80 for line in app.display())
        assert app.wait_for("Hello, world", timeout=0) == first  # already visible: same time
        app.wait_quiet(0.2, timeout=10)
        mark = app.mark()
        app.resize(100, 30)
        app.wait_quiet(0.3, timeout=10)
        assert app.bytes_since(mark) > 0, "no redraw after resize"
        assert len(app.display()) == 30 and len(app.display()[0]) == 100
        app.press("q")
        assert app.wait(timeout=5) == 0
        assert_terminal_restored(app.output())
    assert app.returncode == 0
    with pytest.raises(ChildProcessError):  # already reaped by the harness
        os.waitpid(pid, 0)
    rss = app.peak_rss_kib()
    assert rss is not None and rss > 10 * 1024


def test_harness_close_kills_and_reaps() -> None:
    with PtyApp(HELLO, cols=80, rows=24, cwd=ROOT) as app:
        app.wait_for("Hello", timeout=START_TIMEOUT)
    assert app.returncode is not None and app.returncode != 0  # stopped by a signal
    assert not app.running
    assert (app.peak_rss_kib() or 0) > 10 * 1024


def test_harness_gives_a_controlling_terminal_of_the_right_size() -> None:
    probe = (
        "import os, shutil; open('/dev/tty').close(); "
        "print('ctty', os.tcgetpgrp(0) == os.getpgrp(), 'size', *shutil.get_terminal_size())"
    )
    with PtyApp([sys.executable, "-c", probe], cols=91, rows=17) as app:
        app.wait_for("size", timeout=10)
        assert app.wait(timeout=5) == 0
        assert "ctty True size 91 17" in app.text()


def test_harness_reports_early_exit_with_a_screen_dump() -> None:
    start = time.monotonic()
    with PtyApp([sys.executable, "-c", "print('boom')"]) as app:
        with pytest.raises(TimeoutError, match="boom"):
            app.wait_for("never shown", timeout=10)
    assert time.monotonic() - start < 5  # fails fast, not at the timeout
