"""The region figure and the shared band machinery: cache keys, bands, drawing, legends."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from textual.app import App, ComposeResult
from textual.content import Content
from textual.style import Style
from textual_plotext.plot import Plot

from neuron_tui.compat import set_plot_size
from neuron_tui.figures.bowl import BowlFigure, loss_shading
from neuron_tui.figures.palette import (
    GATE_BANDS,
    LOSS_BANDS,
    MOON_BANDS,
    PALETTE,
    PROBABILITY_BANDS,
    Bands,
)
from neuron_tui.figures.regions import (
    RegionFigure,
    Shading,
    plot_grid,
    sample_grid,
)
from neuron_tui.glyphs import ASCII, CONSOLE, UNICODE, colourless
from neuron_tui.widgets.plot_view import PlotView

LIMITS = (-3.0, 3.0)
SIZE = (40, 14)
#: One plotted character and the 24-bit colour plotext gives it (bold or not).
COLOURED = re.compile(r"\x1b\[38;2;(\d+);(\d+);(\d+)m(\x1b\[1m)?([^\x1b])")


def points() -> tuple[np.ndarray, np.ndarray]:
    X = np.array([[-2.0, -2.0], [-1.0, 1.5], [1.0, -1.5], [2.0, 2.0]])
    return X, np.array([0, 0, 1, 1])


def shading(values: float | np.ndarray, table: Bands = PROBABILITY_BANDS,
            size: tuple[int, int] = SIZE) -> Shading:
    grid = plot_grid(LIMITS, LIMITS, size)
    return Shading.of(grid, np.broadcast_to(values, (len(grid.cells),)), table)


def figure(**changes: object) -> RegionFigure:
    X, y = points()
    base = RegionFigure(X, y, LIMITS, LIMITS, wrong=np.array([False, True, False, False]),
                        line=((-3.0, 1.0), (3.0, -1.0)), shading=shading(0.3),
                        glyph_set=UNICODE)
    return replace(base, **changes)


def drawn(draw: object, size: tuple[int, int] = SIZE) -> str:
    """The ANSI text plotext builds for `draw` (a figure's draw method) at `size`."""
    plot = Plot()
    plot.theme("clear")
    set_plot_size(plot, *size)
    draw(plot)  # type: ignore[operator]
    return plot.build()


def coloured_glyphs(text: str) -> set[tuple[str, tuple[int, int, int]]]:
    return {(glyph, (int(r), int(g), int(b))) for r, g, b, _, glyph in COLOURED.findall(text)}


def bold_glyphs(text: str) -> set[tuple[str, tuple[int, int, int]]]:
    return {(glyph, (int(r), int(g), int(b)))
            for r, g, b, bold, glyph in COLOURED.findall(text) if bold}


# --------------------------------------------------------------------- cache keys

def test_equal_inputs_give_equal_keys_even_in_new_arrays() -> None:
    X, y = points()
    again = figure(points=X.copy(), labels=y.copy(), wrong=np.array([False, True, False, False]),
                   shading=shading(0.3))
    assert again.key == figure().key
    assert hash(again.key) == hash(figure().key)


@pytest.mark.parametrize("change", [
    {"points": points()[0] + 0.5},
    {"labels": np.array([1, 0, 1, 1])},
    {"wrong": np.array([False, False, False, False])},
    {"wrong": None},
    {"line": ((-3.0, 1.0), (3.0, -0.5))},
    {"line": None},
    {"shading": shading(0.7)},
    {"shading": shading(0.3, table=GATE_BANDS)},
    {"shading": shading(0.3, size=(41, 14))},
    {"shading": None},
    {"xlim": (-4.0, 3.0)},
    {"ylim": (-3.0, 4.0)},
    {"glyph_set": ASCII},
    {"glyph_set": CONSOLE},
], ids=lambda change: next(iter(change)))
def test_key_changes_when_any_input_changes(change: dict[str, object]) -> None:
    assert figure(**change).key != figure().key


def test_key_ignores_values_that_land_in_the_same_band() -> None:
    # 0.2 and 0.3 are both in the band (0.1, 0.4]: the shading draws the same.
    assert figure(shading=shading(0.2)).key == figure(shading=shading(0.3)).key


def test_bowl_key_follows_path_and_surface() -> None:
    grid = plot_grid((-6.0, 10.0), (-6.0, 10.0), (20, 8), per_cell=1)
    surface = np.full((grid.rows, grid.columns), 0.6)
    bowl = BowlFigure(loss_shading(grid, surface), ((1.0, 2.0),), UNICODE)
    assert bowl.key == BowlFigure(loss_shading(grid, surface.copy()), ((1.0, 2.0),), UNICODE).key
    assert bowl.key != BowlFigure(loss_shading(grid, surface), ((1.0, 2.5),), UNICODE).key
    assert bowl.key != BowlFigure(loss_shading(grid, surface + 1.0), ((1.0, 2.0),), UNICODE).key


# ---------------------------------------------------------------------- bands

@pytest.mark.parametrize("table", [PROBABILITY_BANDS, GATE_BANDS, MOON_BANDS, LOSS_BANDS])
def test_every_band_table_has_a_glyph_of_each_set_and_a_colour_per_band(table: Bands) -> None:
    assert len(table.unicode_glyphs) == len(table.ascii_glyphs) == len(table) == len(
        table.edges) + 1
    assert all(glyph.isascii() for glyph in table.ascii_glyphs)


def test_values_fall_into_bands_by_their_upper_edges() -> None:
    values = [0.0, 0.09, 0.1, 0.39, 0.5, 0.6, 0.89, 0.95, 1.0, float("nan")]
    assert PROBABILITY_BANDS.index(values).tolist() == [0, 0, 1, 1, 2, 3, 3, 4, 4, 2]
    assert LOSS_BANDS.index([0.1, 0.4, 3.0, 1e9, float("inf"), float("nan")]).tolist() == [
        0, 1, 5, 6, 6, 6]


def test_a_band_table_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(ValueError, match="3 bands"):
        Bands((0.5, 0.7), ("a", "b", "c"), ("a", "b"), ((0, 0, 0),) * 3, unknown=1)
    with pytest.raises(ValueError, match="unknown band 3"):
        Bands((0.5,), ("a", "b"), ("a", "b"), ((0, 0, 0),) * 2, unknown=3)


def test_shading_needs_one_value_per_sample() -> None:
    grid = sample_grid(LIMITS, LIMITS, 4, 3)
    with pytest.raises(ValueError, match="11 values for a grid of 12"):
        Shading.of(grid, np.zeros(11), PROBABILITY_BANDS)


@pytest.mark.parametrize("glyph_set", [UNICODE, ASCII])
@pytest.mark.parametrize("probability, band", [(0.05, 0), (0.3, 1), (0.5, 2), (0.7, 3), (0.95, 4)])
def test_each_band_is_drawn_in_its_glyph_and_colour(glyph_set, probability, band) -> None:  # type: ignore[no-untyped-def]
    region = RegionFigure(np.empty((0, 2)), np.empty(0, dtype=np.int64), LIMITS, LIMITS,
                          shading=shading(probability), glyph_set=glyph_set)
    glyph = PROBABILITY_BANDS.glyphs(glyph_set)[band]
    assert coloured_glyphs(drawn(region.draw)) == {(glyph, PROBABILITY_BANDS.colours[band])}


def test_a_blank_band_is_left_unshaded() -> None:
    region = figure(shading=shading(0.5, table=GATE_BANDS), line=None, wrong=None)
    drawn_glyphs = {glyph for glyph, _ in coloured_glyphs(drawn(region.draw))}
    assert drawn_glyphs == {"o", "x"}


def test_grids_of_one_size_are_one_shared_grid() -> None:
    assert plot_grid(LIMITS, LIMITS, (30, 10)) is plot_grid(LIMITS, LIMITS, (30, 10))
    grid = plot_grid(LIMITS, LIMITS, (3, 2), minimum=(20, 8))
    assert (grid.columns, grid.rows) == (40, 16)
    assert grid.cells.shape == (40 * 16, 2)
    assert grid.cells[0].tolist() == [-3.0, -3.0] and grid.cells[-1].tolist() == [3.0, 3.0]


# -------------------------------------------------------------------- drawing

def test_full_figure_draws_shading_line_points_and_wrong_in_palette_colours() -> None:
    text = drawn(figure().draw)
    glyphs_drawn = coloured_glyphs(text)
    assert {("o", PALETTE.class_a), ("x", PALETTE.class_b),
            ("·", PROBABILITY_BANDS.colours[1])} <= glyphs_drawn
    assert PALETTE.boundary in {colour for _, colour in glyphs_drawn}  # the line, in braille
    # The one wrong point (class A) keeps its o, in amber and bold: nothing else is either.
    assert bold_glyphs(text) == {("o", PALETTE.wrong)}
    assert {colour for _, colour in glyphs_drawn if colour == PALETTE.wrong}


@pytest.mark.parametrize("glyph_set, wrong_a, wrong_b", [
    (UNICODE, "o", "x"), (CONSOLE, "o", "x"), (ASCII, "O", "X"),
    (colourless(UNICODE), "O", "X"), (colourless(ASCII), "O", "X"),
], ids=["unicode", "console", "ascii", "unicode without colour", "ascii without colour"])
def test_a_wrong_point_keeps_its_class(glyph_set, wrong_a, wrong_b) -> None:  # type: ignore[no-untyped-def]
    """Wrong points of A and B stay told apart: amber and bold o and x, or O and X."""
    X, y = points()
    region = RegionFigure(X, y, LIMITS, LIMITS, wrong=np.array([True, False, True, False]),
                          glyph_set=glyph_set)
    text = drawn(region.draw)
    assert bold_glyphs(text) == {(wrong_a, PALETTE.wrong), (wrong_b, PALETTE.wrong)}
    assert coloured_glyphs(text) == {(wrong_a, PALETTE.wrong), (wrong_b, PALETTE.wrong),
                                     ("o", PALETTE.class_a), ("x", PALETTE.class_b)}
    # Without colour the wrong marks differ from the right ones by glyph alone.
    assert (wrong_a, wrong_b) != ("o", "x") or glyph_set.unicode


def test_without_colour_only_the_wrong_marks_change() -> None:
    assert colourless(UNICODE) == replace(UNICODE, name="unicode-colourless", wrong_a="O",
                                          wrong_b="X", wrong="O/X")
    assert colourless(ASCII) is ASCII  # already capitals


@pytest.mark.parametrize("change", [
    {"line": None}, {"shading": None}, {"wrong": None}, {"line": None, "shading": None,
                                                         "wrong": None},
], ids=["no line", "no shading", "no wrong", "points only"])
def test_figure_without_line_shading_or_wrong_points_still_draws(change) -> None:  # type: ignore[no-untyped-def]
    colours = {colour for _, colour in coloured_glyphs(drawn(figure(**change).draw))}
    assert PALETTE.class_a in colours and PALETTE.class_b in colours
    assert (PALETTE.boundary in colours) == ("line" not in change)
    assert (PALETTE.wrong in colours) == ("wrong" not in change)  # the one wrong point
    assert (PROBABILITY_BANDS.colours[1] in colours) == ("shading" not in change)


def test_points_that_do_not_match_their_labels_are_refused() -> None:
    with pytest.raises(ValueError, match="points must be"):
        figure(labels=np.array([0, 1]))


def test_bowl_draws_its_bands_path_start_and_now() -> None:
    grid = plot_grid((-6.0, 10.0), (-6.0, 10.0), (30, 10), per_cell=1)
    surface = np.linspace(0.0, 5.0, grid.rows * grid.columns).reshape(grid.rows, grid.columns)
    path = ((8.0, -4.0), (4.0, 0.0), (float("nan"), 1.0), (1.0, 2.0))
    colours = {colour for _, colour in coloured_glyphs(drawn(
        BowlFigure(loss_shading(grid, surface), path, UNICODE).draw, (40, 14)))}
    assert set(LOSS_BANDS.colours[1:]) <= colours
    assert LOSS_BANDS.colours[0] not in colours  # the bottom of the bowl is blank
    assert {PALETTE.start, PALETTE.marker, PALETTE.path} <= colours


# -------------------------------------------------------------------- legends

def span_colours(content: Content) -> dict[str, tuple[int, int, int]]:
    """Each piece of a legend styled with a colour of its own (not a theme's), and that colour."""
    colours = {}
    for span in content.spans:
        if "$" in str(span.style):
            continue  # a theme colour, resolved only inside an app
        style = Style.parse(str(span.style))
        if style.foreground is not None:
            colours[content.plain[span.start:span.end]] = style.foreground.rgb
    return colours


def test_legend_takes_its_colours_from_the_palette() -> None:
    legend = figure().legend()
    assert legend.plain == ("o A  x B  o/x wrong  ⠉⠒ line  "
                            "░ sure A  · A  ≈ unsure  : B  ▒ sure B")
    colours = span_colours(legend)
    assert {glyph: colours[glyph] for glyph in ("o", "x", "o/x", "⠉⠒")} == {
        "o": PALETTE.class_a, "x": PALETTE.class_b, "o/x": PALETTE.wrong,
        "⠉⠒": PALETTE.boundary}
    # Every shading band is named, in its own glyph and colour.
    for glyph, colour in zip(PROBABILITY_BANDS.unicode_glyphs, PROBABILITY_BANDS.colours,
                             strict=True):
        assert colours[glyph] == colour


def test_legend_names_only_what_is_drawn() -> None:
    legend = figure(line=None, shading=None, glyph_set=ASCII).legend(("moon A", "moon B"))
    assert legend.plain == "o moon A  x moon B  O/X wrong"
    gate = figure(shading=shading(0.5, table=GATE_BANDS), glyph_set=ASCII).legend()
    assert gate.plain.endswith(".. line  - sure A  . A  : B  + sure B")  # no blank band
    unlabelled = replace(PROBABILITY_BANDS, labels=())
    strip = figure(shading=shading(0.5, table=unlabelled), glyph_set=ASCII).legend()
    assert strip.plain.endswith(".. line  -.=:+ A->B")


@pytest.mark.parametrize("width", [20, 26, 28, 40, 48])
def test_a_legend_fits_its_width_without_parting_a_glyph_from_its_words(width: int) -> None:
    legend = figure().legend(width=width)
    lines = legend.plain.split("\n")
    assert all(len(line) <= width for line in lines)
    assert lines[0].startswith("o A  x B")
    shading_from = next(i for i, line in enumerate(lines) if line.startswith("░"))
    assert "░" not in "".join(lines[:shading_from])  # the shading starts a line of its own
    entries = [entry for line in lines for entry in line.split("  ")]
    assert entries == ["o A", "x B", "o/x wrong", "⠉⠒ line", "░ sure A", "· A", "≈ unsure",
                       ": B", "▒ sure B"]


def test_a_band_table_needs_a_label_per_band_or_none() -> None:
    with pytest.raises(ValueError, match="5 bands need 5 labels, not 2"):
        replace(PROBABILITY_BANDS, labels=("a", "b"))


def test_bowl_legend_shows_each_shaded_band_in_its_colour() -> None:
    grid = plot_grid((-6.0, 10.0), (-6.0, 10.0), (10, 4), per_cell=1)
    legend = BowlFigure(loss_shading(grid, np.zeros((grid.rows, grid.columns))), (),
                        UNICODE).legend()
    assert legend.plain == ("blank <0.35 ·<0.5 ∙<0.75 ░<1.2 ▒<2 ▓<4 █>4\n"
                            "■ start  ● now  ⠉⠒ path")
    colours = span_colours(legend)
    assert "blank " not in colours  # the bottom band, unshaded on the map, named in words
    for glyph, colour in zip(LOSS_BANDS.unicode_glyphs[1:], LOSS_BANDS.colours[1:],
                             strict=True):
        assert colours[glyph] == colour


# ------------------------------------------------------------------- PlotView

class FigureApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PlotView()


async def test_plot_view_shows_a_figure_as_the_figure_draws_it() -> None:
    app = FigureApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(PlotView)
        view.show_figure(figure())
        await pilot.pause()
        shown = view.text_lines
        expected = re.sub(r"\x1b\[[0-9;]*m", "", drawn(figure().draw, (view.size.width,
                                                                        view.size.height)))
        assert shown == expected.split("\n")[:view.size.height]
        view.show_figure(figure(line=None))
        await pilot.pause()
        assert view.text_lines != shown


def test_bowl_map_reshades_only_when_b_or_the_size_moves() -> None:
    from neuron_tui.figures.bowl import B_TOLERANCE, BowlMap
    from neuron_tui.model.datasets import forty_points
    from neuron_tui.model.training import loss_surface

    X, y = forty_points()
    bowl = BowlMap(X, y)
    first = bowl.figure(0.0, 30, 10, ((0.0, 0.0),))
    assert bowl.figure(B_TOLERANCE * 0.9, 30, 10, ()).shading is first.shading
    moved = bowl.figure(B_TOLERANCE * 1.1, 30, 10, ())
    assert moved.shading is not first.shading and bowl.b == B_TOLERANCE * 1.1
    assert bowl.figure(B_TOLERANCE * 1.1, 40, 10, ()).shading is not moved.shading
    # The shading is the real loss at that b.
    grid = moved.shading.grid
    expected = loss_surface(X, y, B_TOLERANCE * 1.1, grid.xs, grid.ys)
    assert moved.shading.key == type(moved.shading).of(grid, expected, moved.shading.table).key


# ------------------------------------------------- Part 03: the bowl and the loss curve

def bowl_marks(glyph_set) -> dict[str, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    """Each mark of a drawn bowl (start, now) with the colour the plot gives it."""
    from neuron_tui.figures.bowl import start_glyph

    grid = plot_grid((-6.0, 10.0), (-6.0, 10.0), (30, 10), per_cell=1)
    flat = np.zeros((grid.rows, grid.columns))  # all bottom: blank, so the marks stand out
    figure = BowlFigure(loss_shading(grid, flat), ((-4.0, 4.0), (0.0, 0.0), (6.0, 2.0)),
                        glyph_set)
    return {glyph: colour for glyph, colour in coloured_glyphs(drawn(figure.draw, (40, 14)))
            if glyph in (start_glyph(glyph_set), glyph_set.dot)}


@pytest.mark.parametrize("glyph_set", [UNICODE, ASCII])
def test_bowl_start_and_now_differ_in_glyph_and_colour_as_the_legend_says(glyph_set) -> None:  # type: ignore[no-untyped-def]
    from neuron_tui.figures.bowl import bowl_legend, start_glyph

    marks = bowl_marks(glyph_set)
    start, now = start_glyph(glyph_set), glyph_set.dot
    assert start != now and marks[start] != marks[now]
    assert (marks[start], marks[now]) == (PALETTE.start, PALETTE.marker)
    legend = span_colours(bowl_legend(glyph_set))
    assert legend[start] == marks[start] and legend[now] == marks[now]


def test_the_bowl_zooms_out_to_keep_a_big_step_in_view() -> None:
    from neuron_tui.figures.bowl import VIEWS, BowlMap
    from neuron_tui.model.datasets import forty_points

    bowl = BowlMap(*forty_points())
    near = bowl.figure(0.0, 30, 10, ((-4.0, 4.0), (1.0, 1.0)))
    assert near.limits == (VIEWS[0].limits, VIEWS[0].limits) and not near.zoomed_out
    leap = bowl.figure(0.0, 30, 10, ((-4.0, 4.0), (23.3, 16.2)))  # a too-big first step
    low, high = leap.limits[0]
    assert low <= -4.0 and high >= 23.3 and leap.zoomed_out
    assert "zoomed out" in leap.legend().plain
    far = bowl.figure(0.0, 30, 10, ((-4.0, 4.0), (87.1, 44.7)))  # a diverging one
    assert far.limits[0][1] >= 87.1
    # Back at the start the map is near again.
    assert bowl.figure(0.0, 30, 10, ((-4.0, 4.0),)).limits == near.limits


def curve_colours(**kwargs) -> set[tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    from functools import partial

    from neuron_tui.figures.losscurve import draw_loss_curve

    return {colour for _, colour in coloured_glyphs(drawn(partial(draw_loss_curve, **kwargs),
                                                          (30, 12)))}


def test_loss_curve_draws_earlier_runs_faintly_on_the_same_axes() -> None:
    from neuron_tui.figures.losscurve import EARLIER_COLOUR

    current = [2.3, 1.5, 1.0, 0.8]
    alone = curve_colours(losses=current)
    assert PALETTE.curve in alone and EARLIER_COLOUR not in alone
    crawl = [2.3 - 0.003 * epoch for epoch in range(501)]
    beside = curve_colours(losses=current, earlier=[crawl])
    assert {PALETTE.curve, EARLIER_COLOUR} <= beside


def test_loss_curve_axes_hold_every_run_but_not_an_earlier_blow_up() -> None:
    from neuron_tui.figures.losscurve import draw_loss_curve

    text = drawn(lambda plot: draw_loss_curve(plot, [2.3, 1.0], [[2.3] * 501]), (30, 12))
    assert "500" in text  # the epoch axis reaches the longest run
    blown = drawn(lambda plot: draw_loss_curve(plot, [2.3, 1.0], [[2.3, 1.4, 8.7]]), (30, 12))
    assert "8.7" not in blown and "2.4" in blown  # cut at its own start (2.3 × 1.05)
    own = drawn(lambda plot: draw_loss_curve(plot, [2.3, 1.4, 8.7]), (30, 12))
    assert "9.1" in own  # the current run's own blow-up is shown whole

