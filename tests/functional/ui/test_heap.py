"""The pages a lesson has built are kept out of the collector's full passes, and a
language switch still frees the pages it drops (neuron_tui/process/heap.py)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable

from textual.pilot import Pilot

from neuron_tui.app import NeuronApp
from neuron_tui.i18n import SOURCE_LANGUAGE, set_language
from tests.functional.ui.waiting import until

QUIET = 0.2
SIZE = (80, 24)


def lesson(content, page: str = "part01") -> NeuronApp:  # type: ignore[no-untyped-def]
    app = NeuronApp(content, start_page=page, build_ahead=False)
    app.heap.quiet_seconds = QUIET
    return app


async def visit(pilot: Pilot[None], keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause(0.05)


def walked_objects() -> int:
    """Objects a full pass of the collector would walk now (frozen ones are not)."""
    return len(gc.get_objects())


async def test_pages_built_are_frozen_once_the_learner_is_quiet(content) -> None:  # type: ignore[no-untyped-def]
    app = lesson(content)
    asked: list[Callable[[], None]] = []  # the keeper's timer, fired by hand (no race)
    app.heap.schedule = lambda _delay, wake: asked.append(wake)
    async with app.run_test(size=SIZE) as pilot:
        await visit(pilot, "234")
        assert len(asked) == 1 and app.heap.settled == 0
        walked_before = walked_objects()
        app.heap.quiet_seconds = 0.0
        asked.pop()()
        assert app.heap.settled == 1
        assert gc.get_freeze_count() > walked_before / 2
        assert walked_objects() < walked_before / 4
    assert gc.get_freeze_count() > 0  # the process ends with the lesson: no last full pass


async def test_a_language_switch_frees_the_pages_it_drops(content) -> None:  # type: ignore[no-untyped-def]
    app = lesson(content)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await visit(pilot, "2346")
            dropped = [weakref.ref(app.get_screen(page))
                       for page in ("part02", "part03", "part04", "part06")]
            await until(pilot, lambda: app.heap.settled >= 1)  # the pages are frozen now
            gc.collect()
            assert all(ref() is not None for ref in dropped)
            await visit(pilot, "1p")
            await until(pilot, lambda: not app.heap.pending)
            settled = app.heap.settled
            await pilot.press("i")  # the opening's language key: every other page is dropped
            await until(pilot, lambda: app.heap.settled > settled)
            assert app.progress.lang != SOURCE_LANGUAGE
            gc.collect()
            assert [ref() for ref in dropped] == [None] * len(dropped)
    finally:
        set_language(SOURCE_LANGUAGE)
