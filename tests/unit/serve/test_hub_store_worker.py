"""The hub's store calls off its event loop: a slow store never stalls lessons, writes keep
their order, a failed write is logged and made again, and nothing the hub holds is lost.

The store here is the real SQLite store behind a wrapper that makes chosen calls slow or
failing, as a PostgreSQL server that is restarting or far away would.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from neuron_tui.lesson.content import load_content
from neuron_tui.serve.hub import ClassHub
from neuron_tui.serve.roster import STORE_ERRORS
from neuron_tui.serve.store import ClassStore, StoreError, open_store
from neuron_tui.serve.store_worker import StoreWorker
from tests.unit.serve.test_hub import lesson, progress_on, row, view

QUIZ = load_content().quiz
WRITES = ("save_progress", "touch", "set_pacing", "set_start", "set_message")


class Troubled:
    """A store whose writes can be made slow (`delay` seconds) or fail (`failures` times)."""

    def __init__(self, store: ClassStore) -> None:
        self.store = store
        self.delay = 0.0
        self.failures = 0
        self.threads: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.store, name)
        if name not in WRITES:
            return attribute

        def call(*args: Any) -> Any:
            self.threads.add(threading.current_thread().name)
            time.sleep(self.delay)
            if self.failures > 0:
                self.failures -= 1
                raise StoreError("the class database cannot be used: server closed the connection")
            return attribute(*args)

        return call


@pytest.fixture
def troubled(tmp_path: Path) -> Iterator[Troubled]:
    store = open_store(tmp_path)
    yield Troubled(store)
    store.close()


@pytest.fixture
async def hub(tmp_path: Path, troubled: Troubled) -> AsyncIterator[ClassHub]:
    hub = ClassHub(tmp_path, troubled, QUIZ)  # type: ignore[arg-type]
    await hub.start()
    yield hub
    troubled.delay = 0.0
    await hub.close()


async def test_a_slow_store_never_stalls_lessons_or_the_view(
    hub: ClassHub, troubled: Troubled
) -> None:
    ada, _ = await lesson(hub, "ada")
    bo, _ = await lesson(hub, "bo")
    teacher, _ = await view(hub)
    troubled.delay = 1.0  # each write takes a second from now on
    started = time.monotonic()
    await ada.send({"t": "progress", "progress": progress_on("part03").to_dict(),
                    "page": "part03"})
    await bo.send({"t": "activity", "page": "part02"})
    snapshot = await teacher.read_until("class")
    while row(snapshot, "bo")["page"] != "part02" or row(snapshot, "ada")["page"] != "part03":
        snapshot = await teacher.read_until("class")
    await teacher.send({"t": "hold", "part": 3})
    assert (await bo.read_until("pacing"))["hold"] == 3
    # Three writes of a second each are queued (made on the loop, they would have held
    # it 3 s); the class saw and heard everything long before.
    assert time.monotonic() - started < 1.5
    assert troubled.threads == {"neuron-tui-store"}  # never the event loop's thread
    await hub.flush()
    record = troubled.store.learner("ada")
    assert record is not None and record.page == "part03"
    for client in (ada, bo, teacher):
        client.close()


async def test_a_failed_write_is_logged_once_and_made_again(
    hub: ClassHub, troubled: Troubled, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="neuron_tui.serve.hub")
    ada, _ = await lesson(hub, "ada")
    await hub.flush()
    troubled.failures = 2  # the database restarts under the next two writes
    await ada.send({"t": "progress", "progress": progress_on("part04", {"1": 2}).to_dict(),
                    "page": "part04"})
    await ada.send({"t": "activity", "page": "part04"})
    await asyncio.sleep(0.1)
    await hub.flush()
    record = troubled.store.learner("ada")
    assert record is not None and record.progress.quiz_answers == {}  # not yet
    assert hub.worker.pending_failures == 2
    assert caplog.text.count("kept to retry") == 1
    assert hub.worker.retry() == 2  # the hub does this every few seconds
    await hub.flush()
    record = troubled.store.learner("ada")
    assert record is not None and record.progress.quiz_answers == {"1": 2}
    assert record.page == "part04" and record.last_activity is not None
    assert hub.worker.pending_failures == 0 and "the class store is back" in caplog.text
    ada.close()


def test_writes_of_one_slot_keep_their_order_and_a_newer_one_replaces_a_queued_one() -> None:
    worker = StoreWorker(STORE_ERRORS)
    made: list[str] = []
    gate = threading.Event()
    try:
        worker.write("wait", gate.wait)
        for number in range(5):
            worker.write("save", lambda number=number: made.append(f"ada {number}"),
                         slot=("save", "ada"))
            worker.write("save", lambda number=number: made.append(f"bo {number}"))
        gate.set()
        worker.submit("flush", lambda: None).result(timeout=5)
        # ada's older saves were skipped (the newest carries them); bo's had no slot.
        assert made == ["bo 0", "bo 1", "bo 2", "bo 3", "ada 4", "bo 4"]
        assert worker.timings["save"].skipped == 4
    finally:
        worker.close()


def test_a_failed_write_replaced_by_a_newer_one_is_not_made_again() -> None:
    worker = StoreWorker(STORE_ERRORS)
    made: list[int] = []

    def fail() -> None:
        raise StoreError("down")

    try:
        worker.write("save", fail, slot="ada")
        worker.submit("flush", lambda: None).result(timeout=5)
        assert worker.pending_failures == 1
        worker.write("save", lambda: made.append(2), slot="ada")
        worker.submit("flush", lambda: None).result(timeout=5)
        assert worker.pending_failures == 0 and worker.retry() == 0 and made == [2]
        with pytest.raises(StoreError):  # a read's failure is its caller's
            worker.submit("read", fail).result(timeout=5)
    finally:
        worker.close()


async def test_a_learner_who_joins_while_the_store_fails_is_kept_once_it_answers(
    hub: ClassHub, troubled: Troubled
) -> None:
    troubled.failures = 1  # the join's first save fails
    dee, welcome = await lesson(hub, "dee")
    assert welcome["t"] == "welcome"  # the lesson starts regardless
    await asyncio.sleep(0.05)
    await hub.flush()
    assert troubled.store.learner("dee") is not None
    dee.close()


def test_a_read_nobody_waits_for_any_more_is_skipped_and_the_worker_goes_on() -> None:
    worker = StoreWorker(STORE_ERRORS)
    gate = threading.Event()
    made: list[str] = []
    try:
        worker.write("wait", gate.wait)
        abandoned = worker.submit("read", lambda: made.append("abandoned"))
        assert abandoned.cancel()  # its waiter gave up (asyncio cancels wrapped futures)
        gate.set()
        assert worker.submit("read", lambda: made.append("next")).result(timeout=5) is None
        assert made == ["next"]
    finally:
        worker.close()
