"""The hub's roster: every learner of the class, as the store keeps them plus what is live.

:class:`Roster` loads the learners from the class store when the hub is made, adds
one from memory when their lesson starts and merges in what the store keeps of them
once the hub's store worker has read it (:meth:`Roster.fetch` runs in that thread,
:meth:`Roster.absorb` on the event loop; the read claims an imported progress file of
theirs, if any). :meth:`Roster.refresh` brings the learners not connected here up to
the store (other nodes' saves, new learners) and drops those `neuron-tui class forget`
removed. :func:`learner_row` is what the class view gets for one learner
(docs/class-protocol.md, "L"). Reading the store never stops the class: a failure is
logged and the roster carries on with what it holds.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from neuron_tui.lesson.content import QuizQuestion
from neuron_tui.lesson.progress import Progress, merge
from neuron_tui.lesson.registry import LESSON, Lesson
from neuron_tui.serve.names import learner_key
from neuron_tui.serve.results import quiz_score
from neuron_tui.serve.store_records import UNCLAIMED_PREFIX, LearnerRecord, StoreError

if TYPE_CHECKING:
    from neuron_tui.serve.store_records import ClassStore

__all__ = ["STORE_ERRORS", "Fetched", "LiveLearner", "Roster", "learner_row"]

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
    #: Whether a lesson of theirs has reported a page to this hub (then the page is live).
    reported: bool = False


@dataclass(frozen=True)
class Fetched:
    """What the store keeps of one learner, read off the event loop (:meth:`Roster.fetch`)."""

    key: str
    record: LearnerRecord | None
    #: The imports still unclaimed (None: not asked).
    unclaimed: list[LearnerRecord] | None


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
        """The learner `key` whose lesson starts now, from memory (known, or new): what the
        store keeps of them arrives later (:meth:`fetch` off the event loop, then
        :meth:`absorb`)."""
        learner = self.learners.get(key)
        if learner is None:
            learner = LiveLearner(key, name, first_seen=now, last_seen=now, page_since=now)
            self.learners[key] = learner
        learner.name = name
        return learner

    def fetch(self, key: str, unclaimed: bool) -> Fetched:
        """What the store keeps of `key` (claiming their imported file, if any) and, when
        the roster shows `unclaimed` imports, which are still unclaimed. Store calls only:
        made in the store's thread; :meth:`absorb` applies the result."""
        record = self.store.learner(key)
        still = None
        if unclaimed:
            still = [one for one in self.store.learners() if not one.claimed]
        return Fetched(key, record, still)

    def absorb(self, fetched: Fetched) -> None:
        """Merge what the store keeps of a learner into the live one (never losing what
        their lesson reported meanwhile)."""
        if fetched.unclaimed is not None:
            # The learner may have just claimed an imported file: it is not a row of its own
            # any more.
            for stale in [k for k in self.learners if k.startswith(UNCLAIMED_PREFIX)]:
                del self.learners[stale]
            for record in fetched.unclaimed:
                self.learners[record.key] = self._from_record(record)
        learner = self.learners.get(fetched.key)
        if learner is None or fetched.record is None:
            return
        self._merge(learner, fetched.record, take_page=not learner.reported)

    def refresh(self, records: list[LearnerRecord]) -> bool:
        """Bring the learners not connected here up to the store (other nodes' learners
        and saves; imports), drop those `neuron-tui class forget` removed; whether any
        changed. Connected learners are this hub's own: their lesson is the truth."""
        changed = False
        kept = set()
        for record in records:
            kept.add(record.key)
            learner = self.learners.get(record.key)
            if learner is None:
                self.learners[record.key] = self._from_record(record)
                changed = True
            elif not learner.sessions:
                before = (learner.name, learner.progress, learner.page, learner.last_seen,
                          learner.last_activity, learner.fingerprint)
                self._merge(learner, record, take_page=True)
                changed = changed or before != (learner.name, learner.progress, learner.page,
                                                learner.last_seen, learner.last_activity,
                                                learner.fingerprint)
        gone = [k for k, one in self.learners.items() if not one.sessions and k not in kept]
        for key in gone:
            del self.learners[key]
        return changed or bool(gone)

    def _merge(self, learner: LiveLearner, record: LearnerRecord, take_page: bool) -> None:
        mine = Progress.from_dict(learner.progress, self.lesson)
        # The newer side's resume page wins: the store's, unless this hub's lesson reported.
        merged = merge(record.progress, mine) if take_page else merge(mine, record.progress)
        if merged != mine:  # a new learner's progress stays {} until they do something
            learner.progress = merged.to_dict()
        if record.first_seen:
            learner.first_seen = min(learner.first_seen or record.first_seen, record.first_seen)
        learner.last_seen = max(learner.last_seen, record.last_seen)
        if record.last_activity is not None:
            learner.last_activity = max(learner.last_activity or 0.0, record.last_activity)
        learner.fingerprint = learner.fingerprint or record.fingerprint
        if not learner.sessions:
            learner.name = record.name
        if take_page:
            page = record.page if record.page and self.lesson.has_page(record.page) else None
            page = page or record.progress.resume_page
            if page != learner.page and self.lesson.has_page(page):
                learner.page, learner.page_since = page, record.last_seen

    def anonymous_name(self, node: str = "") -> str:
        """A name no learner has yet: "web 1", "web 2" ...; with `node` (nodes sharing a
        store, each numbering its own tabs), "web NODE-1" ..., so two never meet."""
        prefix = f"{ANONYMOUS_PREFIX}{node}-" if node else ANONYMOUS_PREFIX
        key_prefix = learner_key(prefix)
        number = 1 + sum(1 for key in self.learners if key.startswith(key_prefix))
        while learner_key(f"{prefix}{number}") in self.learners:
            number += 1
        return f"{prefix}{number}"

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
