"""The pages a lesson has built are kept out of the collector's full passes, and a
language switch still frees the pages it drops (neuron_tui/process/heap.py)."""

from __future__ import annotations

import gc
import weakref

from textual.pilot import Pilot

from neuron_tui.app import NeuronApp
from neuron_tui.i18n import SOURCE_LANGUAGE, set_language

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
    async with app.run_test(size=SIZE) as pilot:
        await visit(pilot, "234")
        walked_before = walked_objects()
        await pilot.pause(QUIET * 3)
        assert app.heap.settled >= 1
        assert gc.get_freeze_count() > walked_before / 2
        assert walked_objects() < walked_before / 4
    assert gc.get_freeze_count() == 0  # a lesson that ends gives everything back


async def test_a_language_switch_frees_the_pages_it_drops(content) -> None:  # type: ignore[no-untyped-def]
    app = lesson(content)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await visit(pilot, "2346")
            dropped = [weakref.ref(app.get_screen(page))
                       for page in ("part02", "part03", "part04", "part06")]
            await pilot.pause(QUIET * 3)
            assert app.heap.settled >= 1  # the pages are frozen now
            await visit(pilot, "1p")
            await pilot.press("i")  # the opening's language key: every other page is dropped
            await pilot.pause(QUIET * 4)
            assert app.progress.lang != SOURCE_LANGUAGE
            gc.collect()
            assert [ref() for ref in dropped] == [None] * len(dropped)
    finally:
        set_language(SOURCE_LANGUAGE)
