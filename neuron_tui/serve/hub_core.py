"""What every side of the class hub shares: its state, and the snapshots it sends views.

:class:`HubCore` holds the live class of one node (learners, lessons' tokens and
connections, class views, the pacer, the store worker, the school) and what both of
its sides use: the pacing in force, the names of parts, and :meth:`HubCore._changed`,
which sends the class views a snapshot at most four times a second. The lessons' side
is :mod:`neuron_tui.serve.hub_lessons`, the views' side :mod:`neuron_tui.serve.hub_views`;
:class:`~neuron_tui.serve.hub.ClassHub` is both, and starts and stops them.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neuron_tui.lesson.content import QuizQuestion
from neuron_tui.lesson.registry import LESSON, Lesson
from neuron_tui.serve.hub_links import Links
from neuron_tui.serve.hub_pacing import Pacer
from neuron_tui.serve.hub_wire import Peer
from neuron_tui.serve.roster import STORE_ERRORS, Roster
from neuron_tui.serve.school import School
from neuron_tui.serve.store_records import Pacing
from neuron_tui.serve.store_worker import StoreWorker

if TYPE_CHECKING:
    from neuron_tui.serve.store_records import ClassStore, EventListener

__all__ = ["RUN_FOLDER", "SNAPSHOT_INTERVAL", "HubCore"]

RUN_FOLDER = "run"
LESSONS_SOCKET = "lessons.sock"
TEACHER_SOCKET = "teacher.sock"
#: Class snapshots are sent at most this often (seconds apart): four a second.
SNAPSHOT_INTERVAL = 0.25


class HubCore:
    """The state of a class hub and what its sides share; see the module docstring.

    Its arguments are :class:`~neuron_tui.serve.hub.ClassHub`'s (described there).
    """

    def __init__(
        self,
        state_dir: Path,
        store: ClassStore,
        quiz: Sequence[QuizQuestion] = (),
        *,
        lesson: Lesson = LESSON,
        max_sessions: int = 40,
        serving: str = "",
        node: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state_dir = state_dir
        self.run_dir = state_dir / RUN_FOLDER
        self.lesson_socket = self.run_dir / LESSONS_SOCKET
        self.teacher_socket = self.run_dir / TEACHER_SOCKET
        self.store = store
        self.quiz = tuple(quiz)
        self.lesson = lesson
        self.max_sessions = max_sessions
        self.serving = serving
        self.node = node or socket.gethostname()
        self.clock = clock
        # Read once, before the hub serves anyone: later reads go through the worker.
        self.roster = Roster(store, lesson)
        #: Every learner by key (the roster's).
        self.learners = self.roster.learners
        #: Makes every store call, in order, off the event loop.
        self.worker = StoreWorker(STORE_ERRORS)
        #: The other nodes, when the store is shared (PostgreSQL).
        self.school = School(self.node, clock())
        #: Every connection and every job the hub started, ended when it closes.
        self.links = Links()
        #: The pacing and the last message in force, shared with the other nodes.
        self.pacer = Pacer(store, self.worker, self._to_lessons, self._changed, self.links.spawn,
                           self._part_number)
        #: token → learner key, for every lesson process running now.
        self.tokens: dict[str, str] = {}
        #: token → that lesson's connection, once it has said hello.
        self.lesson_peers: dict[str, Peer] = {}
        self.views: set[Peer] = set()
        self._servers: list[asyncio.AbstractServer] = []
        #: learner key → the reading of their record, awaited by their lesson's welcome.
        self._loads: dict[str, asyncio.Task[None]] = {}
        self._snapshot_timer: asyncio.TimerHandle | None = None
        self._last_snapshot = float("-inf")
        #: The token anonymous lessons share (browser tabs under `serve web`); None: none may.
        self._door: str | None = None
        self._ticker: asyncio.Task[None] | None = None
        #: Set while a presence publication waits in the store worker's queue.
        self._publishing = threading.Event()
        self._listener: EventListener | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    @property
    def shared(self) -> bool:
        """Whether other nodes share the store (PostgreSQL): pacing and presence travel."""
        return self._listener is not None

    @property
    def listening(self) -> bool:
        """Whether both sockets are open (lessons and views can connect)."""
        return len(self._servers) == 2

    @property
    def sessions(self) -> int:
        """Lesson processes running now."""
        return len(self.tokens)

    @property
    def pace(self) -> Pacing:
        """The pacing in force."""
        return self.pacer.pace

    @property
    def said(self) -> str | None:
        """The last message to everyone, if any."""
        return self.pacer.said

    async def flush(self) -> None:
        """Wait until every store call queued so far has been made."""
        await self.worker.flush()

    def snapshot(self) -> dict[str, Any]:
        """The whole class, as the class view gets it (made by the views' side)."""
        raise NotImplementedError

    def _changed(self) -> None:
        """Something the views show changed: send a snapshot soon (at most 4 a second)."""
        if self._snapshot_timer is not None or not self.views:
            return
        loop = asyncio.get_running_loop()
        delay = max(0.0, self._last_snapshot + SNAPSHOT_INTERVAL - loop.time())
        self._snapshot_timer = loop.call_later(delay, self._send_snapshot)

    def _send_snapshot(self) -> None:
        self._snapshot_timer = None
        self._last_snapshot = asyncio.get_running_loop().time()
        snapshot = self.snapshot()
        for view in list(self.views):
            if not view.send(snapshot):
                self.views.discard(view)

    def _to_lessons(self, message: dict[str, Any]) -> None:
        for peer in list(self.lesson_peers.values()):
            peer.send(message)

    def _part_number(self, part: Any) -> int | None:
        if isinstance(part, int) and not isinstance(part, bool):
            if 1 <= part <= self.lesson.part_count:
                return part
        return None

    def _part_name(self, page: str) -> str:
        spec = self.lesson.page(page) if self.lesson.has_page(page) else None
        if spec is None:
            return page
        return f"Part {spec.number_text}" if spec.is_part else spec.title
