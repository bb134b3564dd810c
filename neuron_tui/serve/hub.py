"""The class hub: the live class in the server process, between lessons, class views and the store.

The server registers every lesson it starts (:meth:`ClassHub.register`: a
token for the lesson's environment) and ends it (:meth:`ClassHub.unregister`).
Lessons connect to ``STATE/run/lessons.sock``, say hello with their token and
report their learner's progress and activity; class views connect to
``STATE/run/teacher.sock``, get the whole class (at most four times a second,
after any change) and send pacing, messages and export requests. The wire is
:mod:`neuron_tui.serve.hub_wire`; the messages are those of docs/class-protocol.md.

The lessons' side is :mod:`neuron_tui.serve.hub_lessons`, the views' side
:mod:`neuron_tui.serve.hub_views`, the state they share :mod:`neuron_tui.serve.hub_core`;
this module starts and stops the hub, and keeps it in step with the store on a timer.

The hub never calls the store on its event loop (but in :meth:`ClassHub.bind`): every
store call is made, in order, by its :class:`~neuron_tui.serve.store_worker.StoreWorker`
thread, so a slow or restarting database never stalls a lesson. The hub holds the pacing
and the last message itself (:mod:`neuron_tui.serve.hub_pacing`: read from the store at
start, kept there on every change, so they survive a restart). On a store several nodes
share (PostgreSQL), each change of pacing is also announced to the other nodes (NOTIFY),
whose hubs apply it to their own lessons as if their own view had sent it; and each hub
publishes its presence, so a class view on any node shows the learners of every node
(:mod:`neuron_tui.serve.school`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from neuron_tui.serve.hub_core import RUN_FOLDER, SNAPSHOT_INTERVAL
from neuron_tui.serve.hub_lessons import LessonSide
from neuron_tui.serve.hub_views import ViewSide, one_line
from neuron_tui.serve.hub_wire import MAX_LINE
from neuron_tui.serve.roster import STORE_ERRORS
from neuron_tui.serve.run_sockets import listen_private
from neuron_tui.serve.school import HEARTBEAT_SECONDS

__all__ = ["RUN_FOLDER", "SNAPSHOT_INTERVAL", "ClassHub", "one_line"]

log = logging.getLogger("neuron_tui.serve.hub")

#: How often the hub rereads the learners from the store (saves of other nodes, learners
#: removed by `neuron-tui class forget`) when no class view is attached.
SWEEP_INTERVAL = 5.0
#: How often, with a class view attached to a shared store, the hub reads every node's
#: presence and learners (and publishes its own presence, if it changed).
PRESENCE_INTERVAL = 1.0


class ClassHub(LessonSide, ViewSide):
    """The live class; see the module docstring.

    Args:
        state_dir: the server's state folder (sockets in ``run/``, exports in ``exports/``).
        store: the class store (this node's hub writes through its own store worker).
        quiz: the quiz the learners take (for scores and the view's wrong options).
        max_sessions: the server's cap on learners, shown to the view.
        serving: how learners connect (one line for the view, e.g. ``ssh -p 2222 NAME@host``).
        node: this node's name, unique in the school (default: the host name).
        clock: seconds since the epoch (tests pass their own).
    """

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        """Open both sockets; HubSocketError (one line) when they cannot be opened."""
        self._loop = self.pacer.loop = asyncio.get_running_loop()
        lessons = await listen_private(self.lesson_socket, self._serve_lesson, limit=MAX_LINE)
        self._servers.append(lessons)
        try:
            views = await listen_private(self.teacher_socket, self._serve_view, limit=MAX_LINE)
            self._servers.append(views)
        except Exception:
            await self.close()
            raise
        await self.pacer.reread(starting=True)
        try:
            self._listener = self.store.listen(self.pacer.heard)
        except STORE_ERRORS as error:  # pragma: no cover - listen only starts a thread
            log.error("cannot hear the other nodes: %s", error)
        if self.shared:
            self._publish()
        self._ticker = self._loop.create_task(self._tick())

    async def close(self) -> None:
        """Stop listening, close every connection, make the store calls still queued and
        remove the sockets (the store itself stays open: it is the caller's)."""
        if self._snapshot_timer is not None:
            self._snapshot_timer.cancel()
            self._snapshot_timer = None
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        for server in self._servers:
            server.close()
        await self.links.close()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2)
        if self._servers:
            for path in (self.lesson_socket, self.teacher_socket):
                with contextlib.suppress(OSError):
                    path.unlink()
        self._servers.clear()
        if self._closed:
            return
        self._closed = self.pacer.closed = True
        if self._listener is not None:
            await asyncio.to_thread(self._listener.close)
            # A node that stops cleanly leaves the school: its learners have left it.
            self.worker.write("leave the school", lambda: self.store.remove_node(self.node))
        await asyncio.to_thread(self.worker.close)

    # ------------------------------------------------------------------ the store, on a timer

    async def _tick(self) -> None:
        """Publish this node's presence (shared store), reread the class (every second
        with a view attached to a shared store, else every SWEEP_INTERVAL) and retry the
        store writes that failed."""
        loop = asyncio.get_running_loop()
        last_read = last_retry = loop.time()
        while True:
            await asyncio.sleep(min(PRESENCE_INTERVAL, SWEEP_INTERVAL))
            now = loop.time()
            if self.shared:
                self._publish()
            every = PRESENCE_INTERVAL if self.views and self.shared else SWEEP_INTERVAL
            if now - last_read >= min(every, SWEEP_INTERVAL):
                last_read = now
                await self._refresh()
            if now - last_retry >= HEARTBEAT_SECONDS:
                last_retry = now
                self.worker.retry()
                if self.shared:
                    await self.pacer.reread()  # in case an announcement was missed

    def _publish(self) -> None:
        if self._publishing.is_set():
            return  # the last one is still queued (a slow store): changes add up meanwhile
        published = self.school.changes(
            self.learners.values(), self.sessions, self.max_sessions, self.clock())
        if published is None:
            return
        node, changed, gone, reset = published

        def write() -> None:
            try:
                self.store.publish_presence(node, changed, gone, reset)
            except STORE_ERRORS:
                self.school.publication_failed()
                raise
            finally:
                self._publishing.clear()

        self._publishing.set()
        self.worker.write("publish presence", write)
