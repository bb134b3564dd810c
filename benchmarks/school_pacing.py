"""One class across lesson nodes: how fast pacing travels between nodes, what presence costs.

On a throwaway PostgreSQL 15 cluster (:mod:`tests.pg_fixture`, fsync and synchronous
commit on, as a school's server runs):

- **NOTIFY node→node**: one store announces an event, another store's listener (its own
  connection and thread, as every hub runs) receives it; the time between.
- **bring node→node, end to end**: two ClassHubs (two nodes in one process, real Unix
  sockets); a class view on node 1 sends "bring", a lesson connected to node 2 reads
  its ``goto``. Target: within a second (issue 17).
- **presence write**: one hub's publication with 40 learners connected to it: the whole
  (first, or after a failure) and a typical second's change (5 learners moved on).
- **class read**: what a hub with a class view attached reads each second (every
  learner's record and every node's presence), with 40 and with 400 learners.

Usage::

    python -m benchmarks.school_pacing [--quick] [--json FILE]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import queue
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import Figure, benchmark_main, failed, percentile
from neuron_tui.serve.hub import ClassHub
from neuron_tui.serve.store import ClassStore, open_store
from neuron_tui.serve.store_presence import NodeRecord, PresenceRecord

PAGES = ["part01", "part02", "part03", "part04", "part05"]


def timed(call: Callable[[], Any], repeats: int) -> list[float]:
    """Seconds each of `repeats` calls took."""
    taken = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        taken.append(time.perf_counter() - started)
    return taken


def ms_figures(group: str, name: str, seconds: Sequence[float], limit: float | None = None,
               note: str = "") -> list[Figure]:
    """Median and 95th percentile of `seconds`, in milliseconds."""
    values = [1000 * value for value in seconds]
    p95 = percentile(values, 95)
    return [
        Figure(group, f"{name}, median", statistics.median(values), "ms", note=note),
        Figure(group, f"{name}, 95th percentile", p95, "ms", limit=limit, note=note,
               detail={"samples": len(values), "max_ms": max(values)}),
    ]


def notify_delay(url: str, folder: Path, repeats: int) -> list[float]:
    """Seconds from announcing an event on one connection to another node hearing it."""
    sender, receiver = open_store(folder, url), open_store(folder, url)
    heard: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
    listener = receiver.listen(lambda event: heard.put((time.perf_counter(), event)))
    assert listener is not None
    try:
        heard.get(timeout=10)  # the first resync: listening now
        delays = []
        for number in range(repeats):
            started = time.perf_counter()
            sender.announce({"t": "pacing", "n": number})
            while True:
                at, event = heard.get(timeout=5)
                if event.get("n") == number:
                    delays.append(at - started)
                    break
        return delays
    finally:
        listener.close()
        sender.close()
        receiver.close()


async def bring_delay(url: str, folder: Path, repeats: int) -> list[float]:
    """Seconds from a view on node 1 sending "bring" to a lesson on node 2 reading goto."""
    hubs = []
    for name in ("n1", "n2"):
        hub = ClassHub(folder / name, open_store(folder / name, url), node=name)
        await hub.start()
        hubs.append(hub)
    one, two = hubs
    try:
        while not all(hub.shared and hub._listener.listening.is_set()  # type: ignore[union-attr]
                      for hub in hubs):
            await asyncio.sleep(0.02)
        lesson_reader, lesson_writer = await asyncio.open_unix_connection(str(two.lesson_socket))
        lesson_writer.write(json.dumps({"t": "hello", "token": two.register("ada")}).encode()
                            + b"\n")
        await lesson_reader.readline()
        view_reader, view_writer = await asyncio.open_unix_connection(
            str(one.teacher_socket), limit=1 << 22)
        view_writer.write(b'{"t": "hello", "role": "teacher"}\n')
        await view_reader.readline()
        delays = []
        for number in range(repeats):
            part = number % 5 + 1
            started = time.perf_counter()
            view_writer.write(json.dumps({"t": "bring", "part": part}).encode() + b"\n")
            while True:
                message = json.loads(await asyncio.wait_for(lesson_reader.readline(), 5))
                if message["t"] == "goto" and message["part"] == part:
                    delays.append(time.perf_counter() - started)
                    break
            await asyncio.sleep(0.05)
        lesson_writer.close()
        view_writer.close()
        return delays
    finally:
        for hub in hubs:
            await hub.close()
            hub.store.close()


def presence_costs(store: ClassStore, repeats: int) -> tuple[list[float], list[float]]:
    """Seconds for a whole publication of 40 learners, and for a change of 5 of them."""
    now = time.time()
    learners = [PresenceRecord("n1", f"learner{n:02d}", f"Learner {n}", PAGES[n % 5], now,
                               now, 1) for n in range(40)]

    def node() -> NodeRecord:
        return NodeRecord("n1", 40, 40, 0.5, now, time.time())

    whole = timed(lambda: store.publish_presence(node(), learners, [], reset=True), repeats)
    counter = iter(range(10**9))

    def change() -> None:
        step = next(counter)
        moved = [PresenceRecord("n1", one.key, one.name, PAGES[(step + n) % 5], time.time(),
                                time.time(), 1) for n, one in enumerate(learners[:5])]
        store.publish_presence(node(), moved, [])

    return whole, timed(change, repeats)


def class_read_cost(store: ClassStore, learners: int, repeats: int) -> list[float]:
    """Seconds for one read of every learner and every node's presence."""
    now = time.time()
    for number in range(learners):
        store.save_progress(f"reader{number:03d}", f"Reader {number}",
                            {"visited": ["opening", "part01", "part02"], "done": ["part01"],
                             "quiz_answers": {"1": 2, "2": 1}, "resume_page": "part02"},
                            "part02", now)
    return timed(lambda: (store.learners(), store.presence()), repeats)


def run(quick: bool) -> list[Figure]:
    from tests.pg_fixture import ThrowawayCluster, missing_reason

    group = "school (PostgreSQL, 2 nodes)"
    reason = missing_reason()
    if reason is not None:
        return [failed(group, "NOTIFY node→node", "ms", reason)]
    repeats = 20 if quick else 100
    cluster = ThrowawayCluster(durable=True)
    figures: list[Figure] = []
    try:
        with tempfile.TemporaryDirectory(prefix="nt-school-") as temporary:
            folder = Path(temporary)
            figures += ms_figures(group, "NOTIFY node→node",
                                  notify_delay(cluster.create_database("bench"), folder,
                                               repeats))
            figures += ms_figures(
                group, "bring: view on node 1 → lesson on node 2",
                asyncio.run(bring_delay(cluster.create_database("bench"), folder,
                                        repeats // 4)),
                limit=1000.0, note="issue 17: within a second")
            store = open_store(folder, cluster.create_database("bench"))
            with contextlib.closing(store):
                whole, change = presence_costs(store, repeats)
                figures += ms_figures(group, "presence write, 40 learners (whole)", whole)
                figures += ms_figures(group, "presence write, 5 of 40 changed", change,
                                      note="at most one a second per node")
                figures += ms_figures(group, "class read, 40 learners",
                                      class_read_cost(store, 40, repeats),
                                      note="once a second while a class view is attached")
                figures += ms_figures(group, "class read, 400 learners",
                                      class_read_cost(store, 360, repeats // 4))
    finally:
        cluster.stop()
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    return benchmark_main(
        argv, name="school_pacing",
        description="Pacing between lesson nodes (NOTIFY) and what presence costs.",
        quick_help="fewer repeats", run=run)


if __name__ == "__main__":
    raise SystemExit(main())
