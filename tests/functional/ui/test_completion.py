"""The completion screen: the learner's record from saved progress, and Module 07 next."""

from __future__ import annotations

from pathlib import Path

from neuron_tui.lesson.progress import Progress, ProgressStore
from neuron_tui.screens.dialogs.lesson_text import LessonTextScreen

SIZE = (80, 24)


def summary(app) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(app.screen.query_one("#summary").render()).split())


async def test_completion_summarises_saved_progress(  # type: ignore[no-untyped-def]
    make_stored_app, progress_path: Path,
) -> None:
    ProgressStore(progress_path).save(Progress(
        visited={"part01", "part02", "part03", "part04", "part05", "part06"},
        done={"part01", "part02", "part03", "part04", "part05"},
        self_checks={"part02-90"}, resume_page="completion", quiz_best=4,
    ))
    app = make_stored_app("completion")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = summary(app)
        assert "Parts done: 5 of 6" in text
        assert "Reached 90% by hand in Part 02" in text
        assert "best score 4/5 (aim reached)" in text
        up_next = str(app.screen.query_one("#up-next").render())
        assert "Module 07" in up_next and "Computer Vision Basics" in up_next


async def test_enter_shows_what_module_07_covers_and_escape_returns(  # type: ignore[no-untyped-def]
    make_app,
) -> None:
    app = make_app("completion")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Enter" in str(app.screen.query_one("#up-next-hint").render())
        await pilot.press("enter")
        await pilot.pause()
        overlay = app.screen
        assert isinstance(overlay, LessonTextScreen)
        assert "Module 07 · Computer Vision Basics" in overlay.heading
        for topic in ("Filters", "Pooling", "multiply each pixel by its weight"):
            assert topic in overlay.markdown
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_page == "completion" and not app.screen.is_modal


async def test_completion_with_nothing_done_yet(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("completion")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = summary(app)
        assert "Parts done: 0 of 6" in text
        assert "Self-checks met: none yet" in text
        assert "not taken yet" in text


async def test_completion_follows_the_quiz(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part06")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        for index in range(5):
            letter = "abcd"[screen.questions[index].correct_index]
            await pilot.press(letter, "enter")
        await pilot.press("n")
        await pilot.pause()
        assert app.current_page == "completion"
        text = summary(app)
        assert "best score 5/5" in text
        assert "06 ✓" in text
