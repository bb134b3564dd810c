"""The other lesson nodes of a school, as one node's hub sees them: presence out and in.

With a store several nodes share (PostgreSQL), each hub publishes its own node (sessions,
cap, load average) and the learners connected to it now, at most once a second and only
what changed, with a heartbeat every :data:`HEARTBEAT_SECONDS`
(:meth:`School.changes`). A hub with a class view attached reads every node's presence
(:meth:`School.apply`) and builds the class from its own roster plus the learners the
other nodes hold (:meth:`School.rows`, :meth:`School.nodes`): a learner connected to
another node shows as connected there; one whose node has gone silent shows as last seen
on it. The tables and what "gone" means: :mod:`neuron_tui.serve.store_presence`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from neuron_tui.lesson.content import QuizQuestion
from neuron_tui.lesson.registry import Lesson
from neuron_tui.serve.roster import LiveLearner, learner_row
from neuron_tui.serve.store_presence import NodeRecord, Presence, PresenceRecord

__all__ = ["HEARTBEAT_SECONDS", "Publication", "School", "load_average"]

#: A node's row is written at least this often (seconds), changed or not.
HEARTBEAT_SECONDS = 5.0

#: What :meth:`School.changes` gives to write: the node, learners changed, keys gone, and
#: whether the node's old learner rows must go first.
Publication = tuple[NodeRecord, list[PresenceRecord], list[str], bool]


def load_average() -> float | None:
    """The machine's one-minute load average (None where the system does not tell)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


class School:
    """One hub's view of the other nodes; see the module docstring.

    Args:
        node: this node's name (unique in the school).
        started_at: when this node's hub started.
    """

    def __init__(self, node: str, started_at: float) -> None:
        self.node = node
        self.started_at = started_at
        #: Every node's presence as last read from the store.
        self.presence = Presence()
        self._published: dict[str, PresenceRecord] = {}
        self._node_shown: tuple[Any, ...] | None = None
        self._last_heartbeat = float("-inf")
        #: Set (from the store's thread) when a publication failed: publish all again.
        self._lost = threading.Event()
        self._lost.set()  # the first publication replaces whatever a killed run left
        self._seen: tuple[Any, ...] = ()

    # ------------------------------------------------------------------ out

    def changes(
        self, learners: Iterable[LiveLearner], sessions: int, max_sessions: int, now: float
    ) -> Publication | None:
        """What to publish now, or None when nothing changed and no heartbeat is due."""
        current = {
            one.key: PresenceRecord(self.node, one.key, one.name, one.page, one.page_since,
                                    one.last_activity, one.sessions)
            for one in learners if one.sessions > 0
        }
        reset = self._lost.is_set()
        if reset:
            self._lost.clear()
            self._published = {}
        changed = [record for key, record in current.items() if self._published.get(key) != record]
        gone = [key for key in self._published if key not in current]
        load = load_average()
        shown = (sessions, max_sessions, None if load is None else round(load, 1))
        due = now - self._last_heartbeat >= HEARTBEAT_SECONDS
        if not (reset or changed or gone or due or shown != self._node_shown):
            return None
        self._published, self._node_shown, self._last_heartbeat = current, shown, now
        node = NodeRecord(self.node, sessions, max_sessions, load, self.started_at, now)
        return node, changed, gone, reset

    def publication_failed(self) -> None:
        """The last publication did not reach the store: the next one writes everything."""
        self._lost.set()

    # ------------------------------------------------------------------ in

    def apply(self, presence: Presence, now: float) -> bool:
        """Keep the presence read from the store; whether the class view would change."""
        self.presence = presence
        seen = (
            tuple((node.name, node.sessions, node.max_sessions, node.load_average,
                   node.gone(now)) for node in presence.nodes if node.name != self.node),
            tuple(record for record in presence.learners if record.node != self.node),
        )
        changed, self._seen = seen != self._seen, seen
        return changed

    def _others(self) -> dict[str, NodeRecord]:
        return {node.name: node for node in self.presence.nodes if node.name != self.node}

    def nodes(self, sessions: int, max_sessions: int, now: float) -> list[dict[str, Any]]:
        """NODE of every node: this one first (as it is now), then the others by name."""
        shown = [{"name": self.node, "sessions": sessions, "max_sessions": max_sessions,
                  "load": load_average(), "gone": False, "heartbeat": now}]
        for node in sorted(self._others().values(), key=lambda node: node.name):
            shown.append({"name": node.name, "sessions": node.sessions,
                          "max_sessions": node.max_sessions, "load": node.load_average,
                          "gone": node.gone(now), "heartbeat": node.heartbeat})
        return shown

    def rows(
        self,
        learners: Mapping[str, LiveLearner],
        quiz: Sequence[QuizQuestion],
        lesson: Lesson,
        now: float,
    ) -> list[dict[str, Any]]:
        """Every learner's row L: this node's roster, with the other nodes' learners
        connected where they are, or last seen on a node that has gone."""
        others = self._others()
        elsewhere: dict[str, list[PresenceRecord]] = {}
        for record in self.presence.learners:
            if record.node in others:
                elsewhere.setdefault(record.key, []).append(record)
        rows = []
        for key in sorted(set(learners) | set(elsewhere)):
            learner = learners.get(key)
            if learner is not None and learner.sessions > 0:
                rows.append(learner_row(learner, quiz, lesson, self.node))
                continue
            found = elsewhere.get(key, [])
            base = learner or LiveLearner(key, found[0].name, first_seen=now, last_seen=now)
            if not found:
                rows.append(learner_row(base, quiz, lesson, ""))
                continue
            up = [record for record in found if not others[record.node].gone(now)]
            # The most recently active session is where the learner is.
            best = max(up or found, key=lambda record: (record.last_activity or 0.0,
                                                         record.page_since or 0.0))
            page = best.page if best.page and lesson.has_page(best.page) else base.page
            shown = replace(
                base, name=best.name, page=page,
                page_since=best.page_since or base.page_since,
                last_activity=max(base.last_activity or 0.0, best.last_activity or 0.0) or None,
                sessions=sum(record.sessions for record in up),
                last_seen=now if up else max(base.last_seen, others[best.node].heartbeat),
            )
            rows.append(learner_row(shown, quiz, lesson, best.node))
        return rows
