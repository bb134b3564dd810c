"""What one learner's terminal can make a lesson spend: typed floods and huge windows.

Each test drives the real lesson in a real pty and bounds its memory (peak RSS
of the process) and the time until it answers again.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from benchmarks.ptyharness import PtyApp

OPENING = "The neuron"
PART_TWO = "Part 02 · Build a neuron"
START = 30.0


def lesson(tmp_path: Path, cols: int = 80, rows: int = 24, **env: str) -> PtyApp:
    argv = [sys.executable, "-I", "-m", "neuron_tui", "--progress", str(tmp_path / "p.json")]
    return PtyApp(argv, cols=cols, rows=rows, env_overrides=env or None)


def flood(app: PtyApp, data: bytes, chunk: int = 4096) -> None:
    """Type `data` as fast as the pty takes it (keys, not a bracketed paste)."""
    for start in range(0, len(data), chunk):
        app.send(data[start : start + chunk])


def test_a_megabyte_of_typed_keys_is_dropped_not_queued(tmp_path: Path) -> None:
    with lesson(tmp_path) as app:
        app.wait_for(OPENING, timeout=START)
        app.press("2")
        app.wait_for(PART_TWO, timeout=10)
        app.wait_quiet(0.3, timeout=10)
        started = time.monotonic()
        flood(app, b"\x1b[C" * (1024 * 1024 // 3))  # a megabyte of Right
        # Keys past the backlog are dropped, so ask until the lesson hears "q".
        while app.running:
            assert time.monotonic() - started < 60, "the lesson did not answer after the flood"
            app.press("q")
            time.sleep(1)
        assert app.wait(timeout=10) == 0
        peak = app.peak_rss_kib()
        assert peak is not None and peak < 300 * 1024, f"peak RSS {peak} KiB"


def test_the_value_box_takes_a_sensible_number_of_characters(tmp_path: Path) -> None:
    with lesson(tmp_path) as app:
        app.wait_for(OPENING, timeout=START)
        app.press("2")
        app.wait_for(PART_TWO, timeout=10)
        app.wait_quiet(0.3, timeout=10)
        app.press("enter")
        app.wait_for("type a value", timeout=10)
        flood(app, b"7" * 100_000)
        app.send(b"\x1b")  # Escape keeps the old value
        app.wait_quiet(0.5, timeout=60)
        assert not any("7" * 30 in line for line in app.display())
        app.press("q")
        assert app.wait(timeout=30) == 0
        peak = app.peak_rss_kib()
        assert peak is not None and peak < 300 * 1024, f"peak RSS {peak} KiB"


def test_a_huge_window_is_drawn_at_a_capped_size_in_its_centre(tmp_path: Path) -> None:
    with lesson(tmp_path, cols=1000, rows=1000) as app:
        app.wait_for(OPENING, timeout=START)
        app.wait_quiet(0.5, timeout=30)
        first_screen = app.bytes_received
        screen = app.display()
        used = [row for row, line in enumerate(screen) if line.strip()]
        assert used and used[0] >= 400 and used[-1] < 600, (used[:1], used[-1:])
        columns = [len(line) - len(line.lstrip()) for line in screen if line.strip()]
        assert min(columns) >= 300
        app.press("2")
        app.wait_for(PART_TWO, timeout=20)
        app.wait_quiet(0.5, timeout=30)
        mark = app.mark()
        started = time.monotonic()
        app.press("t")  # "train this for me": an animation of the whole plot
        app.wait_quiet(2.0, timeout=120)
        assert time.monotonic() - started < 60
        assert app.bytes_since(mark) < 3_000_000
        app.press("q")
        assert app.wait(timeout=30) == 0
    assert first_screen < 400_000


def test_columns_and_lines_beyond_reason_draw_at_a_capped_size(tmp_path: Path) -> None:
    with lesson(tmp_path, COLUMNS="100000", LINES="100000") as app:
        app.wait_for(re.compile("neuron-tui"), timeout=START)
        app.press("q")
        assert app.wait(timeout=30) == 0
        peak = app.peak_rss_kib()
        assert peak is not None and peak < 300 * 1024, f"peak RSS {peak} KiB"
