"""`neuron-tui serve ssh`: a classroom SSH server where the only thing that runs is the lesson.

Each SSH session with a pty gets its own lesson process (``python -I -m
neuron_tui``) in its own pty of the requested size, with a clean environment
the server sets; it is forked from a preloaded fork server when one is ready
(:mod:`neuron_tui.serve.forkserver`), and spawned directly otherwise. Nothing
else is possible: commands (exec requests, legacy scp), subsystems (sftp), port
forwarding both ways, agent and X11 forwarding are refused, and the client's
environment variables never reach the lesson.

The server offers zlib compression only (so a plain ``ssh`` client, which
offers ``none,zlib@openssh.com``, ends up compressing) unless
``allow_uncompressed`` adds ``none``. Connections are capped in total and per
client address, counting only learners who have logged in; connections still
logging in are bounded apart from them, and password guessing is slowed per
address (:mod:`neuron_tui.serve.auth`). An unauthenticated connection has
``login_timeout`` seconds to log in, and an authenticated one that opens no
lesson in that time is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import re
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from neuron_tui.compat import explain_refused_user_names, ssh_transport_backlog
from neuron_tui.i18n import N_, _, language, ngettext
from neuron_tui.serve.auth import AuthPolicy, LoginGate, PasswordGuard, Throttle
from neuron_tui.serve.child import LessonChild
from neuron_tui.serve.forkserver import ForkServer
from neuron_tui.serve.hub import ClassHub
from neuron_tui.serve.limits import LessonLimits
from neuron_tui.serve.names import (
    NAME_REFUSAL,
    UnusableName,
    check_learner_name,
    learner_file_name,
)
from neuron_tui.serve.teacher import (
    NAME_RESERVED,
    VIEW_UNAVAILABLE,
    is_teacher_name,
    key_allowed,
    read_keys,
    view_argv_env,
)
from neuron_tui.serve.training_service import TrainingService, socket_path_in

__all__ = [
    "Classroom",
    "ClassroomServer",
    "LessonSession",
    "SSHServeConfig",
    "load_host_key",
    "start_ssh_server",
]

log = logging.getLogger("neuron_tui.serve.ssh")

HOST_KEY_FILE = "ssh_host_ed25519_key"
LEARNERS_FOLDER = "learners"
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


@dataclass
class SSHServeConfig:
    """Everything `neuron-tui serve ssh` was asked to do."""

    state_dir: Path
    host: str = "127.0.0.1"
    port: int = 2222
    password: str | None = None
    authorized_keys: Path | None = None
    #: Keys that log in as `teacher` and get the class view (authorized_keys format).
    teacher_keys: Path | None = None
    max_sessions: int = 40
    max_per_address: int = 10
    login_timeout: float = 30.0
    keepalive_interval: float = 15.0
    keepalive_count_max: int = 4
    allow_uncompressed: bool = False
    low_bandwidth: bool = False
    content: Path | None = None
    #: Password attempts, backoff and the bound on connections still logging in.
    auth_policy: AuthPolicy = field(default_factory=AuthPolicy)
    #: Memory, priority, files and processes each lesson may use (None: no limits).
    lesson_limits: LessonLimits | None = field(default_factory=LessonLimits)
    #: The lesson's command line, before its per-learner flags (tests may change it).
    lesson_argv: list[str] = field(
        default_factory=lambda: [sys.executable, "-I", "-m", "neuron_tui"]
    )
    #: Fork lessons from a preloaded process (neuron_tui.zygote) rather than exec each one.
    prefork: bool = True

    @property
    def auth_required(self) -> bool:
        """Whether learners must authenticate (always, except for the no-auth loopback case)."""
        return self.password is not None or self.authorized_keys is not None

    @property
    def compression_algs(self) -> list[str]:
        """zlib first; `none` only when uncompressed clients are allowed."""
        algs = ["zlib@openssh.com", "zlib"]
        if self.allow_uncompressed:
            algs.append("none")
        return algs


def load_host_key(state_dir: Path) -> asyncssh.SSHKey:
    """The server's Ed25519 host key: read from the state folder, made there the first time."""
    path = state_dir / HOST_KEY_FILE
    if path.exists():
        return asyncssh.read_private_key(path)
    state_dir.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="neuron-tui classroom")
    data = key.export_private_key()
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, path)
    (path.with_name(path.name + ".pub")).write_bytes(key.export_public_key())
    return key


