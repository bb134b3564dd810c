"""SIGTERM and SIGHUP end the lesson at any moment, and a watchdog makes sure it ends.

A closed SSH connection or terminal window sends SIGHUP; a server or an admin sends
SIGTERM. Either must end the lesson within a couple of seconds whatever it is doing:
starting up, loading a part, drawing, or shutting down. Hence:

- the handlers are plain `signal.signal` handlers installed by the command line
  before the slow imports, not asyncio's (those only run when the event loop is
  free, and a shutdown stuck inside Textual never frees it);
- before the app's event loop has attached, a signal ends the process at once with
  exit 0 (there is nothing unsaved yet); once attached, the app's callback saves and
  exits cleanly through the loop;
- every signal also arms a watchdog thread that ends the process with exit 0 after
  `GRACE_SECONDS` if the clean way stalls. Progress is saved on every change, so
  the watchdog loses nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # asyncio costs ~0.1 s to import; these handlers go in before it
    import asyncio
    from types import FrameType

#: How long a clean exit may take after a signal before the watchdog ends the process.
GRACE_SECONDS = 2.0
#: After a hang-up there is no terminal left to restore: only the save matters.
HANGUP_GRACE_SECONDS = 1.0

#: The signals that end the lesson cleanly (Ctrl+C is a key inside the lesson).
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class SignalExit:
    """Routes SIGTERM/SIGHUP to the running lesson, or ends the process if there is none."""

    def __init__(
        self, grace: float = GRACE_SECONDS, hangup_grace: float = HANGUP_GRACE_SECONDS
    ) -> None:
        self.grace = grace
        self.hangup_grace = hangup_grace
        #: The first exit signal received, if any.
        self.received: int | None = None
        #: Whether a lesson app is starting: a signal then waits for it to attach.
        self.app_starting = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._callback: Callable[[int], None] | None = None
        self._watchdog: threading.Thread | None = None

    @contextlib.contextmanager
    def installed(self) -> Iterator[SignalExit]:
        """Handle the exit signals inside the block (the old handlers come back after)."""
        previous = {number: signal.getsignal(number) for number in EXIT_SIGNALS}
        self.received = None
        self.app_starting = False
        self._loop = self._callback = None
        self.install()
        try:
            yield self
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            self._loop = self._callback = None

    def install(self) -> None:
        """Handle the exit signals from now on (main thread only)."""
        for number in EXIT_SIGNALS:
            signal.signal(number, self._on_signal)

    def attach(self, loop: asyncio.AbstractEventLoop, callback: Callable[[int], None]) -> None:
        """From now on a signal calls `callback(signal_number)` in `loop`.

        A signal that came while the app was starting is delivered now.
        """
        self._loop, self._callback = loop, callback
        if self.received is not None:
            loop.call_soon(callback, self.received)

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        first = self.received is None
        if first:
            self.received = number
        self.arm_watchdog(self.hangup_grace if number == signal.SIGHUP else self.grace)
        if not first:
            return
        if self._loop is not None and self._callback is not None:
            with contextlib.suppress(RuntimeError):  # the loop just closed: exit below
                self._loop.call_soon_threadsafe(self._callback, number)
                return
        if not self.app_starting or self._loop is not None:
            raise SystemExit(0)
        # The app is starting: it takes the signal up as soon as it attaches.

    def arm_watchdog(self, seconds: float) -> None:
        """End the process with exit 0 in `seconds` (once; later calls do nothing)."""
        if self._watchdog is not None:
            return
        self._watchdog = threading.Thread(
            target=self._expire, args=(seconds,), name="neuron-tui-exit-watchdog", daemon=True
        )
        self._watchdog.start()

    @staticmethod
    def _expire(seconds: float) -> None:
        time.sleep(seconds)
        os._exit(0)


#: The command line's handler; the app attaches to it when its event loop runs.
SIGNALS = SignalExit()
