"""One class across two lesson nodes: two ClassHubs on one PostgreSQL store, in one process,
on real sockets, as two `serve ssh` nodes behind a balancer would run them.

Pacing sent to one node's class view reaches lessons connected to the other within a
second (NOTIFY); each node's class view shows the other's learners and node (presence);
a node killed outright (SIGKILL, another process) goes "gone" and its learners "last
seen". Skipped, with the reason, where the PostgreSQL server binaries are missing.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from neuron_tui.lesson.content import load_content
from neuron_tui.serve.hub import ClassHub
from neuron_tui.serve.store import open_store
from neuron_tui.serve.store_presence import GONE_AFTER
from tests.unit.serve.test_hub import Client, lesson, row, view

QUIZ = load_content().quiz
#: The repository's root (the other node's process imports neuron_tui from it).
ROOT = Path(__file__).resolve().parents[3]


class Skew:
    """A clock that can be moved forward (to see a silent node go without waiting)."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.time() + self.ahead


async def open_node(folder: Path, url: str, name: str,
                    clock: Callable[[], float] = time.time) -> ClassHub:
    hub = ClassHub(folder, open_store(folder, url), QUIZ, max_sessions=30, node=name,
                   clock=clock)
    await hub.start()
    return hub


async def close_node(hub: ClassHub) -> None:
    await hub.close()
    hub.store.close()


@pytest.fixture
async def nodes(tmp_path: Path, postgres_url: str) -> AsyncIterator[tuple[ClassHub, ClassHub]]:
    one = await open_node(tmp_path / "n1", postgres_url, "n1")
    two = await open_node(tmp_path / "n2", postgres_url, "n2")
    await listening(one, two)
    yield one, two
    await close_node(one)
    await close_node(two)


async def listening(*hubs: ClassHub) -> None:
    """Wait until every hub hears the others (its LISTEN connection is up)."""
    deadline = time.monotonic() + 10
    while not all(hub._listener.listening.is_set() for hub in hubs):  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "a node never started listening"
        await asyncio.sleep(0.02)


async def until(teacher: Client, ok: Callable[[dict[str, Any]], bool],
                timeout: float = 5.0) -> dict[str, Any]:
    """The first snapshot the view gets within `timeout` for which `ok` holds."""
    deadline = time.monotonic() + timeout
    while True:
        snapshot = await teacher.read_until("class", timeout=max(0.05, deadline - time.monotonic()))
        if ok(snapshot):
            return snapshot


async def test_pacing_on_one_node_reaches_lessons_on_the_other_within_a_second(
    nodes: tuple[ClassHub, ClassHub],
) -> None:
    one, two = nodes
    ada, _ = await lesson(two, "ada")  # on node 2
    teacher, _ = await view(one)  # the teacher's view on node 1
    took = []

    started = time.monotonic()
    await teacher.send({"t": "bring", "part": 4})
    goto = await ada.read_until("goto", timeout=1.0)
    took.append(time.monotonic() - started)
    assert goto["part"] == 4 and "Part 04" in goto["why"]

    started = time.monotonic()
    await teacher.send({"t": "hold", "part": 3})
    assert await ada.read_until("pacing", timeout=1.0) == {
        "t": "pacing", "hold": 3, "quiz_open": True}
    took.append(time.monotonic() - started)

    started = time.monotonic()
    await teacher.send({"t": "quiz", "open": False})
    assert await ada.read_until("pacing", timeout=1.0) == {
        "t": "pacing", "hold": 3, "quiz_open": False}
    took.append(time.monotonic() - started)

    started = time.monotonic()
    await teacher.send({"t": "message", "text": "Look at the board"})
    assert (await ada.read_until("message", timeout=1.0))["text"] == "Look at the board"
    took.append(time.monotonic() - started)
    assert max(took) < 1.0, took

    # A learner arriving later on node 2 gets all of it in the welcome, and the bring.
    _, welcome = await lesson(two, "cleo")
    assert welcome["pacing"] == {"hold": 3, "quiz_open": False}
    assert welcome["message"] == "Look at the board"
    assert two.pace.start == 4
    # The bring came once (an event, not state: rereading the pacing does not repeat it).
    with pytest.raises(TimeoutError):
        await ada.read_until("goto", timeout=0.5)
    for client in (ada, teacher):
        client.close()