class Classroom:
    """State shared by every connection: the config, the caps and the running sessions."""

    def __init__(self, config: SSHServeConfig) -> None:
        self.config = config
        self.learners_dir = config.state_dir / LEARNERS_FOLDER
        self.learners_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.connections: set[ClassroomServer] = set()
        self.sessions: set[LessonSession] = set()
        self.per_address: dict[str, int] = {}
        #: Connections that have not logged in yet (they never count against the class).
        self.logging_in = LoginGate(
            config.auth_policy.max_unauthenticated, config.max_per_address
        )
        self.passwords = PasswordGuard(config.auth_policy)
        self.log_throttle = Throttle()
        #: The class's shared trainer (Parts 04 and 05), once the server has started it.
        self.training: TrainingService | None = None
        #: The preloaded process lessons are forked from, once the server has started it.
        self.forkserver: ForkServer | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        #: The live class (None: lessons only save to their own files).
        self.hub: ClassHub | None = None
        #: Learners' and the teacher's keys, read once at start (None: not accepted).
        self.learner_keys = (
            read_keys(config.authorized_keys, "--authorized-keys")
            if config.authorized_keys is not None
            else None
        )
        self.teacher_keys = (
            read_keys(config.teacher_keys, "--teacher-keys")
            if config.teacher_keys is not None
            else None
        )

    def admit(self, server: ClassroomServer) -> str | None:
        """Count a logged-in connection in; a one-line reason when it is over a cap."""
        if server in self.connections:
            return None
        if len(self.connections) >= self.config.max_sessions:
            return _("neuron-tui: the class is full ({n} learners); please try again in a "
                     "minute").format(n=self.config.max_sessions)
        if self.per_address.get(server.address, 0) >= self.config.max_per_address:
            return _("neuron-tui: too many sessions from your address ({n}); close one first"
                     ).format(n=self.config.max_per_address)
        self.connections.add(server)
        self.per_address[server.address] = self.per_address.get(server.address, 0) + 1
        return None

    def release(self, server: ClassroomServer) -> None:
        """Count a connection out."""
        if server not in self.connections:
            return
        self.connections.discard(server)
        left = self.per_address.get(server.address, 1) - 1
        if left > 0:
            self.per_address[server.address] = left
        else:
            self.per_address.pop(server.address, None)

    def keep(self, task: asyncio.Task[Any]) -> None:
        """Hold a reference to a background task until it finishes."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """End every lesson (and wait for them to be reaped) and close every connection."""
        for server in list(self.connections):
            if server.conn is not None:
                server.conn.close()
        await asyncio.gather(
            *(session.end() for session in list(self.sessions)), return_exceptions=True
        )
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self.training is not None:
            await self.training.close()
        if self.forkserver is not None:
            self.forkserver.close()

    def learner_argv_env(
        self, username: str, term: str, token: str | None = None
    ) -> tuple[list[str], dict[str, str]]:
        """The lesson's command line and its whole (clean) environment for one learner."""
        name = learner_file_name(username)
        limits = self.config.lesson_limits
        argv = (limits.argv() if limits is not None else []) + list(self.config.lesson_argv)
        env = {
            "TERM": term,
            "LANG": "C.UTF-8",
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.learners_dir),
            # Tells the lesson it serves a remote learner (no file-writing actions).
            "NEURON_TUI_SSH": "1",
            # Opening a link must never start a program on the server: `true` does nothing.
            "BROWSER": "true",
            # One BLAS thread a lesson: fair on a shared server, and far less memory.
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
        }
        if self.config.low_bandwidth:
            env["NEURON_TUI_LOW_BANDWIDTH"] = "1"
        if token is not None and self.hub is not None and self.hub.listening:
            # The lesson reports to the class and gets pacing; its file stays its fallback.
            env["NEURON_TUI_CLASS_SOCKET"] = str(self.hub.lesson_socket)
            env["NEURON_TUI_CLASS_TOKEN"] = token
        if self.training is not None:
            env.update(self.training.environ)  # where the class's shared trainer listens
        argv += ["--progress", str(self.learners_dir / f"{name}.json")]
        if self.config.content is not None:
            argv += ["--content", str(self.config.content)]
        return argv, env


class LessonSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session channel: the lesson in a pty, or a one-line refusal."""

    def __init__(self, server: ClassroomServer) -> None:
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


class ClassroomServer(asyncssh.SSHServer):
    """One client connection: authentication, caps, and at most one lesson session."""

    def __init__(self, classroom: Classroom, port: int) -> None:
        self.classroom = classroom
        self.config = classroom.config
        self.port = port
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.username = "learner"
        self.session: LessonSession | None = None
        self._idle: asyncio.TimerHandle | None = None
        self._wrong_passwords = 0
        #: Logging in as `teacher`: only a --teacher-keys key, and the class view.
        self.is_teacher = False
        #: The SHA256 fingerprint of the key that logged in (None: a password, or none).
        self.fingerprint: str | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        if peer:
            self.address = str(peer[0])
        admitted, displaced = self.classroom.logging_in.enter(self)
        if not admitted:
            if self.classroom.log_throttle.allow("busy " + self.address):
                log.info("too many connections logging in from %s; closing new ones", self.address)
            # Before the SSH greeting nothing can be said: just close.
            asyncio.get_running_loop().call_soon(conn.abort)
        elif isinstance(displaced, ClassroomServer) and displaced.conn is not None:
            displaced.conn.disconnect(
                asyncssh.DISC_TOO_MANY_CONNECTIONS,
                _("neuron-tui: the server is busy with logins; please try again"),
            )

    def connection_lost(self, exc: Exception | None) -> None:
        if self._idle is not None:
            self._idle.cancel()
        self.classroom.logging_in.leave(self)
        self.classroom.release(self)
        if self.session is not None:
            self.session.connection_lost(exc)

    def _refuse(self, code: int, reason: str) -> None:
        assert self.conn is not None
        self.conn.disconnect(code, reason)

    def begin_auth(self, username: str) -> bool:
        self.username = username
        try:
            check_learner_name(username)
        except UnusableName as error:
            log.info("refused the name %r from %s: %s", username, self.address, error)
            self._refuse(asyncssh.DISC_ILLEGAL_USER_NAME, _(NAME_REFUSAL))
            return True
        if is_teacher_name(username):
            if self.classroom.teacher_keys is None:
                log.info("refused the name %r from %s: reserved", username, self.address)
                self._refuse(asyncssh.DISC_ILLEGAL_USER_NAME, _(NAME_RESERVED))
                return True
            # Only a teacher key opens it: never a password, never the no-auth loopback.
            self.is_teacher = True
            return True
        blocked = self.classroom.passwords.blocked_for(self.address)
        if blocked and self.password_auth_supported():
            if self.classroom.log_throttle.allow("blocked " + self.address):
                log.info("refused %s: blocked after wrong passwords", self.address)
            minutes = max(1, round(blocked / 60))
            self._refuse(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                ngettext("neuron-tui: too many wrong passwords from your address; "
                         "try again in {n} minute",
                         "neuron-tui: too many wrong passwords from your address; "
                         "try again in {n} minutes", minutes).format(n=minutes),
            )
            return True
        return self.config.auth_required

    def password_auth_supported(self) -> bool:
        return self.config.password is not None and not self.is_teacher

    def public_key_auth_supported(self) -> bool:
        keys = self.classroom.teacher_keys if self.is_teacher else self.classroom.learner_keys
        return keys is not None

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        keys = self.classroom.teacher_keys if self.is_teacher else self.classroom.learner_keys
        if not key_allowed(keys, key, self.address):
            return False
        # The client signs with the key it just offered: the last one accepted logs in.
        self.fingerprint = key.get_fingerprint("sha256")
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        expected = self.config.password
        passwords = self.classroom.passwords
        if passwords.blocked_for(self.address):
            self._refuse(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                _("neuron-tui: too many wrong passwords from your address; try again later"),
            )
            return False
        if expected is not None and hmac.compare_digest(password.encode(), expected.encode()):
            return True
        self._wrong_passwords += 1
        policy = self.config.auth_policy
        delay = passwords.wrong_password(self.address)
        # Never the attempted password: a near miss would put the class code in the log.
        log.info(
            "wrong password for %r from %s (attempt %d of %d; %d from this address lately)",
            username,
            self.address,
            self._wrong_passwords,
            policy.attempts_per_connection,
            passwords.failures(self.address),
        )
        await asyncio.sleep(delay)
        if self._wrong_passwords >= policy.attempts_per_connection:
            self._refuse(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                _("neuron-tui: wrong class password; check it and connect again"),
            )
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def auth_completed(self) -> None:
        # Only now does the connection count against the class caps.
        self.classroom.logging_in.leave(self)
        if self.is_teacher:
            # The teacher is not one of the learners: a full class never locks them out.
            log.info("the teacher logged in from %s (%s)", self.address, self.fingerprint)
            return
        hub = self.classroom.hub
        if self.fingerprint is not None and hub is not None:
            if not hub.bind(self.username, self.fingerprint):
                log.info("refused %r from %s: another key's name", self.username, self.address)
                self._refuse(
                    asyncssh.DISC_ILLEGAL_USER_NAME,
                    _("neuron-tui: the name {name} is already used by another learner's key; "
                      "log in with your own name").format(name=repr(self.username)),
                )
                return
        reason = self.classroom.admit(self)
        if reason is not None:
            log.info("turned away %r from %s: %s", self.username, self.address, reason)
            self._refuse(asyncssh.DISC_TOO_MANY_CONNECTIONS, reason)
            return
        # Only a lesson session may keep a connection open: close one that opens none.
        self._idle = asyncio.get_running_loop().call_later(
            self.config.login_timeout, self._close_if_idle
        )

    def _close_if_idle(self) -> None:
        self._idle = None
        if self.session is None and self.conn is not None:
            log.info("closed a connection from %s that opened no lesson", self.address)
            self.conn.disconnect(
                asyncssh.DISC_BY_APPLICATION, _("neuron-tui: this server only runs the lesson")
            )

    def session_started(self) -> None:
        """A lesson is running on this connection."""
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    def session_requested(self) -> LessonSession | bool:
        if self.session is not None:
            return False  # one session (one lesson) per connection
        self.session = LessonSession(self)
        return self.session

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        log.info("refused forwarding to %s:%s from %s", dest_host, dest_port, self.address)
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info("refused remote forwarding of port %s from %s", listen_port, self.address)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        return False

    def tun_requested(self, unit: int | None) -> bool:
        return False

    def tap_requested(self, unit: int | None) -> bool:
        return False


async def start_ssh_server(
    config: SSHServeConfig, classroom: Classroom | None = None
) -> tuple[asyncssh.SSHAcceptor, Classroom, asyncssh.SSHKey]:
    """Listen for learners; returns the acceptor, the shared classroom and the host key."""
    key = load_host_key(config.state_dir)
    explain_refused_user_names(asyncssh.connection, _(NAME_REFUSAL))
    classroom = classroom or Classroom(config)
    if classroom.training is None:
        training = TrainingService(socket_path_in(config.state_dir))
        try:
            await training.start()
            classroom.training = training
        except OSError as error:  # lessons then train by themselves, as stand-alone
            log.warning("no shared trainer: %s", error)
    if config.prefork and classroom.forkserver is None:
        # Started after the trainer, so what it imports sees the lessons' own environment.
        forkserver = ForkServer(classroom.learner_argv_env("zygote", "xterm-256color")[1])
        if forkserver.start():
            classroom.forkserver = forkserver
    ports: list[int] = [config.port]

    def factory() -> ClassroomServer:
        return ClassroomServer(classroom, ports[0])

    acceptor = await asyncssh.create_server(
        factory,
        config.host,
        config.port,
        server_host_keys=[key],
        compression_algs=config.compression_algs,
        login_timeout=config.login_timeout,
        keepalive_interval=config.keepalive_interval,
        keepalive_count_max=config.keepalive_count_max,
        password_auth=config.password is not None,
        # Keys are checked by ClassroomServer.validate_public_key (it learns which one).
        public_key_auth=config.authorized_keys is not None or config.teacher_keys is not None,
        kbdint_auth=False,
        host_based_auth=False,
        gss_host=None,
        gss_kex=False,
        gss_auth=False,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        sftp_factory=None,
        allow_pty=True,
        line_editor=False,
        encoding=None,
        reuse_address=True,
    )
    ports[0] = acceptor.get_port()
    return acceptor, classroom, key


def connect_host(host: str) -> str:
    """What learners type after the @: the host, or this computer's name for a wildcard."""
    if host in ("0.0.0.0", "::", ""):
        return socket.gethostname()
    return host


