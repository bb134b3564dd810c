"""The fast path gives exactly plotext's cells: characters and (fg, style, bg) colours.

`figures.raster` puts a recorded figure's layers on axes plotext built once; here every
kind of figure the lesson draws, and many seeded random ones (weights, lines leaving the
plot, points on its edges, shading on and off, every glyph set, three plot sizes), are
drawn both ways and compared cell by cell. What the fast path does not cover must say
so (None), and its replay on plotext must be the figure drawn directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np
import pytest
from textual_plotext.plot import Plot

from neuron_tui.compat import plot_cells, set_plot_size
from neuron_tui.figures import raster
from neuron_tui.figures.activation import draw_activation
from neuron_tui.figures.bowl import BowlMap
from neuron_tui.figures.canvas import canvas_cells
from neuron_tui.figures.losscurve import LossCurve
from neuron_tui.figures.palette import (
    GATE_BANDS,
    LOSS_BANDS,
    MOON_BANDS,
    PALETTE,
    PROBABILITY_BANDS,
)
from neuron_tui.figures.placement import bins, line_points
from neuron_tui.figures.raster import scene_cells
from neuron_tui.figures.recording import Recording
from neuron_tui.figures.regions import RegionFigure, Shading, plot_grid, sample_grid
from neuron_tui.glyphs import ASCII, CONSOLE, UNICODE, GlyphSet, colourless
from neuron_tui.model.datasets import forty_points

Draw = Callable[[Any], None]
SIZES = [(60, 20), (80, 24), (120, 40)]
GLYPH_SETS = [UNICODE, ASCII, CONSOLE, colourless(UNICODE)]
LIMITS = (-3.0, 3.0)


def built(draw: Draw, size: tuple[int, int]) -> tuple[list[list[str]], list[list[Any]]]:
    """plotext's own full build of `draw` at `size`."""
    plot = Plot()
    plot.theme("clear")
    set_plot_size(plot, *size)
    draw(plot)
    return plot_cells(plot)


def fast(draw: Draw, size: tuple[int, int]) -> tuple[list[list[str]], list[list[Any]]] | None:
    recording = Recording()
    draw(recording)
    return scene_cells(recording, *size)


def assert_same_cells(draw: Draw, size: tuple[int, int]) -> None:
    cells = fast(draw, size)
    assert cells is not None, "the fast path should cover this figure"
    markers, colours = built(draw, size)
    fast_markers, fast_colours = cells
    for row, (want, got) in enumerate(zip(markers, fast_markers, strict=True)):
        assert tuple(got) == tuple(want), f"row {row}:\n{''.join(want)!r}\n{''.join(got)!r}"
    assert list(map(tuple, fast_colours)) == list(map(tuple, colours))


