"""Starting a lesson from the SSH server's lesson fork server (:mod:`neuron_tui.zygote`).

:class:`ForkServer` (its zygote kept alive by :class:`.zygote_keeper.ZygoteKeeper`)
starts a lesson by sending the zygote the lesson's argv, environment, folder and
limits with the slave side of a fresh pty (``SCM_RIGHTS``). The server then owns
the lesson exactly as one it spawned itself: its pid, its process group, its pty
master, its exit status.

A request never blocks the server's event loop: it is sent without waiting and
the answer is awaited (the zygote answers in order, read by a reader on its
socket), so one slow start never delays other learners' keys. Whenever the
zygote cannot serve (still importing, dead, too slow, or a command line it does
not know), :meth:`ForkServer.start_on_pty` answers None and the caller spawns
the lesson directly, as before.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from neuron_tui.process.pty import set_window_size
from neuron_tui.serve.forking import lesson_plan
from neuron_tui.serve.zygote_keeper import ZygoteKeeper

__all__ = ["ANSWER_TIMEOUT", "ForkServer"]

log = logging.getLogger("neuron_tui.serve.forkserver")

#: How long a lesson's start waits for the zygote's answer before starting directly.
ANSWER_TIMEOUT = 3.0


class ForkServer(ZygoteKeeper):
    """Lessons started by the server's one zygote (see :class:`ZygoteKeeper` for its args)."""

    def __init__(
        self,
        env: Mapping[str, str],
        python: str = sys.executable,
        command: Sequence[str] | None = None,
    ) -> None:
        super().__init__(env, python, command)
        #: Requests sent, oldest first: the zygote answers them in that order.
        self._waiting: deque[asyncio.Future[dict[str, Any]]] = deque()
        #: Lessons started through the zygote, and directly because it could not.
        self.forked = 0
        self.direct = 0

    def _answered(self, message: bytes) -> None:
        if not self._waiting:
            log.warning("the lesson fork server said something unasked; ignored")
            return
        answer = self._waiting.popleft()
        if not answer.done():  # (a start that gave up has cancelled its own)
            try:
                answer.set_result(json.loads(message))
            except ValueError:
                answer.set_result({"error": "an answer that is not JSON"})

    def _dropping(self) -> None:
        while self._waiting:  # their lessons start directly
            answer = self._waiting.popleft()
            if not answer.done():
                answer.set_result({"error": "the fork server went away"})

    # ------------------------------------------------------------------ lessons

    async def start_on_pty(
        self, argv: Sequence[str], env: Mapping[str, str], *, cols: int, rows: int, cwd: Path
    ) -> tuple[int, int] | None:
        """Start the lesson `argv` from the zygote on a new pty: ``(pid, master)``.

        None when the zygote cannot start it: the caller spawns it directly.
        Waiting for the answer (at most ANSWER_TIMEOUT) holds up nothing else.
        """
        plan = lesson_plan(argv, self.python)
        if plan is None or not self._usable() or self._loop is None:
            self.direct += 1
            return None
        assert self._sock is not None
        plan.update(env=dict(env), cwd=str(cwd))
        master, slave = os.openpty()
        answer: asyncio.Future[dict[str, Any]] = self._loop.create_future()
        try:
            set_window_size(slave, cols, rows)
            socket.send_fds(self._sock, [json.dumps(plan).encode()], [slave])
            self._waiting.append(answer)
        except OSError as error:  # BlockingIOError too: a zygote this far behind is no help
            os.close(master)
            self.direct += 1
            if not isinstance(error, BlockingIOError):
                log.error("the lesson fork server failed (%s); starting lessons directly", error)
                self._drop_zygote()
            return None
        finally:
            os.close(slave)  # once sent, the zygote holds its own copy
        try:
            reply = await asyncio.wait_for(answer, ANSWER_TIMEOUT)
            pid = int(reply["pid"])
        except asyncio.CancelledError:  # the server is stopping: nobody will own it
            os.close(master)
            raise
        except (TimeoutError, KeyError, TypeError, ValueError) as error:
            timed_out = isinstance(error, TimeoutError)
            log.error("the lesson fork server %s; this lesson starts directly",
                      "did not answer in time" if timed_out else f"failed ({error})")  # fmt: skip
            os.close(master)
            if timed_out:  # its next answers would be late too: start a fresh one
                self._drop_zygote()
            self.direct += 1
            return None
        self.forked += 1
        return pid, master