async def serve_forever(config: SSHServeConfig, out: Any = None, class_view: bool = False) -> int:
    """Run the server until SIGINT or SIGTERM; end every lesson before returning.

    With `class_view`, the class view runs on this terminal (the log goes to
    ``STATE/serve.log``) and quitting it stops the server.
    """
    from neuron_tui.serve.class_server import (
        ClassServerError,
        close_class,
        open_class,
        start_hub,
    )

    out = out or sys.stdout
    try:
        hub = open_class(config.state_dir, config.content, config.max_sessions)
    except ClassServerError as error:
        print(f"neuron-tui serve ssh: {error}", file=sys.stderr)
        return 1
    await start_hub(hub)
    classroom = Classroom(config)
    classroom.hub = hub
    try:
        acceptor, classroom, key = await start_ssh_server(config, classroom)
    except OSError as error:
        await close_class(hub)
        print(
            "neuron-tui serve ssh: " + _("cannot listen on {address}: {error}").format(
                address=f"{config.host}:{config.port}", error=error.strerror or error),
            file=sys.stderr,
        )
        return 1
    port = acceptor.get_port()
    host = connect_host(config.host)
    hub.serving = f"ssh -p {port} NAME@{host}"
    lines = _banner(config, port, host, key.get_fingerprint("sha256"), classroom, hub)
    print("\n".join(lines), file=out, flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    view = None
    try:
        if class_view and hub.listening:
            view = await _start_terminal_view(config, hub, lines, stop)
        await stop.wait()
    finally:
        if view is not None:
            await view.stop()
        acceptor.close()
        await classroom.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(acceptor.wait_closed(), 5)
        await close_class(hub)
    print(_("neuron-tui: server stopped."), file=out, flush=True)
    if view is not None and view.failed:
        print(
            "neuron-tui serve ssh: " + _("the class view stopped (exit {code}); the server's "
                                         "log is {path}").format(
                code=view.returncode, path=config.state_dir / "serve.log"),
            file=sys.stderr,
        )
        return 1
    return 0


def _banner(config: SSHServeConfig, port: int, host: str, fingerprint: str,
            classroom: Classroom, hub: ClassHub) -> list[str]:
    """What the server prints when it starts, in the teacher's language (labels aligned)."""
    if config.password is not None:
        auth = _("the class password given with --password")
    elif config.authorized_keys is not None:
        auth = _("a key listed in {path}").format(path=config.authorized_keys)
    else:
        auth = _("nothing (this computer only)")
    compression = _("zlib, uncompressed clients allowed") if config.allow_uncompressed else "zlib"
    rows: list[tuple[str, str]] = [
        (_("learners connect with:"), f"ssh -p {port} NAME@{host}"),
        ("", _("(NAME is any name a learner picks; progress is kept per name)")),
        (_("they log in with:"), auth),
        (_("host key fingerprint:"), f"{fingerprint} (ED25519)"),
        (_("compression:"), compression),
        (_("sessions:"), _("at most {total}, {per_address} per address").format(
            total=config.max_sessions, per_address=config.max_per_address)),
        (_("each lesson may use:"),
         config.lesson_limits.describe() if config.lesson_limits else _("no limits")),
        (_("progress is kept in:"), str(classroom.learners_dir)),
        (_("the class store:"), str(config.state_dir / "class.sqlite3")),
    ]
    if not hub.listening:
        rows.append((_("class view:"), _("not available (see the log)")))
    else:
        rows.append((_("class view:"), f"neuron-tui class --state-dir {config.state_dir}"))
        if config.teacher_keys is not None:
            rows.append((_("or over SSH:"), f"ssh -p {port} teacher@{host}"))
    width = max(len(label) for label, __ in rows) + 2
    return [
        _("neuron-tui: serving the lesson over SSH on {address}").format(
            address=f"{config.host}:{port}"),
        # The note under the command line stands on its own, two columns in.
        *(f"  {label:<{width}}{value}" if label else f"  {value}" for label, value in rows),
        _("Press Ctrl+C to stop (every running lesson is ended)."),
    ]


async def _start_terminal_view(
    config: SSHServeConfig, hub: ClassHub, banner: list[str], stop: asyncio.Event
) -> Any:
    """The class view on this terminal; the log goes to STATE/serve.log from now on."""
    from neuron_tui.serve.class_server import LOG_FILE, TerminalView, log_to_file

    log_to_file(config.state_dir / LOG_FILE)
    for line in banner:
        log.info("%s", line)
    view = TerminalView(hub.teacher_socket, stop.set)
    await view.start()
    return view
