"""The terminal driver the lesson runs on: a bounded key backlog and a capped drawing size.

Two things a learner's terminal can send would otherwise cost without limit:

- **Typed floods.** Every key becomes an event queued for the app. A megabyte
  typed as keys (not pasted) queued a million events: minutes at a full core
  and gigabytes of memory. :class:`KeyBacklog` lets at most
  :data:`KEY_BACKLOG` keys wait for the lesson; keys beyond that are dropped in
  the input thread, before any event exists.
- **Huge windows.** Drawing cost grows with the window's area (a 1000×1000
  window made one "train this for me" cost 41 s of CPU), and
  ``COLUMNS=100000 LINES=100000`` asked for ten billion cells. Beyond
  :data:`MAX_DRAW_COLUMNS` × :data:`MAX_DRAW_ROWS` the lesson draws at that
  size, centred in the real window; mouse positions are moved to match.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from typing import Any

from textual import events
from textual.driver import Driver
from textual.geometry import Size

from neuron_tui.compat import filter_terminal_size

__all__ = [
    "KEY_BACKLOG",
    "MAX_DRAW_COLUMNS",
    "MAX_DRAW_ROWS",
    "KeyBacklog",
    "capped_size",
    "lesson_driver_class",
]

#: Widest and tallest the lesson draws; more is beyond what a person reads at once.
MAX_DRAW_COLUMNS = 300
MAX_DRAW_ROWS = 100
#: Keys that may wait for the lesson at once (about a second of key repeat).
KEY_BACKLOG = 32

# Textual positions every line it draws with CUP (ESC [ row ; column H).
_CURSOR_TO = re.compile(r"\x1b\[(\d+);(\d+)H")


def capped_size(columns: int, rows: int) -> tuple[int, int]:
    """The size the lesson draws at for a window of `columns` × `rows`."""
    return min(columns, MAX_DRAW_COLUMNS), min(rows, MAX_DRAW_ROWS)


class KeyBacklog:
    """Counts keys on their way to the lesson; `offer` refuses one when too many wait."""

    def __init__(self, limit: int = KEY_BACKLOG) -> None:
        self.limit = limit
        self.dropped = 0
        self._waiting = 0
        self._lock = threading.Lock()

    def offer(self) -> bool:
        """A key arrived (input thread): True to pass it on, False to drop it."""
        with self._lock:
            if self._waiting >= self.limit:
                self.dropped += 1
                return False
            self._waiting += 1
            return True

    def done(self) -> None:
        """The lesson has taken a key (event loop)."""
        with self._lock:
            self._waiting = max(0, self._waiting - 1)


def _real_window() -> tuple[int, int] | None:
    """The terminal's own size from the kernel (ignores COLUMNS and LINES), if any."""
    for stream in (sys.__stdout__, sys.__stderr__, sys.__stdin__):
        try:
            size = os.get_terminal_size(stream.fileno())  # type: ignore[union-attr]
        except (AttributeError, OSError, ValueError):
            continue
        return size.columns, size.lines
    return None


def lesson_driver_class(base: type[Driver], backlog: KeyBacklog) -> type[Driver]:
    """`base` (Textual's driver for this platform) with the bounds above."""

    class LessonDriver(base):  # type: ignore[valid-type, misc]
        """Textual's driver, dropping keys past the backlog and drawing at a capped size."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.draw_offset = (0, 0)
            self._clear_before_next_write = False

        def place(self, window: tuple[int, int] | None, drawn: tuple[int, int]) -> None:
            """Centre a drawing of size `drawn` in a window of size `window`."""
            offset = (0, 0)
            if window is not None:
                offset = (max(0, (window[0] - drawn[0]) // 2), max(0, (window[1] - drawn[1]) // 2))
            if offset != self.draw_offset:
                self.draw_offset = offset
                # Mouse positions arrive in window cells: Textual subtracts this origin.
                self.cursor_origin = offset if offset != (0, 0) else None
                self._clear_before_next_write = True

        def process_message(self, message: Any) -> None:
            if isinstance(message, events.Key) and not backlog.offer():
                return
            if isinstance(message, events.Resize):
                window = (message.size.width, message.size.height)
                drawn = capped_size(*window)
                if drawn != window:
                    self.place(window, drawn)
                    message = events.Resize(Size(*drawn), Size(*drawn))
                else:
                    self.place(None, drawn)
            super().process_message(message)

        def write(self, data: str) -> None:
            column, row = self.draw_offset
            if column or row:
                data = _CURSOR_TO.sub(
                    lambda match: f"\x1b[{int(match[1]) + row};{int(match[2]) + column}H", data
                )
            if self._clear_before_next_write:
                self._clear_before_next_write = False
                data = "\x1b[2J" + data
            super().write(data)

    def size_filter(driver: Any, size: tuple[int, int]) -> tuple[int, int]:
        drawn = capped_size(*size)
        driver.place(_real_window() if drawn != size else None, drawn)
        return drawn

    return filter_terminal_size(LessonDriver, size_filter)  # type: ignore[no-any-return]
