"""The benchmarks' pty harness reads its emulated screen row by row, redrawing only the rows
pyte marked dirty: what it matches must stay exactly what pyte's own `display` shows."""

from __future__ import annotations

import random

import pyte
import pytest

from benchmarks.ptyharness import PtyApp

#: Pieces of terminal output: text, wide and combining characters, braille, cursor moves,
#: erasing a line or the screen, scrolling past the bottom, and a resize-sized clear.
PIECES = [
    b"hello", b"\x1b[2J", b"\x1b[5;10Hworld", "\u00e9\u4e2d\u6587x".encode(),
    b"\r\n" * 30, b"\x1b[K", b"\x1b[3;1H\x1b[2K", "\u2809\u2812\u2502".encode(),
    b"\x1b[24;79Hzz", b"\x1b[1;1H\x1b[0J", "e\u0301".encode(), b"\x1b[10;1H\x1b[1K",
]


def screen_reader(cols: int, rows: int) -> PtyApp:
    """A harness whose emulator is fed by hand (no program behind it)."""
    return PtyApp(["true"], cols=cols, rows=rows)


@pytest.mark.parametrize("seed", range(4))
def test_the_row_cache_matches_pytes_display_after_any_output(seed: int) -> None:
    rng = random.Random(seed)
    app = screen_reader(80, 24)
    stream = pyte.ByteStream(app._screen)
    for step in range(800):
        stream.feed(rng.choice(PIECES))
        if rng.random() < 0.3:  # the harness does not look after every read
            continue
        assert app._screen_text() == "\n".join(app._screen.display), f"step {step}"


def test_a_resized_screen_is_read_whole_again() -> None:
    app = screen_reader(80, 24)
    stream = pyte.ByteStream(app._screen)
    stream.feed(b"\x1b[24;1Hbottom line")
    assert "bottom line" in app._screen_text()
    app._screen.resize(30, 100)
    stream.feed(b"\x1b[30;1Hnew bottom")
    assert app._screen_text() == "\n".join(app._screen.display)
