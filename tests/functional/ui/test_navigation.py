"""Global keys: next, previous, jumps, help, lesson text and quit."""

from __future__ import annotations

import pytest

from neuron_tui.lesson.registry import LESSON
from neuron_tui.screens.base import LessonScreen
from neuron_tui.screens.dialogs.help import HelpScreen, global_keys, keys_of, screen_keys
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
        assert {"a", "←/→", "Shift+←/→", "Home", "Enter"} <= set(keys)
        assert "l" in [key for key, _ in app.screen.global_keys]
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


async def test_l_moves_into_the_side_text_where_arrows_scroll_it(make_app) -> None:  # type: ignore[no-untyped-def]
    """At 120 columns a keyboard learner reaches the side text with l, scrolls it with
    ↓ and PgDn, and goes back to the slider they were on with l (or Escape)."""
    app = make_app("part01")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        side = app.screen.query_one("#lesson-side")
        slider = app.focused
        await pilot.press("l")
        await pilot.pause()
        assert app.focused is side and not app.screen.is_modal
        assert side.max_scroll_y > 0, "the side text should be longer than the window"
        await pilot.press("down", "down")
        await pilot.pause()
        assert side.scroll_y == 2
        await pilot.press("pagedown")
        await pilot.pause()
        assert side.scroll_y > 2
        await pilot.press("l")
        await pilot.pause()
        assert app.focused is slider
        await pilot.press("l", "escape")
        await pilot.pause()
        assert app.focused is slider and app.current_page == "part01"


@pytest.mark.parametrize(("key", "page"), [("n", "part02"), ("p", "opening"), ("4", "part04")])
async def test_lesson_text_overlay_closes_and_moves_on_n_p_and_numbers(  # type: ignore[no-untyped-def]
    make_app, key: str, page: str,
) -> None:
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LessonTextScreen)
        await pilot.press(key)
        await pilot.pause()
        assert app.current_page == page
        assert not app.screen.is_modal


async def test_lesson_text_overlay_is_built_once(make_app) -> None:  # type: ignore[no-untyped-def]
    """The second `l` shows the same overlay, already built (no Markdown parse again)."""
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        first = app.screen
        await pilot.press("escape", "l")
        await pilot.pause()
        assert app.screen is first
        assert first.query("MarkdownBlock")


async def test_help_numbers_close_help_and_jump(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark", "3")
        await pilot.pause()
        assert app.current_page == "part03" and not app.screen.is_modal


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


@pytest.mark.parametrize("page", LESSON.order)
async def test_help_lists_each_key_once(make_app, page: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(page)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        named = [single for key, _ in [*help_screen.screen_keys, *help_screen.global_keys]
                 for single in keys_of(key)]
        repeated = sorted({key for key in named if named.count(key) > 1})
        assert not repeated, f"help on {page} lists these keys more than once: {repeated}"


async def test_help_wraps_long_actions_under_themselves(make_app) -> None:  # type: ignore[no-untyped-def]
    """A long action's second line starts under its first, not under the key."""
    from textual.geometry import Region

    app = make_app("part01")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        keys = app.screen.query_one("#keys")
        width, height = keys.size
        lines = ["".join(segment.text for segment in strip)
                 for strip in keys.render_lines(Region(0, 0, width, height))]
        row = next(index for index, line in enumerate(lines) if line.startswith("  l "))
        action_column = len(lines[row]) - len(lines[row][4:].lstrip())
        continuation = lines[row + 1]
        assert continuation.strip(), "the lesson text's action should wrap at 60 columns"
        assert len(continuation) - len(continuation.lstrip()) == action_column


def test_keys_of_reads_every_way_a_hint_names_keys() -> None:
    assert keys_of("s/d/f") == {"s", "d", "f"}
    assert keys_of("a–d") == {"a", "b", "c", "d"}
    assert keys_of("a, b, c, d") == {"a", "b", "c", "d"}
    assert keys_of("1–6") == {str(digit) for digit in range(1, 7)}
    assert keys_of("Shift+←/→") == {"shift+←", "shift+→"}
    assert keys_of("[ / ]") == keys_of("[/]") == {"[", "]"}
    assert keys_of("-/+") == {"-", "+"}
    assert keys_of("Esc") == keys_of("Escape") == {"escape"}


def test_screen_keys_prefer_the_fuller_help_and_leave_global_keys_to_everywhere() -> None:
    hints = [("s/d/f", "presets"), ("t", "run"), ("?", "help"), ("n", "next")]
    details = [("s", "too small"), ("d", "good"), ("f", "too big"), ("t", "run or pause"),
               ("p", "previous part")]
    entries = screen_keys(hints, details, global_keys("1–6"))
    assert entries == [("s", "too small"), ("d", "good"), ("f", "too big"),
                       ("t", "run or pause")]


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (120, 40)])
async def test_a_notification_hides_no_guidance_keys_or_box_contents(  # type: ignore[no-untyped-def]
    make_app, size: tuple[int, int],
) -> None:
    """It sits on the title bar's line (and the box edge below it when long)."""
    app = make_app("part01")
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("7")  # no such part: "There is no part 7: choose 1 to 6."
        for _ in range(20):
            await pilot.pause(0.05)
            if app.screen.query("Toast"):  # Textual's notification widget, by its CSS type
                break
        toasts = list(app.screen.query("Toast"))
        assert toasts, "no notification shown"
        region = toasts[0].region
        assert region.y == 0 and region.bottom <= 2
        if size[0] >= 80:
            assert region.height == 1
        screen = app.screen
        for protected in ("#guidance", "#keybar", "#diagram", "#steps"):
            assert not region.overlaps(screen.query_one(protected).region), protected


@pytest.mark.parametrize("opener", ["l", "question_mark"])
async def test_an_overlay_kept_and_shown_again_closes_again(make_app, opener: str) -> None:  # type: ignore[no-untyped-def]
    """The lesson text and help are built once and kept: every showing closes on Escape
    (the second one stayed open, and the learner was stuck behind it)."""
    app = make_app("part01")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            await pilot.press(opener)
            await pilot.pause()
            assert app.screen.is_modal
            await pilot.press("escape")
            await pilot.pause()
            assert not app.screen.is_modal and app.current_page == "part01"
