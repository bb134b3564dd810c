"""Presence in the class store: which lesson nodes are up, and who is connected to each.

Every node's hub publishes its own row of ``nodes`` (sessions, cap, load average,
heartbeat) and its rows of ``presence`` (one per learner connected to it now), at most
once a second and only what changed, plus a heartbeat every few seconds. A hub with a
class view attached reads every node's rows, so the teacher sees learners on every node.
A node whose heartbeat is older than :data:`GONE_AFTER` seconds has gone (killed, cut
off): the view shows it gone and its learners as last seen there.

The SQL is the same for SQLite and PostgreSQL (the stores pass their parameter mark and
their connection, inside their own transaction); the tables are migration 2's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FORGET_AFTER",
    "GONE_AFTER",
    "NodeRecord",
    "Presence",
    "PresenceRecord",
    "clear_learners",
    "publish",
    "read_presence",
    "remove_node",
]

#: A node silent for longer than this (seconds) is shown gone.
GONE_AFTER = 15.0
#: A node silent for longer than this (seconds) is no longer shown at all (its rows go).
FORGET_AFTER = 3600.0


@dataclass(frozen=True)
class NodeRecord:
    """One lesson node as its hub last published it."""

    name: str
    sessions: int
    max_sessions: int
    #: The node's one-minute load average (None where the system does not tell).
    load_average: float | None
    started_at: float
    heartbeat: float

    def gone(self, now: float) -> bool:
        """Whether the node has been silent too long to be up."""
        return now - self.heartbeat > GONE_AFTER


@dataclass(frozen=True)
class PresenceRecord:
    """One learner connected to one node, as that node's hub last published them."""

    node: str
    key: str
    name: str
    page: str | None
    page_since: float | None
    last_activity: float | None
    #: Lesson processes of this learner on that node.
    sessions: int


@dataclass(frozen=True)
class Presence:
    """Every node and every connected learner the store knows of."""

    nodes: tuple[NodeRecord, ...] = ()
    learners: tuple[PresenceRecord, ...] = ()


def publish(
    db: Any,
    mark: str,
    node: NodeRecord,
    changed: Sequence[PresenceRecord],
    gone: Sequence[str],
) -> None:
    """Upsert `node`'s row, its `changed` learners, and delete the keys in `gone`.

    `db` is a connection inside a transaction; `mark` its driver's parameter mark.
    """
    marks = ", ".join([mark] * 6)
    db.execute(
        "INSERT INTO nodes (node, sessions, max_sessions, load_average, started_at, heartbeat)"
        f" VALUES ({marks}) ON CONFLICT (node) DO UPDATE SET sessions = excluded.sessions,"
        " max_sessions = excluded.max_sessions, load_average = excluded.load_average,"
        " started_at = excluded.started_at, heartbeat = excluded.heartbeat",
        (node.name, node.sessions, node.max_sessions, node.load_average, node.started_at,
         node.heartbeat),
    )
    for key in gone:
        db.execute(f"DELETE FROM presence WHERE node = {mark} AND learner_key = {mark}",
                   (node.name, key))
    marks = ", ".join([mark] * 7)
    for one in changed:
        db.execute(
            "INSERT INTO presence (node, learner_key, name, page, page_since, last_activity,"
            f" sessions) VALUES ({marks}) ON CONFLICT (node, learner_key) DO UPDATE SET"
            " name = excluded.name, page = excluded.page, page_since = excluded.page_since,"
            " last_activity = excluded.last_activity, sessions = excluded.sessions",
            (node.name, one.key, one.name, one.page, one.page_since, one.last_activity,
             one.sessions),
        )


def clear_learners(db: Any, mark: str, node: str) -> None:
    """Delete every presence row of `node` (its hub starts afresh: nobody is connected)."""
    db.execute(f"DELETE FROM presence WHERE node = {mark}", (node,))


def remove_node(db: Any, mark: str, node: str) -> None:
    """Delete `node` and its learners (its hub closes: nobody is connected there now)."""
    db.execute(f"DELETE FROM nodes WHERE node = {mark}", (node,))


def read_presence(db: Any, mark: str, now: float) -> Presence:
    """Every node heard from within :data:`FORGET_AFTER` seconds, and their learners;
    older nodes are deleted on the way (nobody shows them any more)."""
    db.execute(f"DELETE FROM nodes WHERE heartbeat < {mark}", (now - FORGET_AFTER,))
    nodes = tuple(
        NodeRecord(*row) for row in db.execute(
            "SELECT node, sessions, max_sessions, load_average, started_at, heartbeat"
            " FROM nodes ORDER BY node").fetchall()
    )
    learners = tuple(
        PresenceRecord(*row) for row in db.execute(
            "SELECT node, learner_key, name, page, page_since, last_activity, sessions"
            " FROM presence ORDER BY node, learner_key").fetchall()
    )
    return Presence(nodes, learners)
