"""The class views' side of the class hub: what a view sees, and what the teacher does.

A class view connects to ``STATE/run/teacher.sock``, says hello as the teacher and gets
the whole class (:meth:`ViewSide.snapshot`), then again after any change, at most four
times a second; when other nodes share the store, the class is reread from it at once
(:meth:`ViewSide._refresh`, which the hub's timer also calls). The view sends pacing
(bring, hold, the quiz), messages to everyone and export requests; each is a method here.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

from neuron_tui.i18n import _
from neuron_tui.serve.hub_core import HubCore
from neuron_tui.serve.hub_wire import Peer, read_message
from neuron_tui.serve.results import export_path, export_results
from neuron_tui.serve.roster import STORE_ERRORS
from neuron_tui.serve.run_sockets import peer_is_this_user
from neuron_tui.serve.school import load_average
from neuron_tui.serve.store_records import Pacing

__all__ = ["MESSAGE_LIMIT", "ViewSide", "one_line"]

log = logging.getLogger("neuron_tui.serve.hub")

#: The longest message to everyone (characters).
MESSAGE_LIMIT = 200


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """`text` as one printable line of at most `limit` characters."""
    printable = "".join(
        " " if unicodedata.category(char).startswith(("C", "Z")) else char for char in text
    )
    return " ".join(printable.split())[:limit]


class ViewSide(HubCore):
    """The class hub as class views see it; see the module docstring."""

    async def _serve_view(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = self.links.track(writer)
        try:
            if not peer_is_this_user(writer):
                return
            hello = await self.links.hello(reader)
            if not hello or hello["t"] != "hello" or hello.get("role") != "teacher":
                peer.send({"t": "error", "text": "say hello as a teacher first"})
                return
            self.views.add(peer)
            peer.send(self.snapshot())
            if self.shared:
                self.links.spawn(self._refresh())  # the other nodes, as they are now
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
            self.links.spawn(self._export(peer))
            return
        else:
            return
        if error:
            peer.send({"t": "error", "text": error})

    def bring(self, part: Any) -> str | None:
        """Move every connected learner (on every node) to `part`; an error text when it
        cannot be done."""
        number = self._part_number(part)
        if number is None:
            return _("there is no part {part}: choose {parts}").format(
                part=part, parts=self.lesson.part_range)
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
            return _("there is no part {part}: choose {parts}").format(
                part=part, parts=self.lesson.part_range)
        self.pacer.change(replace(self.pace, hold=number))
        log.info("the teacher %s", f"holds at Part {number:02d}" if number else "released the hold")
        return None

    def open_quiz(self, is_open: Any) -> str | None:
        """Open or close the quiz."""
        if not isinstance(is_open, bool):
            return _("say whether the quiz is open (true or false)")
        self.pacer.change(replace(self.pace, quiz_open=is_open))
        log.info("the teacher %s the quiz", "opened" if is_open else "closed")
        return None

    def say(self, text: Any) -> str | None:
        """Send one line to everyone (on every node) now, and to everyone who connects later."""
        line = one_line(text) if isinstance(text, str) else ""
        if not line:
            return _("the message is empty")
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
            peer.send({"t": "error", "text": _("the results could not be written: {error}").format(
                error=error)})
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
