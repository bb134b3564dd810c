"""The Spanish lesson (content/es) at 80×24 and 60×20: no text is cut, in any state.

Spanish runs 20–30 % longer than English, so a page, a quiz question or its
feedback that fits in English may not fit in Spanish. This walks every page of the
lesson with the Spanish content through the same states as test_clipping.py (its
keys, limits, overlays, every quiz answer, the completion's "up next") and checks
each with the same detector.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from neuron_tui.lesson.content import Content, default_content_dir, load_content
from tests.functional.ui.test_clipping import (
    PAGE_WALKS,
    PAGES,
    SIZES,
    Walk,
    _stored_app,
    walk_common,
)

LANGUAGE = "es"


@pytest.fixture(scope="module")
def content_es() -> Content:
    """The shipped Spanish content, loaded once for the module."""
    return load_content(default_content_dir() / LANGUAGE)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("page", PAGES)
async def test_no_spanish_text_is_cut_in_any_state(content_es: Content, tmp_path: Path,
                                                   page: str, size: tuple[int, int]) -> None:
    app = _stored_app(content_es, tmp_path, page)
    async with app.run_test(size=size) as pilot:
        walk = Walk(pilot, f"{page} ({LANGUAGE})", size)
        await walk_common(walk)
        await walk.close_overlays()
        extra = PAGE_WALKS.get(page)
        if extra is not None and app.screen is app.get_screen(page):
            await extra(walk)
    assert walk.states > 3, "the walk checked too few states to mean anything"
    assert not walk.failures, "text is cut off:\n" + "\n".join(walk.failures)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_the_opening_shows_every_spanish_part_title_whole(
    content_es: Content, tmp_path: Path, size: tuple[int, int]
) -> None:
    """The parts table cuts titles to a fixed width: every Spanish title must fit it."""
    app = _stored_app(content_es, tmp_path, "opening")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = " ".join(str(app.screen.query_one("#parts").render()).split())
        for spec in app.lesson.parts:
            title = content_es.page(spec.key).title
            assert f"{spec.number_text} {title} " in table, f"{title!r} is cut: {table!r}"
