"""One learner's lesson process in its own pseudo-terminal, driven from asyncio.

:class:`LessonChild` spawns the lesson as the leader of a new session whose
controlling terminal is a fresh pty (:func:`neuron_tui.process.pty.start_on_pty`), so
window changes (``TIOCSWINSZ`` on the master: the kernel sends ``SIGWINCH``)
and hang-ups reach it. Output is read from the master with ``loop.add_reader``
and can be paused while the consumer is full (back-pressure); input is written
without ever blocking the event loop. :meth:`LessonChild.terminate` ends the
whole process group (SIGHUP, then SIGTERM, then SIGKILL) and always reaps it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from neuron_tui.process.pty import (
    ending_signals,
    kill_group_leftovers,
    read_pty,
    reap_adopted,
    set_window_size,
    signal_group,
    start_on_pty,
    try_reap,
)

if TYPE_CHECKING:
    from neuron_tui.serve.forkserver import ForkServer

__all__ = ["LessonChild"]

#: Input waiting for the pty beyond this many bytes asks the sender to pause.
INPUT_HIGH_WATER = 64 * 1024


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """A terminal size the kernel and the lesson accept (1..1000 each, 80×24 if unknown)."""
    cols = cols if 0 < cols <= 1000 else 80
    rows = rows if 0 < rows <= 1000 else 24
    return cols, rows


class LessonChild:
    """A program running in its own pty, with asyncio-friendly I/O and a safe end.

    Args:
        argv: the program and its arguments (no shell).
        env: its whole environment (nothing is inherited).
        cols, rows: the window size it starts with.
        cwd: its working directory.
        on_output: called with each chunk the program writes to its terminal.
        on_exit: called once with the exit code (negative: ended by that signal)
            when the program has ended and its output has been read.
        forkserver: forks the lesson from a preloaded process when it can
            (:mod:`neuron_tui.serve.forkserver`); otherwise it is spawned directly.
    """

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        cols: int,
        rows: int,
        cwd: Path,
        on_output: Callable[[bytes], None],
        on_exit: Callable[[int], None],
        forkserver: ForkServer | None = None,
    ) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.cols, self.rows = clamp_size(cols, rows)
        self.cwd = cwd
        self._on_output = on_output
        self._on_exit = on_exit
        self._loop = asyncio.get_running_loop()
        self.pid: int | None = None
        self._master: int | None = None
        self._pidfd: int | None = None
        self._reading = False
        self._paused = False
        self._output_done = False
        self._status: int | None = None
        self._exit_reported = False
        self._pending_input = bytearray()
        self._writer_registered = False
        self._poll_handle: asyncio.TimerHandle | None = None
        self._on_input_drained: Callable[[], None] | None = None
        self._forkserver = forkserver
        #: Whether the lesson was forked from the preloaded fork server.
        self.preforked = False
        #: Set once :meth:`start` has finished, whether the lesson started or not.
        self._start_done = asyncio.Event()

    # ------------------------------------------------------------------ start

    async def start(self) -> None:
        """Start the program in a new session on a new pty of the requested size.

        Forked by the fork server when it can (its answer is awaited: other
        learners are not held up), else spawned directly. Input and a new size
        that arrive meanwhile are kept and passed on once it runs.
        """
        try:
            await self._start()
        finally:
            self._start_done.set()

    async def _start(self) -> None:
        size = (self.cols, self.rows)
        started = None
        if self._forkserver is not None:
            started = await self._forkserver.start_on_pty(
                self.argv, self.env, cols=self.cols, rows=self.rows, cwd=self.cwd
            )
        self.preforked = started is not None
        if started is None:
            size = (self.cols, self.rows)
            started = start_on_pty(
                self.argv, self.env, cols=self.cols, rows=self.rows, cwd=self.cwd
            )
        self.pid, master = started
        self._master = master
        os.set_blocking(master, False)
        if (self.cols, self.rows) != size:  # resized while it started
            self.resize(self.cols, self.rows)
        try:
            self._pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            self._pidfd = None
        if self._pidfd is not None:
            self._loop.add_reader(self._pidfd, self._on_pidfd)
        else:  # pragma: no cover - kernels before 5.3
            self._schedule_poll()
        self._start_reading()
        self._flush_input()  # what the learner typed while it started

    # ------------------------------------------------------------------ output

    def _start_reading(self) -> None:
        if self._master is not None and not self._reading and not self._output_done:
            self._loop.add_reader(self._master, self._read_ready)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._master is not None and self._reading:
            self._loop.remove_reader(self._master)
        self._reading = False

    def pause_output(self) -> None:
        """Stop reading the program's output (the consumer is full)."""
        self._paused = True
        self._stop_reading()

    def resume_output(self) -> None:
        """Read the program's output again."""
        self._paused = False
        self._start_reading()

    def _read_ready(self) -> None:
        assert self._master is not None
        data = read_pty(self._master)
        if data is None:
            return
        if data:
            self._on_output(data)
            return
        self._output_done = True
        self._stop_reading()
        self._maybe_report_exit()

    # ------------------------------------------------------------------ input

    def write(self, data: bytes) -> bool:
        """Send bytes to the program's terminal; False when the sender should pause.

        Never blocks: what the pty cannot take now (or before the program has
        started) is kept and written when it can.
        """
        if self._status is not None or (self._master is None and self.pid is not None):
            return True  # it has ended
        self._pending_input += data
        self._flush_input()
        return len(self._pending_input) <= INPUT_HIGH_WATER

    def set_input_drained_callback(self, callback: Callable[[], None] | None) -> None:
        """`callback` is called when pending input falls back below the high-water mark."""
        self._on_input_drained = callback

    def _flush_input(self) -> None:
        if self._master is None:
            return
        was_full = len(self._pending_input) > INPUT_HIGH_WATER
        while self._pending_input:
            try:
                written = os.write(self._master, self._pending_input)
            except BlockingIOError:
                break
            except OSError:
                self._pending_input.clear()
                break
            del self._pending_input[:written]
        if self._pending_input and not self._writer_registered:
            self._loop.add_writer(self._master, self._flush_input)
            self._writer_registered = True
        elif not self._pending_input and self._writer_registered:
            self._loop.remove_writer(self._master)
            self._writer_registered = False
        if was_full and len(self._pending_input) <= INPUT_HIGH_WATER and self._on_input_drained:
            self._on_input_drained()

    # ------------------------------------------------------------------ size

    def resize(self, cols: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> None:
        """Set the window size; the kernel sends SIGWINCH to the program."""
        self.cols, self.rows = clamp_size(cols, rows)
        if self._master is not None:
            with contextlib.suppress(OSError):
                set_window_size(self._master, self.cols, self.rows, xpixels, ypixels)

    # ------------------------------------------------------------------ exit

    @property
    def running(self) -> bool:
        """True until the program has been reaped."""
        return self.pid is not None and self._status is None

    @property
    def returncode(self) -> int | None:
        """The exit code once reaped (negative: the signal that ended it)."""
        return None if self._status is None else os.waitstatus_to_exitcode(self._status)

    def _reap(self) -> bool:
        """Reap the program if it has ended (never blocks); True once reaped."""
        if self._status is not None:
            return True
        if self.pid is None:
            return False
        reaped = try_reap(self.pid)  # someone else reaping it (should not) reads as 0
        if reaped is None:
            return False
        self._status = reaped[0]
        self._release_pidfd()
        return True

    def _release_pidfd(self) -> None:
        if self._pidfd is not None:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        if self._poll_handle is not None:
            self._poll_handle.cancel()
            self._poll_handle = None

    def _on_pidfd(self) -> None:
        if self._reap():
            # Output still in the pty is read before the end is reported, unless the
            # reader is paused: then give it a moment, and report anyway.
            if not self._output_done:
                self._loop.call_later(0.5, self._finish_output)
            self._maybe_report_exit()

    def _schedule_poll(self) -> None:  # pragma: no cover - kernels without pidfd
        def poll() -> None:
            self._poll_handle = None
            if self._reap():
                self._on_pidfd()
            else:
                self._schedule_poll()

        self._poll_handle = self._loop.call_later(0.1, poll)

    def _finish_output(self) -> None:
        if not self._output_done:
            self._output_done = True
            self._stop_reading()
            self._maybe_report_exit()

    def _maybe_report_exit(self) -> None:
        if self._exit_reported or not self._output_done:
            return
        if not self._reap():
            return  # the pidfd (or poll) reports once the program has ended
        self._exit_reported = True
        self._close_master()
        code = self.returncode
        self._on_exit(code if code is not None else 0)

    def _close_master(self) -> None:
        if self._master is None:
            return
        self._stop_reading()
        if self._writer_registered:
            self._loop.remove_writer(self._master)
            self._writer_registered = False
        with contextlib.suppress(OSError):
            os.close(self._master)
        self._master = None

    async def terminate(self, grace: float = 1.0) -> int | None:
        """End the program and everything in its process group, and reap it.

        SIGHUP first (what a hang-up sends), then SIGTERM, then SIGKILL, waiting up
        to ``grace`` seconds after each of the first two. Safe to call twice. The
        exit callback is not called after this. Returns the exit code.
        """
        self._exit_reported = True
        if self.pid is None and not self._start_done.is_set():
            await self._start_done.wait()  # a start under way: end what it started
        if self.pid is None:
            return None
        if not self._reap():
            for sig, wait in ending_signals(grace):
                signal_group(self.pid, sig)
                deadline = self._loop.time() + wait
                while not self._reap() and self._loop.time() < deadline:
                    await asyncio.sleep(0.02)
                if self._status is not None:
                    break
        # Anything left in the group (it outlived the leader) goes too; a subreaper
        # server adopted it, so it reaps it once it has died.
        kill_group_leftovers(self.pid)
        reap_adopted(self.pid)
        self._loop.call_later(1.0, reap_adopted, self.pid)
        self._release_pidfd()
        self._close_master()
        return self.returncode
