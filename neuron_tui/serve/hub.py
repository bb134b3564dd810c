"""The class hub: the live class in the server process, between lessons, class views and the store.

The server registers every lesson it starts (:meth:`ClassHub.register`: a
token for the lesson's environment) and ends it (:meth:`ClassHub.unregister`).
Lessons connect to ``STATE/run/lessons.sock``, say hello with their token and
report their learner's progress and activity; class views connect to
``STATE/run/teacher.sock``, get the whole class (at most four times a second,
after any change) and send pacing, messages and export requests. The wire is
:mod:`neuron_tui.serve.hub_wire`; the messages are those of docs/class-protocol.md.

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
import concurrent.futures
import contextlib
import logging
import secrets
import socket
import threading
import time
import unicodedata
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neuron_tui.lesson.content import QuizQuestion
from neuron_tui.lesson.progress import Progress, merge
from neuron_tui.lesson.registry import LESSON, Lesson
from neuron_tui.serve.hub_pacing import Pacer, goto
from neuron_tui.serve.hub_wire import Peer, listen_unix, peer_is_this_user, read_message
from neuron_tui.serve.names import learner_key
from neuron_tui.serve.results import export_path, export_results
from neuron_tui.serve.roster import STORE_ERRORS, Fetched, LiveLearner, Roster
from neuron_tui.serve.school import HEARTBEAT_SECONDS, School, load_average
from neuron_tui.serve.store_records import UNCLAIMED_PREFIX, Pacing
from neuron_tui.serve.store_worker import StoreWorker

if TYPE_CHECKING:
    from neuron_tui.serve.store_records import ClassStore, EventListener

__all__ = ["RUN_FOLDER", "ClassHub", "one_line"]

log = logging.getLogger("neuron_tui.serve.hub")

RUN_FOLDER = "run"
LESSONS_SOCKET = "lessons.sock"
TEACHER_SOCKET = "teacher.sock"
#: Class snapshots are sent at most this often (seconds apart): four a second.
SNAPSHOT_INTERVAL = 0.25
#: The longest message to everyone (characters).
MESSAGE_LIMIT = 200
#: How often the hub rereads the learners from the store (saves of other nodes, learners
#: removed by `neuron-tui class forget`) when no class view is attached.
SWEEP_INTERVAL = 5.0
#: How often, with a class view attached to a shared store, the hub reads every node's
#: presence and learners (and publishes its own presence, if it changed).
PRESENCE_INTERVAL = 1.0
#: A connection that says nothing for this long after connecting is closed.
HELLO_TIMEOUT = 10.0
#: How long a lesson's welcome waits for the store's record of its learner.
LOAD_WAIT = 1.5


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """`text` as one printable line of at most `limit` characters."""
    printable = "".join(
        " " if unicodedata.category(char).startswith(("C", "Z")) else char for char in text
    )
    return " ".join(printable.split())[:limit]


class ClassHub:
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
        #: The pacing and the last message in force, shared with the other nodes.
        self.pacer = Pacer(store, self.worker, self._to_lessons, self._changed, self._spawn,
                           self._part_number)
        #: token → learner key, for every lesson process running now.
        self.tokens: dict[str, str] = {}
        #: token → that lesson's connection, once it has said hello.
        self.lesson_peers: dict[str, Peer] = {}
        self.views: set[Peer] = set()
        self._servers: list[asyncio.AbstractServer] = []
        #: Every open connection (hello said or not), closed when the hub closes.
        self._peers: set[Peer] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        #: Work the hub started itself (store reads, events), cancelled when it closes.
        self._jobs: set[asyncio.Task[Any]] = set()
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

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        """Open both sockets; HubSocketError (one line) when they cannot be opened."""
        self._loop = self.pacer.loop = asyncio.get_running_loop()
        self._servers.append(await listen_unix(self.lesson_socket, self._serve_lesson))
        try:
            self._servers.append(await listen_unix(self.teacher_socket, self._serve_view))
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
        # Closing a connection ends its reader at once: no task needs cancelling.
        for peer in list(self._peers):
            peer.close()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2)
        for job in list(self._jobs):
            job.cancel()
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

    @property
    def shared(self) -> bool:
        """Whether other nodes share the store (PostgreSQL): pacing and presence travel."""
        return self._listener is not None

    async def flush(self) -> None:
        """Wait until every store call queued so far has been made."""
        await self.worker.flush()

    # ------------------------------------------------------------------ the server's side

    def register(self, name: str, fingerprint: str | None = None) -> str:
        """A lesson starts for `name`: returns its token (NEURON_TUI_CLASS_TOKEN)."""
        key = learner_key(name)
        now = self.clock()
        learner = self.roster.join(key, name, now)
        learner.fingerprint = fingerprint or learner.fingerprint
        learner.sessions += 1
        learner.last_seen = now
        unclaimed = any(k.startswith(UNCLAIMED_PREFIX) for k in self.learners)
        progress, page = learner.progress, None if learner.sessions == 1 else learner.page

        def join() -> tuple[Fetched, Pacing, str | None]:
            fetched = self.roster.fetch(key, unclaimed)
            # Kept from the first moment: the learner is in the class (and its export) even
            # before their lesson reports anything, under the name they typed this time.
            kept = fetched.record.page if fetched.record else None
            self.store.save_progress(key, name, progress, page or kept or learner.page, now)
            return fetched, self.store.pacing(), self.store.message()

        self._loads[key] = self._spawn(
            self._load(key, self.worker.submit("join", join), self.pacer.edits))
        token = secrets.token_hex(16)
        self.tokens[token] = key
        log.info("%s joined (%s)", name, self._part_name(learner.page))
        self._changed()
        return token

    def unregister(self, token: str) -> None:
        """The lesson started with `token` has ended."""
        key = self.tokens.pop(token, None)
        peer = self.lesson_peers.pop(token, None)
        if peer is not None:
            peer.close()
        learner = self.learners.get(key) if key is not None else None
        if learner is None:
            return
        learner.sessions = max(0, learner.sessions - 1)
        learner.last_seen = self.clock()
        if learner.sessions == 0:
            learner.reported = False
            log.info("%s left", learner.name)
        self._changed()

    async def bind_key(self, name: str, fingerprint: str) -> bool:
        """Bind `name` to the key `fingerprint` on first use; False if another key holds it.

        Made by the store worker: the event loop goes on meanwhile (a login waits).
        """
        try:
            bound = await self.worker.read(
                "check a key",
                lambda: self.store.bind_fingerprint(learner_key(name), name, fingerprint))
        except STORE_ERRORS as error:
            log.error("cannot check %s's key in the class store: %s", name, error)
            return False
        return self._bound(name, fingerprint, bound)

    def _bound(self, name: str, fingerprint: str, bound: bool) -> bool:
        if bound and learner_key(name) in self.learners:
            self.learners[learner_key(name)].fingerprint = fingerprint
        return bound

    def open_door(self) -> str:
        """A token every anonymous lesson may use (``serve web``'s tabs share one
        environment); each lesson that says hello with it is a new learner, ``web N``,
        connected while its connection lasts."""
        if self._door is None:
            self._door = secrets.token_hex(16)
        return self._door

    @property
    def listening(self) -> bool:
        """Whether both sockets are open (lessons and views can connect)."""
        return len(self._servers) == 2

    @property
    def sessions(self) -> int:
        """Lesson processes running now."""
        return len(self.tokens)

    # ------------------------------------------------------------------ lessons

    async def _serve_lesson(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        peer = self._track(writer)
        token: str | None = None
        anonymous = False
        try:
            if not peer_is_this_user(writer):
                return
            hello = await self._hello(reader)
            token = hello.get("token") if hello and hello["t"] == "hello" else None
            if token is not None and token == self._door:
                name = self.roster.anonymous_name(self.node if self.shared else "")
                token, anonymous = self.register(name), True
            if not isinstance(token, str) or token not in self.tokens:
                peer.send({"t": "refused", "why": "this lesson is not known to the class server"})
                token = None
                return
            old = self.lesson_peers.pop(token, None)
            if old is not None:  # one connection a lesson: the newest one
                old.close()
            await self._welcome(peer, self.tokens[token])
            if token not in self.tokens:
                return  # the lesson ended while its record was being read
            self.lesson_peers[token] = peer
            while (message := await read_message(reader)) is not None:
                if token not in self.tokens:
                    break
                self._from_lesson(self.tokens[token], message)
        finally:
            if token is not None and self.lesson_peers.get(token) is peer:
                del self.lesson_peers[token]
            if anonymous and token is not None:
                self.unregister(token)  # no server session behind it: it ends with its line
            peer.close()

    async def _load(
        self, key: str, joined: concurrent.futures.Future[tuple[Fetched, Pacing, str | None]],
        edits: int,
    ) -> None:
        """Merge what the store keeps of `key` into the live learner, and take the pacing
        (another process may have changed it), once the store worker has read them."""
        try:
            fetched, pace, said = await asyncio.wrap_future(joined)
        except STORE_ERRORS as error:
            log.error("cannot read %s from the class store: %s", key, error)
            learner = self.learners.get(key)
            if learner is not None:  # kept in the store as soon as it answers again
                self._save(learner, self.clock())
            return
        self.roster.absorb(fetched)
        if edits == self.pacer.edits:
            self.pacer.take(pace, said, announced=False)
        self._changed()

    async def _welcome(self, peer: Peer, key: str) -> None:
        loading = self._loads.get(key)
        if loading is not None:
            # A store that does not answer in time does not hold the lesson back: it
            # starts from its own file, and the record is merged when it comes.
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(loading), LOAD_WAIT)
        learner = self.learners[key]
        peer.send(
            {
                "t": "welcome",
                "name": learner.name,
                "progress": learner.progress,
                "pacing": self.pace.to_dict(),
                "message": self.said,
            }
        )
        start = self.pace.start
        if start is not None and not self.roster.has_started(learner):
            peer.send(goto(start))

    def _from_lesson(self, key: str, message: dict[str, Any]) -> None:
        learner = self.learners[key]
        now = self.clock()
        learner.last_seen = learner.last_activity = now
        page = message.get("page")
        if isinstance(page, str) and self.lesson.has_page(page):
            learner.reported = True
            if page != learner.page:
                learner.page, learner.page_since = page, now
                log.info("%s is on %s", learner.name, self._part_name(page))
        if message["t"] == "progress" and isinstance(message.get("progress"), dict):
            self._record_progress(learner, message["progress"], now)
        elif message["t"] == "activity":
            self.worker.write("note activity", lambda: self.store.touch(key, now),
                              slot=("touch", key))
        else:
            return
        self._changed()

    def _record_progress(self, learner: LiveLearner, reported: dict[str, Any], now: float) -> None:
        before = Progress.from_dict(learner.progress, self.lesson)
        # Merged, not replaced: a second session of the same learner never drops an answer.
        after = merge(Progress.from_dict(reported, self.lesson), before)
        for check in sorted(after.self_checks - before.self_checks):
            log.info("%s met the self-check %s", learner.name, check)
        for qid, option in sorted(after.quiz_answers.items()):
            if (before.quiz_answers.get(qid), before.quiz_answered_at.get(qid)) != (
                option,
                after.quiz_answered_at.get(qid),
            ):
                verdict = self._verdict(qid, option)
                log.info("%s answered question %s: %s", learner.name, qid, verdict)
        learner.progress = after.to_dict()
        self._save(learner, now)

    def _save(self, learner: LiveLearner, now: float) -> None:
        """Queue a save of the learner's whole progress (a later one replaces it unmade)."""
        key, name, progress, page = learner.key, learner.name, learner.progress, learner.page
        self.worker.write(
            "save progress", lambda: self.store.save_progress(key, name, progress, page, now),
            slot=("save", key))

    def _verdict(self, qid: str, option: int) -> str:
        letter = chr(ord("A") + option) if option < 26 else str(option)
        if not qid.isdigit() or not 1 <= int(qid) <= len(self.quiz):
            return letter
        right = self.quiz[int(qid) - 1].correct_index == option
        return f"{letter} ({'right' if right else 'wrong'})"

    # ------------------------------------------------------------------ class views

    async def _serve_view(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = self._track(writer)
        try:
            if not peer_is_this_user(writer):
                return
            hello = await self._hello(reader)
            if not hello or hello["t"] != "hello" or hello.get("role") != "teacher":
                peer.send({"t": "error", "text": "say hello as a teacher first"})
                return
            self.views.add(peer)
            peer.send(self.snapshot())
            if self.shared:
                self._spawn(self._refresh())  # the other nodes, as they are now
            while (message := await read_message(reader)) is not None:
                self._from_view(peer, message)
        finally:
            self.views.discard(peer)
            peer.close()

    def _from_view(self, peer: Peer, message: dict[str, Any]) -> None:
        kind = message["t"]
        if kind == "bring":
            error = self.bring(message.get("part"))
        elif kind == "hold":
            error = self.hold(message.get("part"))
        elif kind == "quiz":
            error = self.open_quiz(message.get("open"))
        elif kind == "message":
            error = self.say(message.get("text"))
        elif kind == "export":
            self._spawn(self._export(peer))
            return
        else:
            return
        if error:
            peer.send({"t": "error", "text": error})

    def _part_number(self, part: Any) -> int | None:
        if isinstance(part, int) and not isinstance(part, bool):
            if 1 <= part <= self.lesson.part_count:
                return part
        return None

    def bring(self, part: Any) -> str | None:
        """Move every connected learner (on every node) to `part`; an error text when it
        cannot be done."""
        number = self._part_number(part)
        if number is None:
            return f"there is no part {part}: choose {self.lesson.part_range}"
        pace = self.pace
        # Bringing the class somewhere opens the way there: a hold or a closed quiz before
        # it would make the lessons refuse the teacher's own move.
        hold = pace.hold if pace.hold is None or pace.hold >= number else number
        quiz_page = self.lesson.quiz_page
        opens_quiz = quiz_page is not None and quiz_page.number is not None and (
            quiz_page.number <= number
        )
        self.pacer.change(Pacing(hold, pace.quiz_open or opens_quiz, number))
        self.pacer.bring(number)
        log.info("the teacher brought everyone to Part %02d", number)
        return None

    def hold(self, part: Any) -> str | None:
        """Hold the class at `part` (None: release)."""
        number = self._part_number(part)
        if part is not None and number is None:
            return f"there is no part {part}: choose {self.lesson.part_range}"
        self.pacer.change(replace(self.pace, hold=number))
        log.info("the teacher %s", f"holds at Part {number:02d}" if number else "released the hold")
        return None

    def open_quiz(self, is_open: Any) -> str | None:
        """Open or close the quiz."""
        if not isinstance(is_open, bool):
            return "say whether the quiz is open (true or false)"
        self.pacer.change(replace(self.pace, quiz_open=is_open))
        log.info("the teacher %s the quiz", "opened" if is_open else "closed")
        return None

    def say(self, text: Any) -> str | None:
        """Send one line to everyone (on every node) now, and to everyone who connects later."""
        line = one_line(text) if isinstance(text, str) else ""
        if not line:
            return "the message is empty"
        self.pacer.say(line)
        log.info("the teacher said: %s", line)
        return None

    async def _export(self, peer: Peer) -> None:
        target = export_path(self.state_dir, self.clock())

        def write() -> tuple[Path, Path]:
            # Names are personal data: the folder is the server user's only.
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            return export_results(self.store, target, self.quiz)

        try:
            answers, summary = await self.worker.read("export the results", write)
        except STORE_ERRORS as error:
            peer.send({"t": "error", "text": f"the results could not be written: {error}"})
            return
        log.info("results written to %s and %s", answers, summary)
        peer.send({"t": "exported", "answers": str(answers), "summary": str(summary)})

    def snapshot(self) -> dict[str, Any]:
        """The whole class, as the class view gets it."""
        now = self.clock()
        if self.shared:
            learners = self.school.rows(self.learners, self.quiz, self.lesson, now)
            nodes = self.school.nodes(self.sessions, self.max_sessions, now)
        else:
            learners = self.roster.rows(self.quiz, self.node)
            nodes = [{"name": self.node, "sessions": self.sessions,
                      "max_sessions": self.max_sessions, "load": load_average()}]
        return {
            "t": "class",
            "at": now,
            "learners": learners,
            "pacing": self.pace.to_dict(),
            "message": self.said,
            "nodes": nodes,
            "quiz": [
                {"id": str(n), "options": [o.text for o in q.options], "answer": q.correct_index}
                for n, q in enumerate(self.quiz, start=1)
            ],
            "serving": self.serving,
        }

    @property
    def pace(self) -> Pacing:
        """The pacing in force."""
        return self.pacer.pace

    @property
    def said(self) -> str | None:
        """The last message to everyone, if any."""
        return self.pacer.said

    def _to_lessons(self, message: dict[str, Any]) -> None:
        for peer in list(self.lesson_peers.values()):
            peer.send(message)

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

    async def _refresh(self) -> None:
        """Reread the learners (other nodes' saves, `class forget`) and, on a shared store,
        every node's presence; a snapshot goes out if the class view would change."""
        shared = self.shared
        now = self.clock()
        try:
            records, presence = await self.worker.read(
                "read the class",
                lambda: (self.store.learners(), self.store.presence(now) if shared else None))
        except STORE_ERRORS as error:
            log.warning("cannot read the class from the store: %s", error)
            return
        changed = self.roster.refresh(records)
        if presence is not None:
            changed = self.school.apply(presence, self.clock()) or changed
        if changed:
            self._changed()

    # ------------------------------------------------------------------ helpers

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

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `work` on the loop, kept until done (cancelled when the hub closes)."""
        task = asyncio.get_running_loop().create_task(work)
        self._jobs.add(task)
        task.add_done_callback(self._jobs.discard)
        return task

    def _part_name(self, page: str) -> str:
        spec = self.lesson.page(page) if self.lesson.has_page(page) else None
        if spec is None:
            return page
        return f"Part {spec.number_text}" if spec.is_part else spec.title

    async def _hello(self, reader: asyncio.StreamReader) -> dict[str, Any] | None:
        try:
            return await asyncio.wait_for(read_message(reader), HELLO_TIMEOUT)
        except TimeoutError:
            return None

    def _track(self, writer: asyncio.StreamWriter) -> Peer:
        """A new connection's peer, kept (with its task) until the connection ends."""
        peer = Peer(writer)
        self._peers.add(peer)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)  # type: ignore[arg-type]
            task.add_done_callback(self._tasks.discard)
            task.add_done_callback(lambda _task: self._peers.discard(peer))
        return peer