def random_region(seed: int) -> tuple[RegionFigure, tuple[int, int]]:
    """A seeded random region figure: points (some on the plot's edges and ticks, some
    off it), a random model's line (often leaving the plot), shading on or off."""
    rng = np.random.default_rng(seed)
    size = SIZES[seed % len(SIZES)]
    glyph_set = GLYPH_SETS[(seed // len(SIZES)) % len(GLYPH_SETS)]
    xlim = ylim = LIMITS
    if seed % 5 == 4:
        xlim, ylim = (-0.5, 1.5), (-0.5, 1.5)
    count = int(rng.integers(0, 60))
    points = rng.uniform(xlim[0] - 0.3, xlim[1] + 0.3, size=(count, 2))
    edges = np.array([[xlim[0], ylim[0]], [xlim[1], ylim[1]], [xlim[0], ylim[1]],
                      [0.0, ylim[0]], [1.0, 1.0], [xlim[1], 0.0]])
    points = np.vstack([points, edges[: int(rng.integers(0, len(edges) + 1))]])
    labels = rng.integers(0, 2, size=len(points))
    weights = rng.normal(0.0, 2.0, size=3)
    z = points @ weights[:2] + weights[2]
    wrong = None if seed % 7 == 3 else (z > 0) != (labels == 1)
    line = None
    if abs(weights[1]) > 1e-3 and seed % 6 != 5:  # w·x + b = 0, from far left to far right
        reach = rng.uniform(1.0, 20.0)
        (x0, y0), (x1, y1) = ((float(x), float(-(weights[0] * x + weights[2]) / weights[1]))
                              for x in (xlim[0] * reach, xlim[1] * reach))
        line = ((x0, y0), (x1, y1))
    shading = None
    if seed % 4:
        table = (PROBABILITY_BANDS, GATE_BANDS, MOON_BANDS, LOSS_BANDS)[(seed // 4) % 4]
        grid = (plot_grid(xlim, ylim, size) if seed % 2 else
                sample_grid(xlim, ylim, int(rng.integers(10, 80)), int(rng.integers(5, 40))))
        values = 1 / (1 + np.exp(-(grid.cells @ weights[:2] + weights[2])))
        if table is LOSS_BANDS:
            values = values * 5
        values[rng.random(len(values)) < 0.02] = np.nan
        shading = Shading.of(grid, values, table)
    figure = RegionFigure(points, labels, xlim, ylim, wrong, line, shading, glyph_set)
    return figure, size


@pytest.mark.parametrize("seed", range(48))
def test_random_region_figures_are_plotexts_cells(seed: int) -> None:
    figure, size = random_region(seed)
    if not len(figure.points) and figure.line is None and figure.shading is None:
        assert fast(figure.draw, size) is None  # nothing drawn: plotext's bare axes
        return
    assert_same_cells(figure.draw, size)


def lesson_drawings(glyph_set: GlyphSet, size: tuple[int, int]) -> list[Draw]:
    """The other figures the lesson draws: the bowl, loss curves, activations."""
    X, y = forty_points()
    bowl = BowlMap(X, y)
    path = ((-4.0, 4.0), (-2.0, 3.0), (0.5, 1.0), (1.1, 1.3))
    far_path = ((-4.0, 4.0), (23.0, 16.0), (-30.0, -12.0))
    losses = (0.9, 0.7, 0.55, 0.5, float("nan"), 0.45, 0.44, 0.43)
    return [
        replace(bowl.figure(0.0, *size, path), glyph_set=glyph_set).draw,
        replace(bowl.figure(1.5, *size, far_path), glyph_set=glyph_set).draw,
        LossCurve(losses, ((1.0, 0.2, 3.0),), size, glyph_set).draw,
        LossCurve(tuple(np.linspace(2.0, 0.3, 140)), (), size, glyph_set).draw,
        LossCurve(losses[:1], (), None, glyph_set).draw,
        partial(draw_activation, activation="sigmoid", z=0.7),
        partial(draw_activation, activation="relu", z=-7.5),
        partial(draw_activation, activation="tanh", z=6.0),
    ]


@pytest.mark.parametrize("glyph_set", [UNICODE, ASCII, CONSOLE], ids=lambda g: g.name)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_the_lessons_other_figures_are_plotexts_cells(glyph_set: GlyphSet,
                                                      size: tuple[int, int],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("neuron_tui.figures.activation.glyphs", lambda: glyph_set)
    for draw in lesson_drawings(glyph_set, size):
        assert_same_cells(draw, size)


def noted(note: tuple[str, ...], alignment: str | None, x: float, y: float) -> Draw:
    """A region figure with text over it, as Part 04 writes its note."""
    X, labels = forty_points()
    figure = RegionFigure(X, labels, LIMITS, LIMITS, line=((-3.0, 1.0), (3.0, -2.0)))

    def draw(plot: Any) -> None:
        figure.draw(plot)
        for index, line in enumerate(note):
            keywords: dict[str, Any] = {"color": PALETTE.text, "style": "bold"}
            if alignment is not None:
                keywords["alignment"] = alignment
            plot.text(line, x, y - index * 0.4, **keywords)

    return draw


@pytest.mark.parametrize("alignment", [None, "center", "left", "right"])
@pytest.mark.parametrize("where", [(0.0, 0.0), (-2.9, 2.9), (2.95, -2.9), (3.0, 3.0)])
def test_text_over_a_figure_is_plotexts_cells(alignment: str | None,
                                              where: tuple[float, float]) -> None:
    note = ("unsure: the line", "could be anywhere here", "two\nrows")
    assert_same_cells(noted(note, alignment, *where), (60, 20))


@pytest.mark.parametrize("seed", range(24))
def test_random_lines_and_points_are_plotexts_cells(seed: int) -> None:
    """Polylines and scatters in every marker the lesson uses, far off the plot too,
    with points placed within a hair of plotext's bin edges (its rounding decides)."""
    rng = np.random.default_rng(1000 + seed)
    size = SIZES[seed % len(SIZES)]
    xlim = (float(rng.uniform(-5, 0)), float(rng.uniform(1, 5)))
    ylim = (0, int(rng.integers(1, 9)))  # whole-number limits, as the loss curve's epochs
    canvas = canvas_cells(*size, xlim, ylim, (xlim[0], 0.0, xlim[1]), (0, ylim[1]), "epoch")
    assert canvas is not None
    layers = []
    for _ in range(int(rng.integers(1, 6))):
        marker = str(rng.choice(["braille", ".", "•", "o", "●", "*", "x"]))
        count = int(rng.integers(1, 30))
        xs = rng.uniform(xlim[0] - 1, xlim[1] + 1, count)
        ys = rng.uniform(ylim[0] - 1, ylim[1] + 1, count)
        if rng.random() < 0.4:  # within a hair below a bin's edge: plotext's round decides
            across = canvas[0] * (2 if marker == "braille" else 1)
            edge = rng.integers(1, across, count) - 1e-9 * rng.random(count)
            xs = xlim[0] + (edge - 0.5) * (xlim[1] - xlim[0]) / (across - 1)
        colour = tuple(int(channel) for channel in rng.integers(0, 256, 3))
        kind = "plot" if rng.random() < 0.6 else "scatter"
        style = "bold" if rng.random() < 0.3 else None
        layers.append((kind, xs.tolist(), ys.tolist(), marker, colour, style))

    def draw(plot: Any) -> None:
        plot.xlim(*xlim)
        plot.ylim(*ylim)
        plot.xticks([xlim[0], 0.0, xlim[1]])
        plot.yticks([0, ylim[1]], ["0", str(ylim[1])])
        plot.xlabel("epoch")
        for kind, xs, ys, marker, colour, style in layers:
            keywords = {"marker": marker, "color": colour}
            if style is not None:
                keywords["style"] = style
            getattr(plot, kind)(xs, ys, **keywords)

    assert_same_cells(draw, size)


def test_bins_round_as_python_does_at_bin_edges() -> None:
    count, limits = 37, (-1.3, 2.9)
    below = np.arange(count) + 0.5 - np.array([0.0, 1e-9, 4e-9, 6e-9, 1e-8, 2e-7] * 7)[:count]
    values = limits[0] + (below - 0.5) * (limits[1] - limits[0]) / (count - 1)
    expected = [int(np.floor(round(0.5 + (count - 1) * (value - limits[0])
                                   / (limits[1] - limits[0]), 8))) for value in values.tolist()]
    found = bins(values, limits, count)
    assert found is not None and found.tolist() == expected


def test_a_line_is_its_segments_points_and_its_last() -> None:
    xs, ys = line_points(np.array([0, 4, 4]), np.array([0, 2, -1]))  # type: ignore[misc]
    assert list(zip(xs.tolist(), ys.tolist(), strict=True)) == [
        (0, 0), (1, 0), (2, 1), (3, 1), (4, 2), (4, 1), (4, 0), (4, -1)]


@pytest.mark.parametrize("unsupported", [
    lambda plot: plot.bar([1, 2], [1, 2]),
    lambda plot: plot.scatter([0.0], [0.0], marker="o"),  # no colour: plotext picks one
    lambda plot: plot.scatter([0.0], [0.0], marker="hd", color=(1, 2, 3)),
    lambda plot: plot.scatter([0.0], [0.0], marker="o", color=(1, 2, 3), style="italic"),
    lambda plot: plot.scatter([0.0], [float("nan")], marker="o", color=(1, 2, 3)),
    lambda plot: plot.plot([0.0, 1.0], [0.0, 1.0], marker="o", color=(1, 2, 3), label="a"),
    lambda plot: plot.text("vertical", 0.0, 0.0, color=(1, 2, 3), orientation="vertical"),
], ids=["bar", "no colour", "hd marker", "italic", "nan", "legend label", "vertical text"])
def test_what_the_fast_path_does_not_cover_is_left_to_plotext(unsupported: Draw) -> None:
    def draw(plot: Any) -> None:
        plot.xlim(-1.0, 1.0)
        plot.ylim(-1.0, 1.0)
        plot.xticks([-1.0, 1.0])
        plot.yticks([-1.0, 1.0])
        unsupported(plot)

    recording = Recording()
    draw(recording)
    assert scene_cells(recording, 40, 12) is None
    replayed = Plot()
    replayed.theme("clear")
    set_plot_size(replayed, 40, 12)
    recording.replay(replayed)
    assert plot_cells(replayed) == built(draw, (40, 12))


def test_axes_from_the_data_are_left_to_plotext() -> None:
    recording = Recording()
    recording.scatter([0.0, 2.0], [1.0, 3.0], marker="o", color=(1, 2, 3))  # no limits
    assert scene_cells(recording, 40, 12) is None


def test_a_plot_with_no_room_inside_its_axes_is_left_to_plotext() -> None:
    figure, _ = random_region(1)
    recording = Recording()
    figure.draw(recording)
    assert scene_cells(recording, 6, 3) is None


def test_axes_are_built_once_per_size_and_axes(monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[int] = []
    original = raster._build_axes

    def counting(*args: Any) -> Any:
        builds.append(1)
        return original(*args)

    monkeypatch.setattr(raster, "_build_axes", counting)
    monkeypatch.setattr(raster, "_AXES", type(raster._AXES)())
    for seed in (2, 8, 17):  # one size (120×40), one pair of limits, other weights
        figure, size = random_region(seed)
        recording = Recording()
        figure.draw(recording)
        assert scene_cells(recording, *size) is not None
    assert len(builds) == 1


def test_ticks_left_to_plotext_are_left_to_plotext() -> None:
    recording = Recording()
    recording.xlim(0.0, 1.0)
    recording.ylim(0.0, 1.0)
    recording.xticks()  # plotext chooses the ticks from the data
    recording.yticks([0.0, 1.0])
    recording.scatter([0.5], [0.5], marker="o", color=(1, 2, 3))
    assert scene_cells(recording, 40, 12) is None
