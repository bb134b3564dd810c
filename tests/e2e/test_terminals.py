"""The lesson in odd terminals and under signals, through a real pty.

ASCII-only locales, the Linux console, NO_COLOR, SIGTERM, SIGHUP and Ctrl+C: the
program must draw what the terminal can show, keep the learner's progress and
give the terminal back clean.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from pathlib import Path

import pytest

from benchmarks.ptyharness import PtyApp, default_env

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
BRAILLE = re.compile("[\u2800-\u28ff]")


def lesson(progress: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "neuron_tui", "--progress", str(progress), *args]


def test_c_locale_gets_ascii_and_no_escapes(tmp_path: Path) -> None:
    env = default_env({"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0",
                       "PYTHONIOENCODING": None})
    with PtyApp(lesson(tmp_path / "p.json", "--part", "2"), env=env, cwd=ROOT) as app:
        app.wait_for("Part 02 - Build a neuron", timeout=START_TIMEOUT)
        app.press("right", "right", "right", "down", "right", "right", "right", "right")
        app.wait_for("w2", timeout=5)
        app.wait_quiet(0.5, timeout=10)
        output = app.output()
        assert all(byte < 0x80 for byte in output), "non-ASCII bytes reached the terminal"
        assert "\\u" not in app.text()
        assert "sigma(w1x1+w2x2+b)" in app.text()


def test_linux_console_draws_without_braille(tmp_path: Path) -> None:
    env = default_env({"TERM": "linux"})
    with PtyApp(lesson(tmp_path / "p.json", "--part", "1"), env=env, cwd=ROOT) as app:
        app.wait_for("Part 01", timeout=START_TIMEOUT)
        app.wait_quiet(0.5, timeout=10)
        assert not BRAILLE.search(app.text())
        assert "σ" in app.text() or "sigmoid" in app.text()


def test_no_color_still_tells_classes_apart(tmp_path: Path) -> None:
    env = default_env({"NO_COLOR": "1"})
    with PtyApp(lesson(tmp_path / "p.json", "--part", "2"), env=env, cwd=ROOT) as app:
        app.wait_for("Part 02", timeout=START_TIMEOUT)
        app.press("right", "right", "right", "right", "right", "down", *["right"] * 10)
        app.wait_for("92.5 %", timeout=5)
        app.wait_quiet(0.3, timeout=10)
        text = app.text()
        # The plot's own rows (left of the side panel): classes by glyph, and the three
        # wrong points as capitals, since without colour they cannot be amber.
        plot = [line.split("││")[0] for line in text.splitlines()
                if "┤" in line or line.startswith("│   │")]
        assert any("o" in row for row in plot) and any("x" in row for row in plot)
        assert any("O" in row or "X" in row for row in plot), text
        colours = re.findall(rb"\x1b\[[0-9;]*38;2;(\d+);(\d+);(\d+)", app.output())
        assert all(r == g == b for r, g, b in colours), "NO_COLOR output has hues"


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP])
def test_signals_save_progress_and_exit_cleanly(tmp_path: Path, signal_number: int) -> None:
    progress = tmp_path / "progress.json"
    with PtyApp(lesson(progress, "--part", "2"), cwd=ROOT) as app:
        app.wait_for("Part 02", timeout=START_TIMEOUT)
        app.press("3")
        app.wait_for("Part 03", timeout=10)
        app.wait_quiet(0.3, timeout=10)
        os.kill(app.pid, signal_number)
        code = app.wait(timeout=10)
        assert code == 0
        if signal_number == signal.SIGTERM:
            assert app.left_alternate_screen()
    saved = json.loads(progress.read_text())
    assert "part03" in saved["visited"] and saved["resume_page"] == "part03"


def test_ctrl_c_quits_with_progress_saved(tmp_path: Path) -> None:
    progress = tmp_path / "progress.json"
    with PtyApp(lesson(progress, "--part", "4"), cwd=ROOT) as app:
        app.wait_for("Part 04", timeout=START_TIMEOUT)
        app.send(b"\x03")
        assert app.wait(timeout=10) == 0
        assert app.left_alternate_screen()
    assert json.loads(progress.read_text())["resume_page"] == "part04"


def test_progress_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "neuron_tui", "--progress", str(tmp_path)],
        capture_output=True, text=True, timeout=30, cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "is a folder" in result.stderr
    assert "Traceback" not in result.stderr
