"""One SSH session channel of `serve ssh`: :class:`LessonSession`, the lesson in a pty.

The session starts the learner's lesson (or, for the teacher, the class view) in a
pty of the requested size, relays bytes both ways with back-pressure on each side,
and ends the lesson when the learner leaves. Commands, subsystems and breaks are
refused with a one-line reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import Any, Protocol

import asyncssh

from neuron_tui.compat import ssh_transport_backlog
from neuron_tui.i18n import N_, _, language
from neuron_tui.serve.child import LessonChild
from neuron_tui.serve.ssh_classroom import Classroom
from neuron_tui.serve.teacher import VIEW_UNAVAILABLE, view_argv_env

__all__ = ["LESSON_STOPPED", "OUTPUT_HIGH_WATER", "OUTPUT_LOW_WATER", "LessonSession"]

log = logging.getLogger("neuron_tui.serve.ssh")

#: Child output is not read while this much is waiting to be sent to the client.
OUTPUT_HIGH_WATER = 64 * 1024
#: ... and is read again once the backlog is below this.
OUTPUT_LOW_WATER = 16 * 1024
#: Told to a learner whose lesson was ended by a signal (e.g. out of memory); translated
#: where it is written, as every line the server says (in the teacher's language).
LESSON_STOPPED = N_(
    "neuron-tui: the lesson was stopped (it may have run out of memory); "
    "your progress up to the last step is saved"
)
#: The only terminal names passed to the lesson as TERM.
_SAFE_TERM = re.compile(r"[A-Za-z0-9._+-]{1,64}")


class SessionServer(Protocol):
    """What a session needs of its connection (``ClassroomServer``: no import, no circle)."""

    classroom: Classroom
    conn: asyncssh.SSHServerConnection | None
    port: int
    address: str
    username: str
    fingerprint: str | None
    is_teacher: bool

    def session_started(self) -> None: ...


class LessonSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session channel: the lesson in a pty, or a one-line refusal."""

    def __init__(self, server: SessionServer) -> None:
        self.server = server
        self.classroom = server.classroom
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        #: The hub's token for this lesson (None: the class view, or no hub).
        self.token: str | None = None
        self.term: str | None = None
        self.size = (80, 24, 0, 0)
        self.refusal: str | None = None
        self.child: LessonChild | None = None
        self._poll: asyncio.TimerHandle | None = None
        self._ending: asyncio.Task[None] | None = None

    # --------------------------------------------------------------- requests

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan
        chan.set_write_buffer_limits(high=OUTPUT_HIGH_WATER, low=OUTPUT_LOW_WATER)

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any
    ) -> bool:
        self.term = term_type if _SAFE_TERM.fullmatch(term_type) else "xterm-256color"
        self.size = term_size
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only to say why nothing runs; the command itself is never used.
        self.refusal = _(
            "neuron-tui: this server runs only the lesson, not commands; "
            "connect with: ssh -t -p {port} NAME@HOST"
        ).format(port=self.server.port)
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("refused subsystem %r from %s", subsystem, self.server.address)
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def signal_received(self, signal: str) -> None:
        """Signals from the client are ignored (the lesson has its own keys)."""

    def eof_received(self) -> bool:
        return True

    # --------------------------------------------------------------- start

    def session_started(self) -> None:
        assert self.chan is not None
        if self.refusal is None and self.term is None:
            self.refusal = _(
                "neuron-tui: the lesson needs a terminal; "
                "connect with: ssh -t -p {port} NAME@HOST"
            ).format(port=self.server.port)
        if self.refusal is not None:
            log.info("refused a session from %s: %s", self.server.address, self.refusal)
            self.chan.write_stderr((self.refusal + "\r\n").encode())
            self.chan.exit(1)
            return
        assert self.term is not None
        argv, env = self._argv_env(self.term)
        if not argv:
            log.info("refused the class view to %s: the hub is not listening", self.server.address)
            self.chan.write_stderr((_(VIEW_UNAVAILABLE) + "\r\n").encode())
            self.chan.exit(1)
            return
        cols, rows = self.size[0], self.size[1]
        self.child = LessonChild(
            argv,
            env,
            cols=cols,
            rows=rows,
            cwd=self.classroom.learners_dir,
            on_output=self._child_output,
            on_exit=self._child_exit,
            forkserver=self.classroom.forkserver,
        )
        starting = asyncio.get_running_loop().create_task(self._start_child(self.child))
        self.classroom.keep(starting)

    async def _start_child(self, child: LessonChild) -> None:
        """Start the lesson: waiting for the fork server holds up no other learner."""
        try:
            await child.start()
        except OSError as error:
            log.error("cannot start the lesson: %s", error)
            self._leave_class()
            self.child = None
            if self.chan is not None:
                with contextlib.suppress(BrokenPipeError, ConnectionError, asyncssh.Error):
                    self.chan.write_stderr(
                        (_("neuron-tui: the lesson could not start; tell the teacher")
                         + "\r\n").encode()
                    )
                    self.chan.exit(1)
            return
        if self._ending is not None or self.chan is None:
            return  # the learner left while it started: _end ends it
        self.server.session_started()
        self.classroom.sessions.add(self)
        log.info(
            "lesson started for %r from %s (%dx%d, %s%s); %d running",
            self.server.username,
            self.server.address,
            child.cols,
            child.rows,
            self.term,
            ", preforked" if child.preforked else "",
            len(self.classroom.sessions),
        )

    def _argv_env(self, term: str) -> tuple[list[str], dict[str, str]]:
        """The class view for the teacher (empty when it cannot run), else the lesson."""
        hub = self.classroom.hub
        if self.server.is_teacher:
            if hub is None or not hub.listening:
                return [], {}
            python = list(self.classroom.config.lesson_argv)
            limits = self.classroom.config.lesson_limits
            argv, env = view_argv_env(
                python, hub.teacher_socket, term, self.classroom.learners_dir, language()
            )
            return (limits.argv() if limits is not None else []) + argv, env
        if hub is not None:
            self.token = hub.register(self.server.username, self.server.fingerprint)
        return self.classroom.learner_argv_env(self.server.username, term, self.token)

    def _leave_class(self) -> None:
        """Tell the hub this lesson has ended (once)."""
        if self.token is not None and self.classroom.hub is not None:
            self.classroom.hub.unregister(self.token)
        self.token = None

    # --------------------------------------------------------------- data

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        if self.child is None or self.chan is None:
            return
        if not self.child.write(data):
            self.chan.pause_reading()
            self.child.set_input_drained_callback(self._input_drained)

    def _input_drained(self) -> None:
        if self.chan is not None:
            self.chan.resume_reading()

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width, height, pixwidth, pixheight)
        if self.child is not None:
            self.child.resize(width, height, pixwidth, pixheight)

    def _backlog(self) -> int:
        """Bytes written for this learner but not yet sent: channel plus TCP buffer."""
        if self.chan is None:
            return 0
        backlog = self.chan.get_write_buffer_size()
        # The TCP transport's own buffer counts too (one learner per connection).
        return backlog + ssh_transport_backlog(self.server.conn)

    def _child_output(self, data: bytes) -> None:
        if self.chan is None or self.child is None:
            return
        try:
            self.chan.write(data)
        except (BrokenPipeError, ConnectionError, asyncssh.Error):
            # The learner went away while the lesson was drawing: a normal end, not an
            # error. Stop reading; connection_lost ends the lesson.
            self.child.pause_output()
            self.chan = None
            return
        if self._backlog() > OUTPUT_HIGH_WATER:
            self.child.pause_output()
            self._schedule_backlog_check()

    def _schedule_backlog_check(self) -> None:
        if self._poll is None:
            self._poll = asyncio.get_running_loop().call_later(0.02, self._check_backlog)

    def _check_backlog(self) -> None:
        self._poll = None
        if self.child is None:
            return
        if self._backlog() <= OUTPUT_LOW_WATER:
            self.child.resume_output()
        else:
            self._schedule_backlog_check()

    def pause_writing(self) -> None:
        if self.child is not None:
            self.child.pause_output()
            self._schedule_backlog_check()

    def resume_writing(self) -> None:
        self._check_backlog()

    # --------------------------------------------------------------- end

    def _child_exit(self, code: int) -> None:
        """The learner quit the lesson: pass on its exit status and close the session."""
        self.classroom.sessions.discard(self)
        self._leave_class()
        if code < 0:
            # Ended by a signal: the kernel's out-of-memory killer, a crash in a library
            # at a memory limit, or the teacher. The lesson saved progress at every step.
            log.info("lesson for %r ended by signal %d", self.server.username, -code)
        if self.chan is not None:
            with contextlib.suppress(BrokenPipeError, ConnectionError, asyncssh.Error):
                if code < 0:
                    self.chan.write_stderr(f"\r\n{_(LESSON_STOPPED)}\r\n".encode())
                self.chan.exit(code if 0 <= code <= 255 else 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self.chan = None
        if self.child is not None and self._ending is None:
            self._ending = asyncio.get_running_loop().create_task(self._end())
            self.classroom.keep(self._ending)

    async def end(self) -> None:
        """End the lesson (HUP, TERM, KILL) and reap it; any later call waits for the first."""
        if self._ending is None:
            self._ending = asyncio.get_running_loop().create_task(self._end())
            self.classroom.keep(self._ending)
        if self._ending is not asyncio.current_task():
            await asyncio.shield(self._ending)

    async def _end(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None
        child = self.child
        if child is not None:
            await child.terminate()
            log.info("lesson ended for %r (exit %s)", self.server.username, child.returncode)
        self.classroom.sessions.discard(self)
        self._leave_class()
        self.child = None
