"""Keeping the SSH server's lesson fork server alive (:mod:`neuron_tui.zygote`).

:class:`ZygoteKeeper` starts the zygote (``python -I -m neuron_tui.zygote --fd
N``, with the lessons' clean environment) on one end of a SEQPACKET socket pair,
makes the server a child subreaper (so every lesson the zygote forks becomes the
server's own child), notices on the event loop when it is ready or has died,
and starts another after a pause; one that dies before it is ever ready, time
after time, is given up. What is asked of it is :mod:`.forkserver`'s business.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence

from neuron_tui.serve.forking import GIVE_UP_AFTER, RESTART_PAUSE, become_subreaper, zygote_argv

__all__ = ["ZygoteKeeper"]

log = logging.getLogger("neuron_tui.serve.forkserver")

#: "Started" at this time: never to be started again.
INF = float("inf")


class ZygoteKeeper:
    """One zygote for the server's lifetime, restarted if it dies.

    Args:
        env: the zygote's environment: the lessons' clean one (each lesson gets
            its own exactly, but what is imported before the fork sees this one).
        python: the interpreter lessons run with (the zygote must be the same).
        command: the zygote's command line, ``--fd N`` added (tests give their own).
    """

    def __init__(
        self,
        env: Mapping[str, str],
        python: str = sys.executable,
        command: Sequence[str] | None = None,
    ) -> None:
        self.env = dict(env)
        self.python = python
        self.command = list(command) if command is not None else zygote_argv(python)
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._ready = False
        self._started_at = INF  # not started: start() starts it
        self._loop: asyncio.AbstractEventLoop | None = None
        self._restart: asyncio.TimerHandle | None = None
        self._failures = 0

    def _answered(self, message: bytes) -> None:
        """The ready zygote sent `message` (an answer to a request)."""

    def _dropping(self) -> None:
        """The zygote is being forgotten: what it owes will never come."""

    # ------------------------------------------------------------------ life

    def start(self) -> bool:
        """Start the zygote (it imports in the background); False if it cannot run here."""
        if not become_subreaper():
            log.info("lessons start directly: this system cannot adopt them (no subreaper)")
            return False
        self._spawn_zygote()
        return True

    def _spawn_zygote(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._proc = subprocess.Popen(
                [*self.command, "--fd", str(theirs.fileno())],
                env=self.env,
                cwd=self.env.get("HOME", "/"),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=[theirs.fileno()],
                start_new_session=True,  # a Ctrl+C at the server's terminal is the server's
            )
        except OSError as error:
            log.error("cannot start the lesson fork server: %s", error)
            ours.close()
            self._proc = None
            return
        finally:
            theirs.close()
        ours.setblocking(False)  # the event loop's socket: it never waits on it
        self._sock = ours
        self._ready = False
        self._started_at = time.monotonic()
        with contextlib.suppress(RuntimeError):  # without a running loop: noticed lazily
            self._loop = asyncio.get_running_loop()
            self._loop.add_reader(ours.fileno(), self._on_readable)

    def _on_readable(self) -> None:
        """The zygote said it is ready, answered a request, or has gone (end of socket)."""
        if self._sock is None:
            return
        if not self._ready:
            self._usable()
            return
        try:
            message = self._sock.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            message = b""
        if not message:
            self._lost()
            return
        self._answered(message)

    def _lost(self) -> None:
        """The zygote died: forget it, and start another after the restart pause."""
        code = self._proc.poll() if self._proc is not None else None
        self._failures = 0 if self._ready else self._failures + 1
        self._drop_zygote()
        if self._failures >= GIVE_UP_AFTER:  # it cannot even start: stop paying for it
            log.error("the lesson fork server cannot start (%s); lessons start directly", code)
            self._started_at = INF
            return
        log.error("the lesson fork server ended (%s); restarting it", code)
        if self._loop is not None and self._restart is None and self._started_at != INF:
            wait = max(0.0, RESTART_PAUSE - (time.monotonic() - self._started_at))
            self._restart = self._loop.call_later(wait, self._restart_now)

    def _restart_now(self) -> None:
        self._restart = None
        if self._proc is None and self._started_at != INF:
            self._spawn_zygote()

    def _drop_zygote(self) -> None:
        """Forget a zygote that failed us (it ends when its socket closes)."""
        self._dropping()
        if self._sock is not None:
            if self._loop is not None:
                self._loop.remove_reader(self._sock.fileno())
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                self._proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(1)  # killed: reaped at once
        self._proc = None
        self._ready = False

    def _usable(self) -> bool:
        """Whether the zygote can take a request now (restarting it if it has died)."""
        if self._proc is None or self._sock is None:
            if self._restart is None and time.monotonic() - self._started_at > RESTART_PAUSE:
                self._spawn_zygote()  # (never once closed: _started_at is then INF)
            return False
        if self._proc.poll() is not None:
            self._lost()
            return False
        if not self._ready:
            try:
                hello = json.loads(self._sock.recv(4096) or b"{}")
            except BlockingIOError:
                return False
            except (OSError, ValueError):
                hello = {}
            if "ready" not in hello:
                self._lost()
                return False
            if not hello["ready"]:
                log.info("lessons start directly: this kernel cannot retitle forked lessons")
                self._drop_zygote()
                self._started_at = INF  # never again
                return False
            self._ready = True
            log.info("lesson fork server ready (pid %d)", self._proc.pid)
        return True

    @property
    def pid(self) -> int | None:
        """The zygote's pid while it runs."""
        return self._proc.pid if self._proc is not None else None

    @property
    def ready(self) -> bool:
        """Whether the zygote has said it is ready (and has not failed since)."""
        return self._ready

    def close(self) -> None:
        """End the zygote (closing its socket ends it) and reap it."""
        self._started_at = INF
        if self._restart is not None:
            self._restart.cancel()
            self._restart = None
        proc, self._proc = self._proc, None
        self._drop_zygote()  # closes the socket; nothing killed: proc is ours below
        if proc is not None:
            try:
                proc.wait(2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
