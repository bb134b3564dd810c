"""The class hub: the live class in the server process, between lessons, class views and the store.

The server registers every lesson it starts (:meth:`ClassHub.register`: a
token for the lesson's environment) and ends it (:meth:`ClassHub.unregister`).
Lessons connect to ``STATE/run/lessons.sock``, say hello with their token and
report their learner's progress and activity; class views connect to
``STATE/run/teacher.sock``, get the whole class (at most four times a second,
after any change) and send pacing, messages and export requests. The hub is the
only writer of the class store; pacing and the last message live there, so they
survive a restart and reach learners who connect later. The wire is
:mod:`neuron_tui.serve.hub_wire`; the messages are those of docs/class-protocol.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import socket
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neuron_tui.i18n import _
from neuron_tui.lesson.content import QuizQuestion
from neuron_tui.lesson.progress import Progress, merge
from neuron_tui.lesson.registry import LESSON, Lesson
from neuron_tui.serve.hub_wire import Peer, listen_unix, peer_is_this_user, read_message
from neuron_tui.serve.names import learner_key
from neuron_tui.serve.results import export_path, export_results
from neuron_tui.serve.roster import STORE_ERRORS, LiveLearner, Roster

if TYPE_CHECKING:
    from neuron_tui.serve.store_records import ClassStore

__all__ = ["RUN_FOLDER", "ClassHub", "one_line"]

log = logging.getLogger("neuron_tui.serve.hub")

RUN_FOLDER = "run"
LESSONS_SOCKET = "lessons.sock"
TEACHER_SOCKET = "teacher.sock"
#: Class snapshots are sent at most this often (seconds apart): four a second.
SNAPSHOT_INTERVAL = 0.25
#: The longest message to everyone (characters).
MESSAGE_LIMIT = 200
#: How often the hub looks for learners removed from the store by `neuron-tui class forget`.
SWEEP_INTERVAL = 5.0
#: A connection that says nothing for this long after connecting is closed.
HELLO_TIMEOUT = 10.0


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
        store: the class store (the hub is its only writer).
        quiz: the quiz the learners take (for scores and the view's wrong options).
        max_sessions: the server's cap on learners, shown to the view.
        serving: how learners connect (one line for the view, e.g. ``ssh -p 2222 NAME@host``).
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
        self.roster = Roster(store, lesson)
        #: Every learner by key (the roster's).
        self.learners = self.roster.learners
        #: token → learner key, for every lesson process running now.
        self.tokens: dict[str, str] = {}
        #: token → that lesson's connection, once it has said hello.
        self.lesson_peers: dict[str, Peer] = {}
        self.views: set[Peer] = set()
        self._servers: list[asyncio.AbstractServer] = []
        #: Every open connection (hello said or not), closed when the hub closes.
        self._peers: set[Peer] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._snapshot_timer: asyncio.TimerHandle | None = None
        self._last_snapshot = float("-inf")
        #: The token anonymous lessons share (browser tabs under `serve web`); None: none may.
        self._door: str | None = None
        self._sweeper: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        """Open both sockets; HubSocketError (one line) when they cannot be opened."""
        self._servers.append(await listen_unix(self.lesson_socket, self._serve_lesson))
        try:
            self._servers.append(await listen_unix(self.teacher_socket, self._serve_view))
        except Exception:
            await self.close()
            raise
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forgotten())

    async def close(self) -> None:
        """Stop listening, close every connection and remove the sockets."""
        if self._snapshot_timer is not None:
            self._snapshot_timer.cancel()
            self._snapshot_timer = None
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        for server in self._servers:
            server.close()
        # Closing a connection ends its reader at once: no task needs cancelling.
        for peer in list(self._peers):
            peer.close()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2)
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2)
        if self._servers:
            for path in (self.lesson_socket, self.teacher_socket):
                with contextlib.suppress(OSError):
                    path.unlink()
        self._servers.clear()

    # ------------------------------------------------------------------ the server's side

    def register(self, name: str, fingerprint: str | None = None) -> str:
        """A lesson starts for `name`: returns its token (NEURON_TUI_CLASS_TOKEN)."""
        key = learner_key(name)
        now = self.clock()
        learner = self.roster.join(key, name, now)
        learner.fingerprint = fingerprint or learner.fingerprint
        learner.sessions += 1
        learner.last_seen = now
        # Kept from the first moment: the learner is in the class (and its export) even
        # before their lesson reports anything, under the name they typed this time.
        self._store("save_progress", key, name, learner.progress, learner.page, now)
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
            log.info("%s left", learner.name)
        self._changed()

    def bind(self, name: str, fingerprint: str) -> bool:
        """Bind `name` to the key `fingerprint` on first use; False if another key holds it."""
        try:
            bound = self.store.bind_fingerprint(learner_key(name), name, fingerprint)
        except STORE_ERRORS as error:
            log.error("cannot check %s's key in the class store: %s", name, error)
            return False
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
                token, anonymous = self.register(self.roster.anonymous_name()), True
            if not isinstance(token, str) or token not in self.tokens:
                peer.send({"t": "refused", "why": "this lesson is not known to the class server"})
                token = None
                return
            old = self.lesson_peers.pop(token, None)
            if old is not None:  # one connection a lesson: the newest one
                old.close()
            self.lesson_peers[token] = peer
            self._welcome(peer, self.learners[self.tokens[token]])
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

    def _welcome(self, peer: Peer, learner: LiveLearner) -> None:
        peer.send(
            {
                "t": "welcome",
                "name": learner.name,
                "progress": learner.progress,
                "pacing": self._pacing(),
                "message": self._message(),
            }
        )
        start = self._start_part()
        if start is not None and not self.roster.has_started(learner):
            peer.send(self._goto(start))

    def _from_lesson(self, key: str, message: dict[str, Any]) -> None:
        learner = self.learners[key]
        now = self.clock()
        learner.last_seen = learner.last_activity = now
        page = message.get("page")
        if isinstance(page, str) and self.lesson.has_page(page) and page != learner.page:
            learner.page, learner.page_since = page, now
            log.info("%s is on %s", learner.name, self._part_name(page))
        if message["t"] == "progress" and isinstance(message.get("progress"), dict):
            self._record_progress(learner, message["progress"], now)
        elif message["t"] == "activity":
            self._store("touch", key, now)
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
        self._store("save_progress", learner.key, learner.name, learner.progress, learner.page, now)

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
            error = self._export(peer)
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
        """Move every connected learner to `part`; an error text when it cannot be done."""
        number = self._part_number(part)
        if number is None:
            return _("there is no part {part}: choose {parts}").format(
                part=part, parts=self.lesson.part_range)
        pacing = self._pacing()
        # Bringing the class somewhere opens the way there: a hold or a closed quiz before
        # it would make the lessons refuse the teacher's own move.
        hold = pacing["hold"] if pacing["hold"] is None or pacing["hold"] >= number else number
        quiz_page = self.lesson.quiz_page
        opens_quiz = quiz_page is not None and quiz_page.number is not None and (
            quiz_page.number <= number
        )
        quiz_open = pacing["quiz_open"] or opens_quiz
        if (hold, quiz_open) != (pacing["hold"], pacing["quiz_open"]):
            self._set_pacing(hold, quiz_open)
        self._store("set_start", number)
        goto = self._goto(number)
        for peer in list(self.lesson_peers.values()):
            peer.send(goto)
        log.info("the teacher brought everyone to Part %02d", number)
        self._changed()
        return None

    def hold(self, part: Any) -> str | None:
        """Hold the class at `part` (None: release)."""
        number = self._part_number(part)
        if part is not None and number is None:
            return _("there is no part {part}: choose {parts}").format(
                part=part, parts=self.lesson.part_range)
        self._set_pacing(number, self._pacing()["quiz_open"])
        log.info("the teacher %s", f"holds at Part {number:02d}" if number else "released the hold")
        return None

    def open_quiz(self, is_open: Any) -> str | None:
        """Open or close the quiz."""
        if not isinstance(is_open, bool):
            return _("say whether the quiz is open (true or false)")
        self._set_pacing(self._pacing()["hold"], is_open)
        log.info("the teacher %s the quiz", "opened" if is_open else "closed")
        return None

    def say(self, text: Any) -> str | None:
        """Send one line to everyone now, and to everyone who connects later."""
        line = one_line(text) if isinstance(text, str) else ""
        if not line:
            return _("the message is empty")
        if not self._store("set_message", line):
            return _("the message could not be kept in the class store")
        for peer in list(self.lesson_peers.values()):
            peer.send({"t": "message", "text": line})
        log.info("the teacher said: %s", line)
        self._changed()
        return None

    def _export(self, peer: Peer) -> str | None:
        target = export_path(self.state_dir, self.clock())
        try:
            # Names are personal data: the folder is the server user's only.
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            answers, summary = export_results(self.store, target, self.quiz)
        except STORE_ERRORS as error:
            return _("the results could not be written: {error}").format(error=error)
        log.info("results written to %s and %s", answers, summary)
        peer.send({"t": "exported", "answers": str(answers), "summary": str(summary)})
        return None

    def snapshot(self) -> dict[str, Any]:
        """The whole class, as the class view gets it."""
        return {
            "t": "class",
            "at": self.clock(),
            "learners": self.roster.rows(self.quiz, self.node),
            "pacing": self._pacing(),
            "message": self._message(),
            "nodes": [
                {"name": self.node, "sessions": self.sessions, "max_sessions": self.max_sessions}
            ],
            "quiz": [
                {"id": str(n), "options": [o.text for o in q.options], "answer": q.correct_index}
                for n, q in enumerate(self.quiz, start=1)
            ],
            "serving": self.serving,
        }

    # ------------------------------------------------------------------ helpers

    def _changed(self) -> None:
        """Something the views show changed: send a snapshot soon (at most 4 a second)."""
        if self._snapshot_timer is not None or not self.views:
            return
        loop = asyncio.get_running_loop()
        delay = max(0.0, self._last_snapshot + SNAPSHOT_INTERVAL - loop.time())
        self._snapshot_timer = loop.call_later(delay, self._send_snapshot)

    async def _sweep_forgotten(self) -> None:
        """Drop learners `neuron-tui class forget` removed (from beside the server) from the
        class view too; one connected now stays until they leave (their lesson holds the data)."""
        while True:
            await asyncio.sleep(SWEEP_INTERVAL)
            if self.roster.sweep():
                self._changed()

    def _send_snapshot(self) -> None:
        self._snapshot_timer = None
        self._last_snapshot = asyncio.get_running_loop().time()
        snapshot = self.snapshot()
        for view in list(self.views):
            if not view.send(snapshot):
                self.views.discard(view)

    def _set_pacing(self, hold: int | None, quiz_open: bool) -> None:
        self._store("set_pacing", hold, quiz_open)
        pacing = {"t": "pacing", "hold": hold, "quiz_open": quiz_open}
        for peer in list(self.lesson_peers.values()):
            peer.send(pacing)
        self._changed()

    def _pacing(self) -> dict[str, Any]:
        try:
            pacing = self.store.pacing()
        except STORE_ERRORS as error:
            log.error("cannot read the pacing from the class store: %s", error)
            return {"hold": None, "quiz_open": True}
        return {"hold": pacing.hold, "quiz_open": pacing.quiz_open}

    def _message(self) -> str | None:
        try:
            return self.store.message()
        except STORE_ERRORS as error:
            log.error("cannot read the message from the class store: %s", error)
            return None

    def _store(self, method: str, *args: Any) -> bool:
        """Call a store method; a failure is logged (the lessons keep their own files)."""
        try:
            getattr(self.store, method)(*args)
        except STORE_ERRORS as error:
            log.error("the class store could not %s: %s", method.replace("_", " "), error)
            return False
        return True

    def _goto(self, number: int) -> dict[str, Any]:
        return {
            "t": "goto",
            "part": number,
            "why": f"Your teacher brought everyone to Part {number:02d}.",
        }

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

    def _start_part(self) -> int | None:
        try:
            return self.store.pacing().start
        except STORE_ERRORS as error:
            log.error("cannot read the pacing from the class store: %s", error)
            return None
