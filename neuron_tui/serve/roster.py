"""The hub's roster: every learner of the class, as the store keeps them plus what is live.

:class:`Roster` loads the learners from the class store, adds one when their
lesson starts (claiming an imported progress file of theirs, if any), and drops
those `neuron-tui class forget` removed once they are not connected.
:func:`learner_row` is what the class view gets for one learner
(docs/class-protocol.md, "L"). Reading the store never stops the class: a
failure is logged and the roster carries on with what it holds.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from neuron_tui.lesson.content import QuizQuestion
from neuron_tui.lesson.progress import Progress
from neuron_tui.lesson.registry import LESSON, Lesson
from neuron_tui.serve.results import quiz_score
from neuron_tui.serve.store_records import UNCLAIMED_PREFIX, LearnerRecord, StoreError

if TYPE_CHECKING:
    from neuron_tui.serve.store_records import ClassStore

__all__ = ["STORE_ERRORS", "LiveLearner", "Roster", "learner_row"]

log = logging.getLogger("neuron_tui.serve.hub")

#: What the store may raise; the class carries on without that call (logged, never fatal).
STORE_ERRORS = (StoreError, sqlite3.Error, OSError, ValueError)
#: Anonymous learners (browser tabs) are named this and a number: "web 1", "web 2" ...
ANONYMOUS_PREFIX = "web "


@dataclass
class LiveLearner:
    """One learner as the hub knows them: the stored progress plus what is live right now."""

    key: str
    name: str
    progress: dict[str, Any] = field(default_factory=dict)
    first_seen: float = 0.0
    last_seen: float = 0.0
    page: str = LESSON.first
    page_since: float = 0.0
    last_activity: float | None = None
    fingerprint: str | None = None
    #: Lesson processes running for this learner now (0: not connected).
    sessions: int = 0


def learner_row(
    learner: LiveLearner, quiz: Sequence[QuizQuestion], lesson: Lesson, node: str
) -> dict[str, Any]:
    """The class view's row L for one learner (docs/class-protocol.md)."""
    progress = Progress.from_dict(learner.progress, lesson)
    # Scored as the results export scores it, so the view and the gradebook agree.
    score = quiz_score(progress, quiz)
    return {
        "key": learner.key,
        "name": learner.name,
        "connected": learner.sessions > 0,
        "first_seen": learner.first_seen,
        "last_seen": learner.last_seen,
        "page": learner.page,
        "page_since": learner.page_since,
        "last_activity": learner.last_activity,
        "parts_done": [key for key in lesson.part_keys if key in progress.done],
        "self_checks": sorted(progress.self_checks),
        "quiz_score": score.grade,
        "quiz_answered": score.answered,
        "answers": dict(sorted(progress.quiz_answers.items())),
        "missed": list(score.missed),
        "fingerprint": learner.fingerprint,
        "node": node,
    }


class Roster:
    """The learners of the class by key; see the module docstring."""

    def __init__(self, store: ClassStore, lesson: Lesson = LESSON) -> None:
        self.store = store
        self.lesson = lesson
        self.learners: dict[str, LiveLearner] = {}
        self.load()

    def load(self, unclaimed_only: bool = False) -> None:
        """Add the learners the store keeps (only imports nobody claimed yet, if asked)."""
        try:
            records = self.store.learners()
        except STORE_ERRORS as error:
            log.error("cannot read the learners from the class store: %s", error)
            return
        for record in records:
            if not unclaimed_only or not record.claimed:
                self.learners[record.key] = self._from_record(record)

    def join(self, key: str, name: str, now: float) -> LiveLearner:
        """The learner `key` whose lesson starts now: known, kept in the store, or new."""
        learner = self.learners.get(key)
        if learner is None:
            learner = self._stored(key) or LiveLearner(key, name, first_seen=now)
            learner.page_since = now
            self.learners[key] = learner
        learner.name = name
        return learner

    def sweep(self) -> bool:
        """Drop learners no longer in the store who are not connected; whether any went."""
        try:
            kept = {record.key for record in self.store.learners()}
        except STORE_ERRORS:
            return False
        gone = [k for k, one in self.learners.items() if not one.sessions and k not in kept]
        for key in gone:
            del self.learners[key]
        return bool(gone)

    def anonymous_name(self) -> str:
        """A name no learner has yet: "web 1", "web 2" ..."""
        number = 1 + sum(1 for key in self.learners if key.startswith(ANONYMOUS_PREFIX))
        while f"{ANONYMOUS_PREFIX}{number}" in self.learners:
            number += 1
        return f"{ANONYMOUS_PREFIX}{number}"

    def has_started(self, learner: LiveLearner) -> bool:
        """Whether the learner has been anywhere past the opening."""
        visited = Progress.from_dict(learner.progress, self.lesson).visited
        return bool(visited - {self.lesson.first}) or learner.page != self.lesson.first

    def rows(self, quiz: Sequence[QuizQuestion], node: str) -> list[dict[str, Any]]:
        """Every learner's row for the class view, by key."""
        return [
            learner_row(self.learners[key], quiz, self.lesson, node)
            for key in sorted(self.learners)
        ]

    def _stored(self, key: str) -> LiveLearner | None:
        """A learner the store keeps under `key` (claiming their imported file, if any)."""
        try:
            record = self.store.learner(key)
        except STORE_ERRORS as error:
            log.error("cannot read %s from the class store: %s", key, error)
            return None
        if record is None:
            return None
        unclaimed = [k for k in self.learners if k.startswith(UNCLAIMED_PREFIX)]
        if unclaimed:
            # The learner may have just claimed an imported file: it is not a row of its own
            # any more. Reread which imports are still unclaimed.
            for stale in unclaimed:
                del self.learners[stale]
            self.load(unclaimed_only=True)
        return self._from_record(record)

    def _from_record(self, record: LearnerRecord) -> LiveLearner:
        page = record.page if record.page and self.lesson.has_page(record.page) else None
        return LiveLearner(
            key=record.key,
            name=record.name,
            progress=record.progress.to_dict(),
            first_seen=record.first_seen,
            last_seen=record.last_seen,
            page=page or record.progress.resume_page,
            page_since=record.last_seen,
            last_activity=record.last_activity,
            fingerprint=record.fingerprint,
        )
