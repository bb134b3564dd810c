"""Global keys: next, previous, jumps, help, lesson text and quit."""

from __future__ import annotations

import pytest

from neuron_tui.screens.base import LessonScreen
from neuron_tui.screens.dialogs.help import HelpScreen
from neuron_tui.screens.dialogs.lesson_text import LessonTextScreen
from neuron_tui.widgets.titlebar import TitleBar

SIZE = (80, 24)


def heading(app) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one(TitleBar).title


async def test_opening_lists_every_part(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_page == "opening"
        parts = str(app.screen.query_one("#parts").render())
        for title in ("The atom", "Build a neuron", "Gradient descent", "Why depth wins",
                      "The proof", "Knowledge check"):
            assert title in parts
        assert "Start with Part 01" in str(app.screen.query_one("#continue").render())


async def test_next_and_previous_walk_the_lesson_in_order(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    expected = ["part01", "part02", "part03", "part04", "part05", "part06", "completion"]
    async with app.run_test(size=SIZE) as pilot:
        for page in expected:
            await pilot.press("n")
            await pilot.pause()
            assert app.current_page == page
            assert isinstance(app.screen, LessonScreen)
        await pilot.press("n")  # already at the end: stays
        assert app.current_page == "completion"
        for page in reversed(["opening", *expected[:-1]]):
            await pilot.press("p")
            await pilot.pause()
            assert app.current_page == page
        await pilot.press("p")
        assert app.current_page == "opening"


@pytest.mark.parametrize("part", range(1, 7))
async def test_digit_jumps_to_part_with_its_heading(make_app, part: int) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(str(part))
        await pilot.pause()
        assert app.current_page == f"part{part:02d}"
        assert heading(app).startswith(f"Part {part:02d} · ")


async def test_enter_on_opening_continues_where_the_learner_was(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_page == "part01"
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("1")  # Part 01's screen again; then back to the opening
        await pilot.press("3")
        await pilot.press("p", "p", "p")
        await pilot.pause()
        assert app.current_page == "opening"
        assert "Continue at Part 01" in str(app.screen.query_one("#continue").render())
        assert app.progress.state_of("part03") == "started"


async def test_leaving_a_part_forward_marks_it_done(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "n", "p", "p")
        await pilot.pause()
        assert app.progress.state_of("part01") == "done"
        assert "✓" in str(app.screen.query_one("#parts").render())
        assert "Continue at Part 02" in str(app.screen.query_one("#continue").render())


async def test_help_lists_the_screens_keys_and_closes(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = [key for key, _ in app.screen.screen_keys]
        assert {"a", "←/→", "Shift+←/→", "Home", "Enter", "l"} <= set(keys)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_lesson_text_overlay_opens_and_closes_at_80x24(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LessonTextScreen)
        assert "multiplies" in app.screen.markdown
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_page == "part01"
        assert not app.screen.is_modal


async def test_wide_terminal_shows_lesson_text_beside_the_work(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        side = app.screen.query_one("#lesson-side")
        assert app.screen.has_class("wide")
        assert side.display and side.children
        await pilot.press("l")
        await pilot.pause()
        assert not side.display


async def test_digit_jump_closes_an_open_overlay(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape", "4")
        await pilot.pause()
        assert app.current_page == "part04"


async def test_q_quits(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
