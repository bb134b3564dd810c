"""What every connection of `serve ssh` shares: :class:`Classroom`, the caps and the sessions.

Connections are counted against ``--max-sessions`` and ``--max-per-address`` once
they have logged in; the address is the learner's (behind a balancer with
``--proxy-protocol``, the one its PROXY header names, not the balancer's).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, Protocol

from neuron_tui.i18n import CLASS_LANGUAGE_VARIABLE, _, language
from neuron_tui.serve.auth import LoginGate, PasswordGuard, Throttle
from neuron_tui.serve.forkserver import ForkServer
from neuron_tui.serve.hub import ClassHub
from neuron_tui.serve.names import learner_file_name
from neuron_tui.serve.ssh_config import SSHServeConfig
from neuron_tui.serve.teacher import read_keys
from neuron_tui.serve.training_service import TrainingService

__all__ = ["LEARNERS_FOLDER", "Classroom"]

LEARNERS_FOLDER = "learners"


class Admitted(Protocol):
    """A connection as the classroom counts it (``ClassroomServer``: no import, no circle)."""

    address: str
    conn: Any


class Running(Protocol):
    """A running lesson session as the classroom ends it (``LessonSession``)."""

    def end(self) -> Awaitable[None]: ...


class Classroom:
    """State shared by every connection: the config, the caps and the running sessions."""

    def __init__(self, config: SSHServeConfig) -> None:
        self.config = config
        self.learners_dir = config.state_dir / LEARNERS_FOLDER
        self.learners_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.connections: set[Admitted] = set()
        self.sessions: set[Running] = set()
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

    def admit(self, server: Admitted) -> str | None:
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

    def release(self, server: Admitted) -> None:
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
            # The learner starts in the teacher's language and may pick another on the
            # opening (kept with their progress).
            CLASS_LANGUAGE_VARIABLE: language(),
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
