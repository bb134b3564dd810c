"""The language picker on the opening screen, and the language a lesson starts in.

`i` switches at once (the opening drawn again, the content reloaded, the choice saved
with the progress); the next start opens in the saved language unless --lang says
otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from neuron_tui.app import NeuronApp
from neuron_tui.i18n import SOURCE_LANGUAGE, language, set_language
from neuron_tui.lesson.content import load_content
from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.widgets.titlebar import TitleBar
from tests.functional.ui.screen_text import shown

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    set_language(SOURCE_LANGUAGE)
    yield
    set_language(SOURCE_LANGUAGE)


def saved(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))


async def test_i_switches_the_opening_to_spanish_and_back(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "progress.json")
    app = NeuronApp(load_content(), store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app, "#language") == "Language: English  [i] Español"
        assert shown(app, "#continue").startswith("Start with Part 01 · The atom")
        await pilot.press("i")
        await pilot.pause()
        assert language() == "es"
        assert shown(app, "#language") == "Idioma: Español  [i] English"
        assert shown(app, "#continue").startswith("Empieza por la Parte 01 · El átomo")
        assert shown(app, "#pitch").startswith("Aquí el curso entra en el aprendizaje")
        assert "ayuda" in shown(app, "#keybar")
        assert saved(store.path)["lang"] == "es"
        assert app.screen.query_one("#opening").has_focus  # keys still scroll the page
        await pilot.press("i")
        await pilot.pause()
        assert language() == "en"
        assert shown(app, "#continue").startswith("Start with Part 01 · The atom")
        assert saved(store.path)["lang"] == "en"


async def test_pages_seen_before_the_switch_are_drawn_again_in_the_new_language() -> None:
    app = NeuronApp(load_content())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert "The atom" in str(app.screen.query_one(TitleBar).render())
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert app.current_page == "part01"
        assert "Parte 01 · El átomo" in str(app.screen.query_one(TitleBar).render())


async def test_the_saved_language_is_the_next_starts_unless_lang_says_otherwise(
        tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "progress.json")
    store.save(Progress(lang="es"))
    app = NeuronApp(load_content(), store=store)
    assert language() == "es" and app.content.page("part01").title == "El átomo"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app, "#language").startswith("Idioma: Español")
    set_language(SOURCE_LANGUAGE)
    fixed = NeuronApp(load_content(), store=ProgressStore(store.path), language_flag="en")
    assert language() == "en" and fixed.content.page("part01").title == "The atom"
