"""HeapKeeper's timing: one settling per quiet spell, a full pass after a release."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable

import pytest

from neuron_tui.process import heap
from neuron_tui.process.heap import HeapKeeper


class FakeApp:
    """Records the timers it is asked for instead of running them."""

    def __init__(self) -> None:
        self.timers: list[tuple[float, Callable[[], None]]] = []

    def schedule(self, delay: float, callback: Callable[[], None]) -> object:
        self.timers.append((delay, callback))
        return object()

    def fire(self) -> None:
        _delay, callback = self.timers.pop(0)
        callback()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [100.0]
    monkeypatch.setattr(heap.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def app() -> FakeApp:
    return FakeApp()


@pytest.fixture
def keeper(app: FakeApp) -> HeapKeeper:
    return HeapKeeper(app.schedule, quiet_seconds=1.0)


@pytest.fixture
def settlings(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    calls: list[bool] = []
    monkeypatch.setattr(heap, "settle", lambda full=False: calls.append(full))
    return calls


def test_a_page_grown_is_settled_once_the_lesson_is_quiet_after_the_last_key(
    app: FakeApp, keeper: HeapKeeper, clock: list[float], settlings: list[bool]
) -> None:
    keeper.grown()
    clock[0] += 0.6
    keeper.touch()  # a key 0.6 s later: still one timer
    assert len(app.timers) == 1
    clock[0] += 0.4
    app.fire()  # 1 s after the page, 0.4 s after the key: wait 0.6 s more
    assert settlings == []
    assert app.timers[0][0] == pytest.approx(0.6)
    clock[0] += 0.6
    app.fire()
    assert settlings == [False]
    assert keeper.settled == 1
    assert app.timers == []  # quiet now: nothing more until something happens


def test_keys_alone_never_ask_for_a_settling(
    app: FakeApp, keeper: HeapKeeper, clock: list[float], settlings: list[bool]
) -> None:
    for _ in range(5):
        keeper.touch()
        clock[0] += 2.0
    assert app.timers == []
    assert settlings == []


def test_a_release_makes_the_next_settling_a_full_one_and_only_that_one(
    app: FakeApp, keeper: HeapKeeper, clock: list[float], settlings: list[bool]
) -> None:
    keeper.release()
    clock[0] += 1.0
    app.fire()
    keeper.grown()
    clock[0] += 1.0
    app.fire()
    assert settlings == [True, False]


class Node:
    """An object that can refer to itself: a cycle only the collector frees."""

    me: Node | None = None


def test_a_settling_keeps_frozen_cycles_until_a_full_one_frees_them() -> None:
    try:
        node = Node()
        node.me = node
        ref = weakref.ref(node)
        heap.settle()
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert ref() is not None  # frozen: no pass walks it...
        heap.settle(full=True)
        assert ref() is None  # ...until a full settling, which unfreezes first
    finally:
        gc.unfreeze()