async def test_each_view_shows_the_other_nodes_learners_and_the_node(
    nodes: tuple[ClassHub, ClassHub],
) -> None:
    one, two = nodes
    ada, _ = await lesson(two, "ada")
    await ada.send({"t": "activity", "page": "part03", "at": time.time()})
    await ada.send({"t": "progress", "page": "part03",
                    "progress": {"visited": ["opening", "part01", "part03"],
                                 "done": ["part01"], "resume_page": "part03"}})
    bo, _ = await lesson(one, "bo")
    teacher, _ = await view(one)
    started = time.monotonic()
    snapshot = await until(teacher, lambda s: any(
        r["name"] == "ada" and r["connected"] and r["page"] == "part03" and r["parts_done"]
        for r in s["learners"]))
    assert time.monotonic() - started < 2.5  # published within 1 s, read within 1 s
    ada_row, bo_row = row(snapshot, "ada"), row(snapshot, "bo")
    assert ada_row["connected"] and ada_row["node"] == "n2" and ada_row["parts_done"] == ["part01"]
    assert bo_row["connected"] and bo_row["node"] == "n1"
    by_name = {node["name"]: node for node in snapshot["nodes"]}
    assert set(by_name) == {"n1", "n2"}
    assert (by_name["n2"]["sessions"], by_name["n2"]["max_sessions"]) == (1, 30)
    assert not by_name["n2"]["gone"] and by_name["n1"]["sessions"] == 1
    # Ada leaves node 2: node 1's view sees her go within about a second.
    ada.close()
    two.unregister(next(iter(two.tokens)))
    snapshot = await until(teacher, lambda s: not row(s, "ada")["connected"])
    assert row(snapshot, "ada")["node"] == ""
    teacher.close()
    bo.close()


KILLED_NODE = textwrap.dedent("""
    import asyncio, json, sys
    from pathlib import Path
    from neuron_tui.serve.hub import ClassHub
    from neuron_tui.serve.store import open_store

    async def main():
        folder, url = Path(sys.argv[1]), sys.argv[2]
        hub = ClassHub(folder, open_store(folder, url), node="n2", max_sessions=30)
        await hub.start()
        reader, writer = await asyncio.open_unix_connection(str(hub.lesson_socket))
        writer.write((json.dumps({"t": "hello", "token": hub.register("dee")}) + "\\n").encode())
        await reader.readline()
        writer.write(b'{"t": "activity", "page": "part05"}\\n')
        await writer.drain()
        print("ready", flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())
""")


async def test_a_killed_node_goes_gone_and_its_learners_are_last_seen(
    tmp_path: Path, postgres_url: str
) -> None:
    clock = Skew()
    one = await open_node(tmp_path / "n1", postgres_url, "n1", clock)
    killed = subprocess.Popen(
        [sys.executable, "-c", KILLED_NODE, str(tmp_path / "n2"), postgres_url],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert killed.stdout is not None and killed.stdout.readline().strip() == "ready"
        teacher, _ = await view(one)
        snapshot = await until(teacher, lambda s: any(
            r["name"] == "dee" and r["connected"] and r["page"] == "part05"
            for r in s["learners"]))
        assert row(snapshot, "dee")["node"] == "n2"
        killed.send_signal(signal.SIGKILL)  # no goodbye: its rows stay as they were
        killed.wait(10)
        time.sleep(0.1)
        clock.ahead = GONE_AFTER + 1  # as if 16 s had passed without a heartbeat
        snapshot = await until(teacher, lambda s: not row(s, "dee")["connected"])
        dee = row(snapshot, "dee")
        assert dee["node"] == "n2" and dee["page"] == "part05"
        assert dee["last_seen"] <= time.time()  # last seen at n2's last heartbeat
        gone = next(node for node in snapshot["nodes"] if node["name"] == "n2")
        assert gone["gone"] and gone["sessions"] == 1
        teacher.close()
    finally:
        if killed.poll() is None:
            killed.kill()
            killed.wait(10)
        await close_node(one)


async def test_a_lost_listen_connection_comes_back_and_rereads_the_pacing(
    nodes: tuple[ClassHub, ClassHub], postgres_url: str
) -> None:
    import psycopg

    one, two = nodes
    ada, _ = await lesson(two, "ada")
    teacher, _ = await view(one)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'neuron-tui listen' AND datname = current_database()"
        ).fetchall()
    assert ended == [(True,), (True,)]  # both nodes' listeners are cut off
    # Said while node 2 may not be listening: it gets it on reconnecting, if not before.
    await teacher.send({"t": "hold", "part": 2})
    assert (await ada.read_until("pacing", timeout=3.0))["hold"] == 2
    await listening(one, two)
    assert two._listener.connections >= 2  # type: ignore[union-attr]
    ada.close()
    teacher.close()


async def test_browser_tabs_on_two_nodes_never_share_a_name(
    nodes: tuple[ClassHub, ClassHub],
) -> None:
    names = []
    for hub in nodes:
        tab = await Client.open(hub.lesson_socket, {"t": "hello", "token": hub.open_door()})
        names.append((await tab.read())["name"])
        tab.close()
    assert names == ["web n1-1", "web n2-1"]
