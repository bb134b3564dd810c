"""PlotView's CPU savings change nothing on screen: strips made from plotext's cells
are Rich's own parse of plotext's ANSI text, and a figure shown again comes from the
view's cache, not from plotext."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from textual.app import App, ComposeResult
from textual_plotext.plot import Plot

from neuron_tui.compat import plot_cells, set_plot_size
from neuron_tui.figures.activation import draw_activation
from neuron_tui.figures.bowl import BowlMap
from neuron_tui.figures.losscurve import draw_loss_curve
from neuron_tui.figures.palette import PROBABILITY_BANDS
from neuron_tui.figures.regions import RegionFigure, Shading, plot_grid
from neuron_tui.glyphs import ASCII, UNICODE, GlyphSet
from neuron_tui.model.datasets import forty_points
from neuron_tui.widgets import plot_view
from neuron_tui.widgets.plot_view import (
    ASCII_FRAME,
    RECENT_FIGURES,
    PlotView,
    _rich_strip,
    _row_strip,
)

SIZE = (48, 18)


def region_figure(glyph_set: GlyphSet, w1: float, shaded: bool) -> RegionFigure:
    X, y = forty_points()
    limits = (-3.0, 3.0)
    z = X @ np.array([w1, 1.0]) - 0.3
    shading = None
    if shaded:
        grid = plot_grid(limits, limits, SIZE)
        cells = grid.cells @ np.array([w1, 1.0]) - 0.3
        shading = Shading.of(grid, 1 / (1 + np.exp(-cells)), PROBABILITY_BANDS)
    line = ((-3.0, (0.3 + 3.0 * w1)), (3.0, (0.3 - 3.0 * w1)))
    return RegionFigure(X, y, limits, limits, (z > 0) != (y == 1), line, shading, glyph_set)


def drawings(glyph_set: GlyphSet) -> list[object]:
    """Every kind of figure the lesson draws, in `glyph_set`."""
    X, y = forty_points()
    bowl = BowlMap(X, y).figure(0.0, *SIZE, ((-4.0, 4.0), (-2.0, 3.0), (0.5, 1.0)))
    losses = (0.9, 0.7, 0.55, 0.5, float("nan"), 0.45)
    return [
        region_figure(glyph_set, 0.5, shaded=False).draw,
        region_figure(glyph_set, -1.2, shaded=True).draw,
        BowlMap(X, y).figure(0.0, *SIZE, ()).draw,
        bowl.draw,
        partial(draw_loss_curve, losses=losses, earlier=((1.0, 0.2, 3.0),)),
        partial(draw_activation, activation="sigmoid", z=0.7),
        partial(draw_activation, activation="relu", z=-1.5),
    ]


def drawn(draw: object) -> Plot:
    plot = Plot()
    plot.theme("clear")
    set_plot_size(plot, *SIZE)
    draw(plot)  # type: ignore[operator]
    return plot


@pytest.mark.parametrize("glyph_set", [UNICODE, ASCII], ids=["unicode", "ascii"])
def test_strips_from_cells_are_rich_parsing_plotexts_text(glyph_set: GlyphSet,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plot_view, "glyphs", lambda: glyph_set)
    styled = 0
    for draw in drawings(glyph_set):
        text = drawn(draw).build()
        if not glyph_set.unicode:
            text = text.translate(ASCII_FRAME)
        lines = text.split("\n")[: SIZE[1]]
        view = PlotView()
        view._draw = draw  # type: ignore[assignment]
        rows = view._draw_rows(*SIZE)
        assert len(rows) == len(lines) == SIZE[1]
        for row, line in zip(rows, lines, strict=True):
            styled += "\x1b[" in line
            assert list(_row_strip(row, SIZE[0])) == list(_rich_strip(line, SIZE[0])), repr(line)
    assert styled > 50  # colour runs really are compared


def test_a_figure_the_fast_path_does_not_cover_is_built_by_plotext() -> None:
    def draw(plot: Plot) -> None:
        plot.xlim(0.0, 3.0)
        plot.ylim(0.0, 3.0)
        plot.xticks([0.0, 3.0])
        plot.yticks([0.0, 3.0])
        plot.bar([1.0, 2.0], [2.0, 1.0], color=(200, 10, 10))  # bars: plotext's own

    view = PlotView()
    view._draw = draw
    markers, colours = plot_cells(drawn(draw))
    assert view._draw_rows(*SIZE) == [(tuple(chars), tuple(looks)) for chars, looks
                                      in zip(markers, colours, strict=True)]
    assert any((200, 10, 10) in look for row in colours for look in row)


def test_plot_cells_are_what_plotext_builds_top_row_first() -> None:
    markers, colours = plot_cells(drawn(drawings(UNICODE)[0]))
    text = drawn(drawings(UNICODE)[0]).build()
    plain = [_rich_strip(line, SIZE[0]).text for line in text.split("\n")[: SIZE[1]]]
    assert ["".join(chars) for chars in markers] == plain
    assert all(len(row) == SIZE[0] for row in colours)


class OneView(App[None]):
    def compose(self) -> ComposeResult:
        yield PlotView()


async def test_a_figure_shown_again_is_not_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[int] = []
    original = plot_view.scene_cells

    def counting_build(*args: object) -> object:  # every drawing of a figure passes here
        builds.append(1)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(plot_view, "scene_cells", counting_build)
    app = OneView()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(PlotView)
        first, second = (region_figure(UNICODE, w1, shaded=False) for w1 in (0.5, 0.8))
        view.show_figure(first)
        await pilot.pause()
        shown = view.text_lines
        view.show_figure(second)
        await pilot.pause()
        assert view.text_lines != shown
        drawn = len(builds)
        view.show_figure(first)  # a slider stepped back
        await pilot.pause()
        assert view.text_lines == shown and len(builds) == drawn
        # The cache holds only the last few: a figure shown long ago is drawn again.
        for w1 in np.linspace(1.0, 3.0, RECENT_FIGURES + 1):
            view.show_figure(region_figure(UNICODE, float(w1), shaded=False))
            await pilot.pause()
        drawn = len(builds)
        view.show_figure(first)
        await pilot.pause()
        assert view.text_lines == shown and len(builds) == drawn + 1
