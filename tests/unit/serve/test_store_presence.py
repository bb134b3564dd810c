"""Presence and events in the class store, on SQLite and on PostgreSQL: each node's row and
its connected learners, changed-only writes, nodes gone silent, and (PostgreSQL only)
events between nodes with LISTEN/NOTIFY, including after a lost connection.
"""

from __future__ import annotations

import queue
import time
from pathlib import Path
from typing import Any

import psycopg

from neuron_tui.serve.store import open_store
from neuron_tui.serve.store_events import CHANNEL, RESYNC
from neuron_tui.serve.store_presence import (
    FORGET_AFTER,
    GONE_AFTER,
    NodeRecord,
    PresenceRecord,
)
from tests.unit.serve.store_fixtures import Opener


def node(name: str, heartbeat: float, sessions: int = 1) -> NodeRecord:
    return NodeRecord(name, sessions, 40, 0.25, 1.0, heartbeat)


def here(node_name: str, key: str, page: str = "part02", at: float = 5.0) -> PresenceRecord:
    return PresenceRecord(node_name, key, key.title(), page, at, at + 1, 1)


def test_each_node_publishes_its_row_and_learners_and_reads_every_node(reopen: Opener) -> None:
    one, two = reopen(), reopen()  # two nodes' stores on one database
    one.publish_presence(node("n1", 10.0), [here("n1", "ada")], [], reset=True)
    two.publish_presence(node("n2", 10.0, 2), [here("n2", "bo"), here("n2", "cy")], [])
    seen = one.presence(now=11.0)
    assert [n.name for n in seen.nodes] == ["n1", "n2"]
    assert [(p.node, p.key) for p in seen.learners] == [("n1", "ada"), ("n2", "bo"), ("n2", "cy")]
    # Changed-only: bo moves on, cy leaves; ada and n1's row are untouched by n2.
    two.publish_presence(node("n2", 12.0), [here("n2", "bo", "part03", 11.0)], ["cy"])
    seen = two.presence(now=12.0)
    assert [(p.node, p.key, p.page) for p in seen.learners] == [
        ("n1", "ada", "part02"), ("n2", "bo", "part03"),
    ]
    assert {n.name: n.sessions for n in seen.nodes} == {"n1": 1, "n2": 1}


def test_a_reset_drops_what_a_killed_run_of_the_node_left(reopen: Opener) -> None:
    store = reopen()
    store.publish_presence(node("n1", 10.0), [here("n1", "ada"), here("n1", "bo")], [])
    store.publish_presence(node("n1", 20.0), [here("n1", "cy")], [], reset=True)
    assert [p.key for p in store.presence(now=20.0).learners] == ["cy"]


def test_a_silent_node_is_gone_then_forgotten_and_a_stopped_one_leaves(reopen: Opener) -> None:
    store = reopen()
    store.publish_presence(node("n1", 100.0), [here("n1", "ada")], [])
    store.publish_presence(node("n2", 100.0), [here("n2", "bo")], [])
    (n1, _n2) = store.presence(now=100.0 + GONE_AFTER).nodes
    assert not n1.gone(100.0 + GONE_AFTER) and n1.gone(100.0 + GONE_AFTER + 0.1)
    store.remove_node("n2")  # a clean stop: its learners have left it
    assert [p.key for p in store.presence(now=101.0).learners] == ["ada"]
    later = store.presence(now=100.0 + FORGET_AFTER + 1)
    assert later.nodes == () and later.learners == ()


def test_sqlite_has_no_other_node_to_tell(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        store.announce({"t": "pacing"})
        assert store.listen(lambda event: None) is None
    finally:
        store.close()


# ---------------------------------------------------------------- PostgreSQL events


def next_event(
    events: queue.Queue[dict[str, Any]], kind: str, timeout: float = 5.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        event = events.get(timeout=max(0.01, deadline - time.monotonic()))
        if event["t"] == kind:
            return event


def test_an_announced_event_reaches_every_listening_node(
    tmp_path: Path, postgres_url: str
) -> None:
    one, two = open_store(tmp_path, postgres_url), open_store(tmp_path, postgres_url)
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    listener = two.listen(events.put)
    try:
        assert next_event(events, "resync") == RESYNC  # at once: reread what was missed
        one.announce({"t": "bring", "part": 4, "from": "x"})
        assert next_event(events, "bring", timeout=1.0) == {"t": "bring", "part": 4, "from": "x"}
        # Not ours (another program on the channel): skipped.
        with psycopg.connect(postgres_url, autocommit=True) as db:
            db.execute("SELECT pg_notify(%s, 'not json')", (CHANNEL,))
        one.announce({"t": "pacing"})
        assert next_event(events, "pacing", timeout=1.0) == {"t": "pacing"}
    finally:
        listener.close()
        one.close()
        two.close()


def test_a_lost_listen_connection_reconnects_and_resyncs(
    tmp_path: Path, postgres_url: str
) -> None:
    store = open_store(tmp_path, postgres_url)
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    listener = store.listen(events.put)
    try:
        next_event(events, "resync")
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            ended = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'neuron-tui listen' AND datname = current_database()"
            ).fetchall()
        assert ended == [(True,)]
        next_event(events, "resync")  # back, and told to reread
        store.announce({"t": "pacing"})
        assert next_event(events, "pacing", timeout=2.0) == {"t": "pacing"}
        assert listener.connections == 2
    finally:
        listener.close()
        store.close()
