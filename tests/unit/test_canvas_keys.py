"""Part 03's figures are keyed by where plotext puts their points: frames of a run that
draw the same share a key (and are not rebuilt), and frames that draw differently never
do, for the bowl and the loss curve, in Unicode (braille lines) and ASCII."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual_plotext.plot import Plot

from neuron_tui.compat import plot_cells, set_plot_size
from neuron_tui.figures.bowl import VIEWS, BowlFigure, BowlMap, bowl_canvas
from neuron_tui.figures.losscurve import LossCurve
from neuron_tui.glyphs import ASCII, UNICODE, GlyphSet
from neuron_tui.lesson.part03 import GradientDescentLesson

SIZE = (44, 16)


def drawn(figure: BowlFigure | LossCurve, size: tuple[int, int] = SIZE
          ) -> tuple[list[list[str]], list[list[object]]]:
    """The figure's cells as plotext builds them at `size`."""
    plot = Plot()
    plot.theme("clear")
    set_plot_size(plot, *size)
    figure.draw(plot)
    return plot_cells(plot)


def run_figures(preset: str, glyph_set: GlyphSet) -> list[BowlFigure]:
    """The bowl of every frame of a whole run at `preset`'s rate, as Part 03 shows it."""
    lesson = GradientDescentLesson()
    lesson.choose_preset(preset)
    assert lesson.start_running()
    bowl = BowlMap(lesson.X, lesson.y)
    figures = []
    finished = False
    while not finished:
        finished = lesson.run_frame()
        figure = bowl.figure(lesson.last.b, *SIZE, lesson.path)
        figures.append(replace(figure, glyph_set=glyph_set))
    return figures


@pytest.mark.parametrize("glyph_set", [UNICODE, ASCII], ids=["unicode", "ascii"])
@pytest.mark.parametrize("preset", ["d", "f"])
def test_frames_with_one_key_draw_the_same(preset: str, glyph_set: GlyphSet) -> None:
    figures = run_figures(preset, glyph_set)
    keys = [figure.key for figure in figures]
    if preset == "d":  # a good run settles: most late frames move by less than a dot
        assert len(set(keys)) < len(keys) / 2
    for before, after in zip(figures, figures[1:], strict=False):
        if before.key == after.key:
            assert drawn(before) == drawn(after)


def test_a_move_of_one_dot_changes_the_key() -> None:
    (low, high), view = VIEWS[0].limits, VIEWS[0]
    columns, _ = bowl_canvas(*SIZE, view) or (0, 0)
    dot = (high - low) / (columns * 2 - 1)  # the width of one braille dot of the line
    lesson = GradientDescentLesson()
    bowl = BowlMap(lesson.X, lesson.y)
    start = ((-4.0, 4.0), (0.0, 0.0))
    moved = ((-4.0, 4.0), (dot * 2.02, 0.0))  # the next cell: the dot of now moves too
    first, second = (bowl.figure(0.0, *SIZE, path) for path in (start, moved))
    assert first.key != second.key
    assert drawn(first) != drawn(second)


@pytest.mark.parametrize("view", VIEWS)
def test_the_canvas_is_inside_the_plot(view) -> None:  # type: ignore[no-untyped-def]
    canvas = bowl_canvas(*SIZE, view)
    assert canvas is not None
    columns, rows = canvas
    assert SIZE[0] // 2 < columns < SIZE[0] and SIZE[1] // 2 < rows < SIZE[1]


def test_a_plot_too_small_for_a_canvas_keys_by_the_weights() -> None:
    lesson = GradientDescentLesson()
    figure = BowlMap(lesson.X, lesson.y).figure(0.0, 3, 1, lesson.path)
    assert figure.canvas is None and figure.key  # no crash, a key all the same


#: The loss curve's plot at 80×24 (its box inside the 34-column side).
CURVE_SIZE = (32, 9)


def curve_frames(glyph_set: GlyphSet) -> list[LossCurve]:
    """The loss curve of every frame of a good run, after an oscillating one (faint)."""
    lesson = GradientDescentLesson()
    lesson.choose_preset("f")
    for _ in range(40):
        lesson.run_frame()
    lesson.choose_preset("d")
    assert lesson.start_running()
    curves = []
    finished = False
    while not finished:
        finished = lesson.run_frame()
        earlier = tuple(run.losses for run in lesson.earlier)
        curves.append(LossCurve(lesson.losses, earlier, CURVE_SIZE, glyph_set))
    return curves


@pytest.mark.parametrize("glyph_set", [UNICODE, ASCII], ids=["unicode", "ascii"])
def test_curve_frames_with_one_key_draw_the_same(glyph_set: GlyphSet) -> None:
    curves = curve_frames(glyph_set)
    keys = [curve.key for curve in curves]
    assert len(set(keys)) < len(keys)  # late frames add epochs within a dot
    for before, after in zip(curves, curves[1:], strict=False):
        assert (before.key == after.key) <= (
            drawn(before, CURVE_SIZE) == drawn(after, CURVE_SIZE))


def test_curve_key_sees_the_earlier_runs() -> None:
    losses = (0.9, 0.5, 0.3)
    alone = LossCurve(losses, (), CURVE_SIZE)
    beside = LossCurve(losses, ((0.9, 0.8, 0.7, 0.6),), CURVE_SIZE)
    assert alone.key != beside.key
    assert drawn(alone, CURVE_SIZE) != drawn(beside, CURVE_SIZE)


@pytest.mark.parametrize("glyph_set", [UNICODE, ASCII], ids=["unicode", "ascii"])
def test_a_thinned_curve_draws_every_epoch_as_the_whole_one(glyph_set: GlyphSet) -> None:
    for curve in curve_frames(glyph_set)[::3]:
        assert curve.canvas is not None
        whole = replace(curve, size=None)  # no canvas: every epoch handed to plotext
        assert drawn(curve, CURVE_SIZE) == drawn(whole, CURVE_SIZE)


@pytest.mark.parametrize("glyph_set", [UNICODE, ASCII], ids=["unicode", "ascii"])
def test_a_thinned_path_draws_as_the_whole_one(glyph_set: GlyphSet) -> None:
    for figure in run_figures("d", glyph_set)[::4]:
        assert figure.canvas is not None
        assert drawn(figure) == drawn(replace(figure, canvas=None))
