"""The lessons' side of the class hub: lessons registered, welcomed and heard.

The server registers every lesson it starts (:meth:`LessonSide.register`: a token for
the lesson's environment) and ends it (:meth:`LessonSide.unregister`). A lesson connects
to ``STATE/run/lessons.sock``, says hello with its token, is welcomed with what the
store keeps of its learner and the pacing, then reports its learner's page, progress
and activity: the hub merges them into the live learner and saves them through its
store worker. Browser tabs (``serve web``) share one token, :meth:`LessonSide.open_door`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import secrets
from typing import Any

from neuron_tui.lesson.progress import Progress, merge
from neuron_tui.serve.hub_core import HubCore
from neuron_tui.serve.hub_pacing import goto
from neuron_tui.serve.hub_wire import Peer, read_message
from neuron_tui.serve.names import learner_key
from neuron_tui.serve.roster import STORE_ERRORS, Fetched, LiveLearner
from neuron_tui.serve.run_sockets import peer_is_this_user
from neuron_tui.serve.store_records import UNCLAIMED_PREFIX, Pacing

__all__ = ["LOAD_WAIT", "LessonSide"]

log = logging.getLogger("neuron_tui.serve.hub")

#: How long a lesson's welcome waits for the store's record of its learner.
LOAD_WAIT = 1.5


class LessonSide(HubCore):
    """The class hub as lessons see it; see the module docstring."""

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

        self._loads[key] = self.links.spawn(
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

    # ------------------------------------------------------------------ lessons' connections

    async def _serve_lesson(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        peer = self.links.track(writer)
        token: str | None = None
        anonymous = False
        try:
            if not peer_is_this_user(writer):
                return
            hello = await self.links.hello(reader)
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
