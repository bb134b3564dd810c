"""Adding a part is one registry row, one screen and one content file: prove it.

A throwaway Part 07 is registered through the registry alone (its screen is the
plain LessonScreen, which shows its page's text) and must then be reachable every
way a part is: `n`, its number key, `--part`, the opening's list and the
completion summary. Nothing else of the app is told about it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from neuron_tui.__main__ import main
from neuron_tui.app import NeuronApp
from neuron_tui.lesson.content import Content, default_content_dir, load_content
from neuron_tui.lesson.registry import LESSON, Lesson, PageSpec
from neuron_tui.widgets.titlebar import TitleBar

THROWAWAY = PageSpec(
    key="part07",
    title="A throwaway part",
    content_file="part07.md",
    screen="neuron_tui.screens.base:LessonScreen",
    number=7,
)


@pytest.fixture
def extended(tmp_path: Path) -> tuple[Lesson, Content, Path]:
    """The lesson with Part 07 added, and a content folder that has its page."""
    folder = tmp_path / "content"
    shutil.copytree(default_content_dir(), folder)
    (folder / "part07.md").write_text("# Throwaway part\n\nA part added by a test.\n",
                                      encoding="utf-8")
    lesson = LESSON.with_part(THROWAWAY)
    return lesson, load_content(folder, lesson), folder


def screen_text(app: NeuronApp) -> str:
    """Everything the current screen shows, as plain text."""
    return "\n".join(str(widget.render()) for widget in app.screen.query("Static, TitleBar"))


async def test_n_goes_from_part_06_to_part_07_and_on_to_the_end(extended) -> None:
    lesson, content, _ = extended
    app = NeuronApp(content, start_page="part06", lesson=lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        assert app.current_page == "part07"
        title = str(app.screen.query_one(TitleBar).render())
        assert "Part 07 · Throwaway part" in title and "7/7" in title
        await pilot.press("n")
        assert app.current_page == "completion"
        assert "part07" in app.progress.done


async def test_its_number_key_jumps_there(extended) -> None:
    lesson, content, _ = extended
    app = NeuronApp(content, lesson=lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")
        assert app.current_page == "part07"
        await pilot.press("8")  # no part 8: nothing moves
        assert app.current_page == "part07"


async def test_the_opening_lists_it_and_completion_counts_it(extended) -> None:
    lesson, content, _ = extended
    app = NeuronApp(content, lesson=lesson)
    async with app.run_test(size=(80, 30)) as pilot:
        assert "07 Throwaway part" in screen_text(app)
        await pilot.press("7", "n")
        assert app.current_page == "completion"
        await pilot.pause()
        summary = screen_text(app)
        assert "Parts done: 1 of 7" in summary and "07 " in summary


def test_part_flag_opens_it_and_names_the_new_range(
    extended, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson, _, folder = extended
    started = {}
    # The lesson itself never starts here (run is replaced), so no terminal is needed.
    monkeypatch.setattr("neuron_tui.__main__.terminal_problem", lambda: "")
    monkeypatch.setattr(NeuronApp, "run", lambda self: started.setdefault("page",
                                                                          self.start_page))
    assert main(["--part", "7", "--content", str(folder)], lesson=lesson) == 0
    assert started["page"] == "part07"
    with pytest.raises(SystemExit) as stopped:
        main(["--part", "8", "--content", str(folder)], lesson=lesson)
    assert stopped.value.code == 2
    assert "there is no part 8: choose 1 to 7" in capsys.readouterr().err


def test_the_shipped_lesson_is_unchanged_by_it() -> None:
    assert LESSON.part_count == 6 and not LESSON.has_page("part07")
    assert LESSON.with_part(THROWAWAY).order[-2:] == ("part07", "completion")
