"""The completion screen with the Spanish content: its sections and Module 07 next.

The screen finds the sections of content/completion.md by their place, not by their
English headings ("The big picture", "Up next", "Module …"), which a translation renames.
"""

from __future__ import annotations

from neuron_tui.app import NeuronApp
from neuron_tui.lesson.content import default_content_dir, load_content
from neuron_tui.screens.dialogs.lesson_text import LessonTextScreen

SIZE = (80, 24)


async def test_spanish_completion_shows_the_big_picture_and_module_07() -> None:
    app = NeuronApp(load_content(default_content_dir() / "es"), start_page="completion")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "millones de estas mismas unidades" in str(
            app.screen.query_one("#big-picture").render())
        assert "Módulo 07" in str(app.screen.query_one("#up-next").render())
        await pilot.press("enter")
        await pilot.pause()
        overlay = app.screen
        assert isinstance(overlay, LessonTextScreen)
        assert "Módulo 07 · Fundamentos de visión artificial" in overlay.heading
        assert "multiplica cada píxel por su peso" in overlay.markdown
