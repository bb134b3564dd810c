"""Coming back to a part: it is shown as it was left, without drawing its figures again.

A part the learner leaves keeps its widgets and their rendered lines, so a return
costs one screen update, not a repaint of every widget and a rebuild of its plots
(a class server runs out of CPU first).
"""

from __future__ import annotations

import pytest

from neuron_tui.widgets.plot_view import PlotView
from tests.functional.ui.plot_drawing import count_plot_drawing

SIZE = (80, 24)


async def test_returning_to_a_part_draws_none_of_its_plots_again(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Neither a figure build nor a line of a plot: the lines drawn before are shown."""
    app = make_app("part04")
    drawn = count_plot_drawing(monkeypatch)  # plots that build a figure or draw a line
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        part04 = app.screen
        plots = list(part04.query(PlotView))
        assert plots and all(plot in drawn for plot in plots)  # the counters see them
        before = [plot.text_lines for plot in plots]
        for key in ("3", "4", "p", "n"):
            drawn.clear()
            await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            if app.screen is part04:
                assert [plot for plot in drawn if plot in plots] == []
        assert app.screen is part04
        assert [plot.text_lines for plot in plots] == before


@pytest.mark.parametrize("page, key", [("part04", "4"), ("part02", "2"), ("part01", "1")])
async def test_a_part_left_before_a_resize_is_drawn_at_the_new_size(make_app, page, key) -> None:  # type: ignore[no-untyped-def]
    """Its kept lines are for the old size: on return it must look as a fresh one would."""
    fresh = make_app(page)
    async with fresh.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        expected = fresh.export_screenshot()
    app = make_app(page)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        await pilot.pause()
        assert app.current_page == page
        assert app.export_screenshot() == expected


async def test_returning_to_a_part_does_not_restyle_it(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Textual would work out every widget's styles again; nothing they depend on changed."""
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        part04 = app.screen
        await pilot.press("3")
        await pilot.pause()
        styled: list[object] = []
        apply = app.stylesheet.apply

        def counted(node, *args, **kwargs):  # type: ignore[no-untyped-def]
            styled.append(node)
            return apply(node, *args, **kwargs)

        monkeypatch.setattr(app.stylesheet, "apply", counted)
        await pilot.press("4")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is part04
        assert [node for node in styled if node is part04 or node in part04.walk_children()] == []


async def test_a_part_left_before_a_theme_change_returns_in_the_new_theme(make_app) -> None:  # type: ignore[no-untyped-def]
    fresh = make_app("part04")
    async with fresh.run_test(size=SIZE) as pilot:
        fresh.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        expected = fresh.export_screenshot()
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        await pilot.pause()
        assert app.export_screenshot() == expected


async def test_a_part_resized_while_shown_looks_as_a_fresh_one(make_app) -> None:  # type: ignore[no-untyped-def]
    """A page's own first layout skips Textual's second one; a real resize still lays out."""
    expected = {}
    for size in ((120, 40), SIZE):
        fresh = make_app("part04")
        async with fresh.run_test(size=size) as pilot:
            await pilot.pause()
            expected[size] = fresh.export_screenshot()
    app = make_app("part04")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for size in ((120, 40), SIZE):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert app.export_screenshot() == expected[size]
