"""Run a command in a real pseudo-terminal and read what it shows.

:class:`PtyApp` starts a program on the slave side of a fresh pty (as the
leader of a new session, with the pty as its controlling terminal and the
window size already set), keeps every byte the program writes together with
the time it arrived, and feeds those bytes to a :mod:`pyte` terminal emulator
of the same size, so a test or benchmark can ask "what is on the screen now?"
and "when did this text first appear?".

Typical use::

    with PtyApp([sys.executable, "-m", "neuron_tui"], cols=80, rows=24) as app:
        t = app.wait_for("The neuron", timeout=20)   # seconds since launch
        mark = app.mark()
        app.press("right")
        app.wait_quiet(0.2, timeout=5)
        print(app.bytes_since(mark), "bytes for one key")
        app.press("q")
        assert app.wait(timeout=5) == 0
    print(app.peak_rss_kib())

Times are :func:`time.monotonic` seconds since the moment just before the
child was spawned. Starting, sizing and ending the program and reading ``/proc``
are :mod:`neuron_tui.process`'s, the same code the classroom server runs its
lessons with; this module adds the reader thread, the screen and the clock.
It is Linux-first and needs ``pyte`` besides the standard library.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import select
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final, Self

import pyte
from pyte.screens import wcwidth  # pyte's own cached width, as its `display` uses

from neuron_tui.process import procfs
from neuron_tui.process.pty import (
    end_group,
    read_pty,
    reap_within,
    set_window_size,
    signal_group,
    start_on_pty,
)

__all__ = [
    "KEYS",
    "Cell",
    "Chunk",
    "ExitedBeforeText",
    "PtyApp",
    "blank_snapshot",
    "changed_cells",
    "default_env",
]

#: Byte sequences an xterm sends for common keys (normal cursor-key mode).
KEYS: Final[dict[str, bytes]] = {
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "enter": b"\r",
    "escape": b"\x1b",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "shift+right": b"\x1b[1;2C",
    "shift+left": b"\x1b[1;2D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "backspace": b"\x7f",
    "space": b" ",
    "ctrl+c": b"\x03",
}

DEFAULT_TERM: Final = "xterm-256color"

#: Variables dropped from the inherited environment by :func:`default_env`:
#: each one changes what a Textual/Rich program draws or how big it thinks
#: the terminal is (``COLUMNS``/``LINES`` beat the pty's window size in Rich,
#: ``LC_ALL`` would override ``LANG``).
REMOVED_ENV: Final[tuple[str, ...]] = (
    "COLORTERM",
    "TEXTUAL_THEME",
    "NO_COLOR",
    "LC_ALL",
    "COLUMNS",
    "LINES",
)

_ALT_SCREEN_EXIT: Final = b"\x1b[?1049l"


def default_env(overrides: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Return a copy of ``os.environ`` fit for a reproducible terminal run.

    ``TERM`` is ``xterm-256color`` and ``LANG`` is ``C.UTF-8``; the names in
    :data:`REMOVED_ENV` are dropped. ``overrides`` are applied last; a value of
    ``None`` removes that name.
    """
    env = dict(os.environ)
    for name in REMOVED_ENV:
        env.pop(name, None)
    env["TERM"] = DEFAULT_TERM
    env["LANG"] = "C.UTF-8"
    for name, value in (overrides or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


#: One character cell of the emulated screen: pyte's ``Char`` (data, fg, bg, bold,
#: italics, underscore, strikethrough, reverse, blink), comparable and hashable.
Cell = pyte.screens.Char


@dataclass(frozen=True, slots=True)
class Chunk:
    """One read from the pty: seconds since launch, and the bytes."""

    t: float
    data: bytes


class ExitedBeforeText(TimeoutError):
    """The program's output ended before the awaited text appeared.

    A subclass of :class:`TimeoutError`, so ``except TimeoutError`` covers both.
    """


class PtyApp:
    """A program running in a real pseudo-terminal, with an emulated screen.

    Args:
        argv: the command and its arguments (no shell).
        cols, rows: the terminal size, set before the program starts.
        env: the whole environment; default :func:`default_env` ``(env_overrides)``.
        env_overrides: applied to the default environment (``None`` removes a name);
            ignored when ``env`` is given.
        cwd: working directory of the program.
        rss_interval: seconds between samples of the process tree's peak RSS.

    The program is started by :meth:`start` (or by entering the ``with``
    block) and always stopped and reaped by :meth:`close` (or by leaving it).
    Methods are safe to call from one thread at a time; a background thread
    reads the pty.
    """

    def __init__(
        self,
        argv: Sequence[str | os.PathLike[str]],
        *,
        cols: int = 80,
        rows: int = 24,
        env: Mapping[str, str] | None = None,
        env_overrides: Mapping[str, str | None] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        rss_interval: float = 0.05,
    ) -> None:
        if not argv:
            raise ValueError("argv must not be empty")
        self.argv: list[str] = [os.fspath(a) for a in argv]
        self.cols = cols
        self.rows = rows
        self.env: dict[str, str] = dict(env) if env is not None else default_env(env_overrides)
        self.cwd = cwd
        self.rss_interval = rss_interval

        self._pid: int | None = None
        self._master: int | None = None
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()
        self._cond = threading.Condition(threading.RLock())
        self._t0 = 0.0

        self._chunks: list[Chunk] = []
        self._total = 0
        self._eof = False
        self._read_error: OSError | None = None

        self._screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self._screen)
        self._fed = 0  # number of chunks fed to the screen
        #: The screen's rows as text, redrawn only where pyte marked a row dirty: a class
        #: of clients checks the screen after every read, and redrawing all 1,920 cells
        #: each time made the clients cost as much CPU as the server they measure.
        self._rows_text: list[str] = []

        self._hwm: dict[int, int] = {}  # pid -> highest VmHWM seen (KiB)
        self._known_pids: list[int] = []
        self._next_tree_scan = 0.0
        self._status: int | None = None
        self._rusage_maxrss: int | None = None
        self._exit_time: float | None = None
        self._closed = False

    # ------------------------------------------------------------------ life cycle

    def start(self) -> Self:
        """Spawn the program; returns ``self``. Raises if already started."""
        if self._pid is not None or self._closed:
            raise RuntimeError("PtyApp can be started only once")
        self._t0 = time.monotonic()
        self._pid, self._master = start_on_pty(
            self.argv, self.env, cols=self.cols, rows=self.rows, cwd=self.cwd
        )
        self._known_pids = [self._pid]
        try:
            self._reader = threading.Thread(
                target=self._read_loop, name=f"pty-reader-{self._pid}", daemon=True
            )
            self._reader.start()
        except BaseException:
            self.close()
            raise
        return self

    def __enter__(self) -> Self:
        if self._pid is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self, grace: float = 1.0) -> int | None:
        """Stop the program if it still runs, reap it, and release the pty.

        Sends SIGHUP, then SIGTERM, then SIGKILL to the program's process
        group, waiting up to ``grace`` seconds after each of the first two.
        Idempotent. Returns the exit code (negative: killed by that signal).
        """
        if self._closed:
            return self.returncode
        try:
            if self._pid is not None:
                if self._status is None:
                    self._sample_rss(force_scan=True)
                # Descendants that outlived the leader are not ours to reap, but
                # they must not outlive the harness either: end_group kills them.
                end_group(self._pid, lambda wait: self._reap(timeout=wait), grace)
                self._drain(timeout=0.5)
        finally:
            self._closed = True
            self._stop.set()
            if self._reader is not None and self._reader is not threading.current_thread():
                self._reader.join(timeout=2.0)
            if self._master is not None:
                with contextlib.suppress(OSError):
                    os.close(self._master)
                self._master = None
        return self.returncode

    def wait(self, timeout: float) -> int:
        """Wait up to ``timeout`` s for the program to exit; return its exit code.

        Also waits (briefly) until all its output has been read. Raises
        :class:`TimeoutError` if it is still running.
        """
        self._require_started()
        if not self._reap(timeout=timeout):
            raise TimeoutError(
                f"{self.argv[0]} still running after {timeout:.1f} s\n{self.format_screen()}"
            )
        self._drain(timeout=1.0)
        code = self.returncode
        assert code is not None
        return code

    # ------------------------------------------------------------------ properties

    @property
    def pid(self) -> int:
        """Process id of the program (also its process-group and session id)."""
        return self._require_started()

    @property
    def returncode(self) -> int | None:
        """Exit code once reaped (negative: the signal that ended it), else None."""
        return None if self._status is None else os.waitstatus_to_exitcode(self._status)

    @property
    def running(self) -> bool:
        """True while the program has not been reaped (polls without blocking)."""
        if self._pid is None:
            return False
        return not self._reap(timeout=0)

    @property
    def exit_time(self) -> float | None:
        """Seconds since launch at which the exit was noticed, or None."""
        return self._exit_time

    @property
    def bytes_received(self) -> int:
        """Total bytes the program has written to the terminal so far."""
        with self._cond:
            return self._total

    @property
    def eof(self) -> bool:
        """True once the pty reported end of output (every writer closed it)."""
        with self._cond:
            return self._eof

    @property
    def chunks(self) -> list[Chunk]:
        """Every read so far, in order, with its arrival time."""
        with self._cond:
            return list(self._chunks)

    def elapsed(self) -> float:
        """Seconds since launch."""
        return time.monotonic() - self._t0

    # ------------------------------------------------------------------ output

    def output(self) -> bytes:
        """All bytes received so far."""
        with self._cond:
            return b"".join(c.data for c in self._chunks)

    def mark(self) -> int:
        """A position in the output, for :meth:`bytes_since` / :meth:`output_since`."""
        return self.bytes_received

    def bytes_since(self, mark: int) -> int:
        """Number of bytes received after ``mark``."""
        return self.bytes_received - mark

    def output_since(self, mark: int) -> bytes:
        """The bytes received after ``mark``."""
        return self.output()[mark:]

    def display(self) -> list[str]:
        """The emulated screen now, one string per row (padded to the width)."""
        with self._cond:
            self._feed_all()
            return list(self._screen.display)

    def text(self) -> str:
        """The emulated screen now, rows joined with newlines."""
        return "\n".join(self.display())

    def snapshot(self) -> tuple[tuple[Cell, ...], ...]:
        """Every cell of the emulated screen now (character and attributes), row by row.

        Two snapshots compare cell by cell: see :func:`changed_cells`.
        """
        with self._cond:
            self._feed_all()
            buffer = self._screen.buffer
            return tuple(
                tuple(buffer[y][x] for x in range(self._screen.columns))
                for y in range(self._screen.lines)
            )

    def format_screen(self) -> str:
        """A framed dump of the screen and the program's state, for error messages."""
        lines = self.display()
        border = "+" + "-" * self.cols + "+"
        state = (
            f"exited with code {self.returncode}"
            if self._status is not None
            else ("output ended" if self.eof else "running")
        )
        parts = [
            f"argv={self.argv!r} pid={self._pid} {state}; "
            f"{self.bytes_received} bytes in {self.elapsed():.2f} s",
            border,
            *(f"|{line}|" for line in lines),
            border,
        ]
        if not any(line.strip() for line in lines):
            parts.append(f"last bytes: {self.output()[-600:]!r}")
        if self._read_error is not None:
            parts.append(f"reading the pty failed: {self._read_error!r}")
        return "\n".join(parts)

    # ------------------------------------------------------------------ waiting

    def wait_for(self, text: str | re.Pattern[str], timeout: float = 10.0) -> float:
        """Wait until ``text`` (a substring, or a compiled regex) is on the screen.

        Returns the time since launch of the read that made it appear: bytes
        are fed to the emulator one read at a time, so this is exact to one
        read, not to the polling of this method. If the text is already
        visible when called, returns when it became (and stayed) visible.

        Raises :class:`ExitedBeforeText` if the output ends first and
        :class:`TimeoutError` after ``timeout`` s; both carry a screen dump.
        """
        self._require_started()
        match = self._matcher(text)
        deadline = time.monotonic() + timeout
        with self._cond:
            self._feed_all()
            if match(self._screen_text()):
                return self._visible_since(match)
            while True:
                while self._fed < len(self._chunks):
                    chunk = self._chunks[self._fed]
                    self._feed_one()
                    if match(self._screen_text()):
                        return chunk.t
                if self._eof:
                    raise ExitedBeforeText(
                        f"output ended before {text!r} appeared\n{self.format_screen()}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{text!r} not on screen after {timeout:.1f} s\n{self.format_screen()}"
                    )
                self._cond.wait(remaining)

    def wait_quiet(self, quiet_seconds: float = 0.2, timeout: float = 10.0) -> float:
        """Wait until no output has arrived for ``quiet_seconds`` (or output ended).

        The quiet period is counted from the later of the call and the last
        byte, so after :meth:`send` this always gives the program
        ``quiet_seconds`` to start answering. Returns the time since launch of
        the last byte (0.0 if none yet). Raises :class:`TimeoutError` if the
        program keeps writing for ``timeout`` s.
        """
        self._require_started()
        called = self.elapsed()
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                last = self._chunks[-1].t if self._chunks else 0.0
                if self._eof:
                    return last
                quiet_for = self.elapsed() - max(last, called)
                if quiet_for >= quiet_seconds:
                    return last
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"output not quiet for {quiet_seconds:.2f} s within {timeout:.1f} s\n"
                        f"{self.format_screen()}"
                    )
                self._cond.wait(min(remaining, quiet_seconds - quiet_for))

    # ------------------------------------------------------------------ input

    def send(self, data: bytes | str) -> None:
        """Write raw input to the program (``str`` is encoded as UTF-8)."""
        payload = data.encode() if isinstance(data, str) else data
        fd = self._require_master()
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]

    def press(self, *keys: str) -> None:
        """Send keys by name (see :data:`KEYS`) or as single characters, e.g. ``"q"``."""
        for key in keys:
            if key in KEYS:
                self.send(KEYS[key])
            elif len(key) == 1:
                self.send(key)
            else:
                raise KeyError(f"unknown key {key!r}; known: {', '.join(sorted(KEYS))}")

    def resize(self, cols: int, rows: int) -> None:
        """Change the terminal size and tell the program (SIGWINCH to its group)."""
        fd = self._require_master()
        with self._cond:
            self._feed_all()
            self._screen.resize(rows, cols)
            self.cols, self.rows = cols, rows
        set_window_size(fd, cols, rows)
        signal_group(self._require_started(), signal.SIGWINCH)

    # ------------------------------------------------------------------ memory

    def peak_rss_kib(self) -> int | None:
        """Peak resident memory of the program and its descendants, in KiB.

        The sum over every process seen of its highest ``VmHWM`` (from
        ``/proc``), sampled every ``rss_interval`` s while it runs and just
        before it is stopped; for a single process that is exactly its peak.
        Falls back to :attr:`ru_maxrss_kib` when nothing could be sampled.
        """
        if self._status is None and self._pid is not None:
            self._sample_rss(force_scan=True)
        with self._cond:
            if self._hwm:
                return sum(self._hwm.values())
        return self._rusage_maxrss

    @property
    def ru_maxrss_kib(self) -> int | None:
        """``ru_maxrss`` from ``wait4`` once reaped (cross-check), else None.

        Caution: on Linux this also counts the memory the child shared with
        *this* process before ``exec`` (``posix_spawn``), so it can exceed the
        program's own peak when the harness process is large.
        """
        return self._rusage_maxrss

    # ------------------------------------------------------------------ internals

    def _require_started(self) -> int:
        if self._pid is None:
            raise RuntimeError("PtyApp not started")
        return self._pid

    def _require_master(self) -> int:
        self._require_started()
        if self._master is None:
            raise RuntimeError("PtyApp is closed")
        return self._master

    @staticmethod
    def _matcher(text: str | re.Pattern[str]) -> Callable[[str], bool]:
        if isinstance(text, re.Pattern):
            pattern = text
            return lambda screen: pattern.search(screen) is not None
        return lambda screen: text in screen

    def _screen_text(self) -> str:
        screen = self._screen
        if len(self._rows_text) != screen.lines:
            self._rows_text = [""] * screen.lines
            screen.dirty.update(range(screen.lines))
        for row in screen.dirty:
            if row < screen.lines:
                self._rows_text[row] = _row_text(screen, row)
        screen.dirty.clear()
        return "\n".join(self._rows_text)

    def _feed_one(self) -> None:
        self._stream.feed(self._chunks[self._fed].data)
        self._fed += 1

    def _feed_all(self) -> None:
        while self._fed < len(self._chunks):
            self._feed_one()

    def _visible_since(self, match: Callable[[str], bool]) -> float:
        """Replay the output into a fresh screen to find when ``match`` last became true."""
        screen = pyte.Screen(self._screen.columns, self._screen.lines)
        stream = pyte.ByteStream(screen)
        since: float | None = None
        for chunk in self._chunks[: self._fed]:
            stream.feed(chunk.data)
            if match("\n".join(screen.display)):
                if since is None:
                    since = chunk.t
            else:
                since = None
        # A resize since launch makes the replay inexact; fall back to the last read.
        if since is None:
            return self._chunks[self._fed - 1].t if self._fed else 0.0
        return since

    def _read_loop(self) -> None:
        fd = self._master
        assert fd is not None
        next_sample = 0.0
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if now >= next_sample:
                    self._sample_rss()
                    next_sample = now + self.rss_interval
                try:
                    ready, _, _ = select.select([fd], [], [], self.rss_interval)
                except (OSError, ValueError):
                    break
                if not ready:
                    continue
                try:
                    data = read_pty(fd)
                except OSError as err:
                    # EBADF: close() released the pty while this thread waited.
                    if err.errno != errno.EBADF:
                        self._read_error = err
                    break
                t = time.monotonic() - self._t0
                if data is None:
                    continue
                if not data:  # every writer closed the slave (the program exited)
                    break
                with self._cond:
                    self._chunks.append(Chunk(t, data))
                    self._total += len(data)
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()

    def _drain(self, timeout: float) -> None:
        """Wait until the reader has seen end of output (or ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._eof:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)

    def _reap(self, timeout: float) -> bool:
        """Reap the program with ``wait4`` if it exits within ``timeout`` s."""
        if self._pid is None:
            return False
        if self._status is not None:
            return True
        reaped = reap_within(self._pid, timeout, while_waiting=self._sample_rss)
        if reaped is None:
            return False
        self._status, rusage = reaped
        self._exit_time = self.elapsed()
        if rusage is not None:
            self._rusage_maxrss = rusage.ru_maxrss  # KiB on Linux
        return True

    def _sample_rss(self, force_scan: bool = False) -> None:
        if self._pid is None or self._status is not None:
            return
        now = time.monotonic()
        if force_scan or now >= self._next_tree_scan:
            self._known_pids = [self._pid, *procfs.descendants(self._pid)]
            self._next_tree_scan = now + 5 * self.rss_interval
        for pid in self._known_pids:
            kib = procfs.peak_rss_kib(pid)
            if kib is not None:
                with self._cond:
                    if kib > self._hwm.get(pid, 0):
                        self._hwm[pid] = kib

    # ------------------------------------------------------------------ helpers

    def left_alternate_screen(self) -> bool:
        """True if the last alternate-screen switch in the output left it (``?1049l``).

        Textual writes a few mode resets (cursor shown, mouse off) *after*
        ``?1049l`` when it exits, so "the output ends with ``?1049l``" is too strict.
        """
        out = self.output()
        return out.rfind(_ALT_SCREEN_EXIT) > out.rfind(b"\x1b[?1049h")


def blank_snapshot(cols: int, rows: int) -> tuple[tuple[Cell, ...], ...]:
    """The snapshot of a freshly cleared screen of ``cols`` × ``rows`` (default cells)."""
    screen = pyte.Screen(cols, rows)
    return tuple(tuple(screen.buffer[y][x] for x in range(cols)) for y in range(rows))


def changed_cells(
    before: Sequence[Sequence[Cell]], after: Sequence[Sequence[Cell]]
) -> int:
    """Number of cells whose character or any attribute differs between two snapshots.

    Snapshots of different sizes compare over the common area; every cell outside
    it counts as changed.
    """
    changed = 0
    rows = max(len(before), len(after))
    for y in range(rows):
        row_a = before[y] if y < len(before) else ()
        row_b = after[y] if y < len(after) else ()
        common = min(len(row_a), len(row_b))
        changed += sum(1 for x in range(common) if row_a[x] != row_b[x])
        changed += max(len(row_a), len(row_b)) - common
    return changed


def repo_root() -> Path:
    """The project's root folder (the parent of ``benchmarks/``)."""
    return Path(__file__).resolve().parent.parent


def _row_text(screen: pyte.Screen, row: int) -> str:
    """One row of `screen` as pyte's `display` gives it (a wide character's stub skipped)."""
    line = screen.buffer[row]
    chars: list[str] = []
    wide = False
    for column in range(screen.columns):
        if wide:
            wide = False
            continue
        char = line[column].data
        wide = wcwidth(char[0]) == 2
        chars.append(char)
    return "".join(chars)
