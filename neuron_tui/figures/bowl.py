"""Part 03's figure: the loss "bowl" over (w₁, w₂) as a shaded map, with the path.

The loss is shaded in the palette's `LOSS_BANDS` with the region figure's band
machinery: blank at the bottom of the bowl, denser characters higher up its sides.
The path gradient descent has taken is a line on top; its start and the current
weights differ in glyph *and* colour (a grey square, an amber dot). When a big step
leaves the map, the map zooms out (`VIEWS`) so the whole path stays in view.

A figure's key is what plotext will draw, not the raw weights: plotext puts every
point on its canvas grid (cells, or braille dots for the line) before drawing, so
two paths on the same grid points draw the same. Near the bottom of the bowl most
frames of a run move the ball by less than a dot; their figure is not rebuilt (a
plotext build of the shaded map is most of a frame's CPU).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
from textual.content import Content
from textual_plotext.plot import Plot

from neuron_tui.figures.canvas import (
    canvas_cells,
    canvas_points,
    dots_per_cell,
    line_dots,
    thinned,
    visible_dots,
)
from neuron_tui.figures.palette import LOSS_BANDS, PALETTE, colour_style
from neuron_tui.figures.regions import (
    Grid,
    Limits,
    Shading,
    digest,
    draw_shading,
    line_sample,
    plot_grid,
    whole_ticks,
)
from neuron_tui.glyphs import GlyphSet, glyphs
from neuron_tui.i18n import _
from neuron_tui.lesson.numbers import general
from neuron_tui.model.training import loss_surface


@dataclass(frozen=True)
class View:
    """A square of (w₁, w₂) the map can show, and how often its axes are labelled."""

    limits: Limits
    tick_step: int

    def holds(self, w1s: Sequence[float], w2s: Sequence[float]) -> bool:
        low, high = self.limits
        return all(low <= value <= high for value in (*w1s, *w2s))


#: The map's views, nearest first: it shows the first that holds the whole path. The
#: first frames the bowl's bottom (about (1.2, 1.2)) and the start; a too-big rate's
#: first leap lands near (23, 16); a diverging run is stopped before 100.
VIEWS = (View((-6.0, 10.0), 4), View((-24.0, 24.0), 12), View((-120.0, 120.0), 60))
#: The part of (w₁, w₂) the map shows when the path fits.
MAP_LIMITS: tuple[Limits, Limits] = (VIEWS[0].limits, VIEWS[0].limits)
#: The map's axes are labelled every this many units of weight (nearest view).
TICK_STEP = VIEWS[0].tick_step
#: Recompute the bowl when b has moved by more than this since the last map (in the
#: nearest view; farther views scale it with their width). Each recompute repaints the
#: whole shaded map (~8 KB over SSH); early epochs move b by ~0.1, and the bowl's
#: shape barely changes within a quarter unit of b.
B_TOLERANCE = 0.25


def start_glyph(glyph_set: GlyphSet) -> str:
    """The start of the path: a square (an S in ASCII), unlike the dot of now."""
    return "■" if glyph_set.unicode else "S"


def loss_shading(grid: Grid, surface: npt.ArrayLike) -> Shading:
    """The bowl's shading: `surface` has one row per `grid.ys` and one column per `grid.xs`
    (as the model's `loss_surface` returns it)."""
    return Shading.of(grid, surface, LOSS_BANDS)


@dataclass(frozen=True, eq=False)
class BowlFigure:
    """What the bowl shows: the shaded loss over a grid of (w₁, w₂), and the path."""

    shading: Shading
    path: tuple[tuple[float, float], ...]
    glyph_set: GlyphSet = field(default_factory=glyphs)
    tick_step: int = TICK_STEP
    #: The plot area in cells (see `bowl_canvas`); None: key by the exact weights.
    canvas: tuple[int, int] | None = None

    @property
    def limits(self) -> tuple[Limits, Limits]:
        return self.shading.grid.xlim, self.shading.grid.ylim

    @property
    def zoomed_out(self) -> bool:
        """Whether the map shows more than the nearest view (a big step left it)."""
        return self.limits[0] != VIEWS[0].limits

    @cached_property
    def shown_path(self) -> tuple[list[float], list[float]]:
        """The path's w₁ and w₂ as the map draws them (finite, clipped to the map)."""
        return _finite_path(self.path, self.limits)

    @cached_property
    def key(self) -> tuple[object, ...]:
        """Equal for two figures that draw the same, different when any input differs."""
        return ("bowl", self.shading.key, self._path_key(), self.glyph_set, self.tick_step)

    def _path_key(self) -> object:
        """The path as plotext will draw it: the cells of its start and its end, and the
        line's dots (braille dots, or cells in ASCII) outside those two cells, whose
        marks hide them. Steps within one dot, or under the dot of now, draw nothing new."""
        if self.canvas is None:
            return digest(np.asarray(self.path, dtype=float))
        w1s, w2s = self.shown_path
        (w1_limits, w2_limits), (columns, rows) = self.limits, self.canvas
        per_cell = dots_per_cell(self.glyph_set.line_marker)
        marks = canvas_points(w1s[:1] + w1s[-1:], w2s[:1] + w2s[-1:], w1_limits, w2_limits,
                               columns, rows)
        dots: frozenset[tuple[int, int]] = frozenset()
        if len(w1s) > 1:
            line = canvas_points(w1s, w2s, w1_limits, w2_limits, columns * per_cell[0],
                                 rows * per_cell[1])
            dots = visible_dots(line_dots(line), per_cell, marks)
        return tuple(marks), dots

    def draw(self, plot: Plot) -> None:
        """Shade the loss bands, then draw the path and mark its start and its end."""
        chars = self.glyph_set
        w1_limits, w2_limits = self.limits
        plot.xlim(*w1_limits)
        plot.ylim(*w2_limits)
        plot.xticks(whole_ticks(w1_limits, self.tick_step))
        plot.yticks(whole_ticks(w2_limits, self.tick_step))
        draw_shading(plot, self.shading, chars)
        w1s, w2s = self.shown_path
        if len(w1s) > 1:
            line = w1s, w2s
            if self.canvas is not None:  # the same dots from fewer points (see `thinned`)
                across, down = dots_per_cell(chars.line_marker)
                line = thinned(w1s, w2s, w1_limits, w2_limits, self.canvas[0] * across,
                               self.canvas[1] * down)
            plot.plot(*line, marker=chars.line_marker, color=PALETTE.path)
        if w1s:
            plot.scatter(w1s[:1], w2s[:1], marker=start_glyph(chars), color=PALETTE.start)
            plot.scatter(w1s[-1:], w2s[-1:], marker=chars.dot, color=PALETTE.marker)

    def legend(self) -> Content:
        """What the map's marks mean (see `bowl_legend`)."""
        return bowl_legend(self.glyph_set, self.zoomed_out)


def bowl_legend(chars: GlyphSet, zoomed_out: bool = False) -> Content:
    """What the map's marks mean, in the colours the map draws them: a line of the loss
    bands (the blank bottom one named in words), then the path's marks."""
    edges = LOSS_BANDS.edges
    labels = [f"<{general(edge)}" for edge in edges] + [f">{general(edges[-1])}"]
    parts: list[str | tuple[str, str]] = []
    for glyph, label, colour in zip(LOSS_BANDS.glyphs(chars), labels, LOSS_BANDS.colours,
                                    strict=True):
        # A blank band shows no glyph and no colour on the map: it is named, in words.
        parts += [_("blank") + " " if glyph == " " else (glyph, colour_style(colour)), label,
                  " "]
    parts[-1] = "\n"
    parts += [(start_glyph(chars), colour_style(PALETTE.start, bold=True)),
              " " + _("start") + "  ",
              (chars.dot, colour_style(PALETTE.marker, bold=True)), " " + _("now") + "  ",
              (line_sample(chars), colour_style(PALETTE.path)), " " + _("path")]
    if zoomed_out:
        parts.append("  " + _("zoomed out"))
    return Content.assemble(*parts)


def bowl_canvas(columns: int, rows: int, view: View) -> tuple[int, int] | None:
    """The plot area (cells inside the axes) of the map at this size and view."""
    ticks = tuple(whole_ticks(view.limits, view.tick_step))
    return canvas_cells(columns, rows, view.limits, view.limits, ticks, ticks)


def _finite_path(path: Sequence[tuple[float, float]], limits: tuple[Limits, Limits]
                 ) -> tuple[list[float], list[float]]:
    """The path without non-finite points, clipped to the map (nothing NaN is drawn)."""
    if not path:
        return [], []
    points = np.asarray(path, dtype=float).reshape(-1, 2)
    points = points[np.all(np.isfinite(points), axis=1)]
    (w1_low, w1_high), (w2_low, w2_high) = limits
    w1s = np.clip(points[:, 0], w1_low, w1_high)
    w2s = np.clip(points[:, 1], w2_low, w2_high)
    return w1s.tolist(), w2s.tolist()


class BowlMap:
    """The bowl of one data set, shaded at a given b: recomputed only when b moves by
    more than `B_TOLERANCE` or the plot changes size."""

    def __init__(self, X: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> None:
        self.X, self.y = X, y
        self._key: tuple[float, int, int, View] | None = None
        self._shading: Shading | None = None

    @property
    def b(self) -> float:
        """The b the map was last shaded at (0 before the first map)."""
        return self._key[0] if self._key else 0.0

    def figure(self, b: float, columns: int, rows: int,
               path: tuple[tuple[float, float], ...]) -> BowlFigure:
        """The map near `b` on a plot of `columns` × `rows` cells (shaded as at least
        8 × 4), in the nearest view that holds `path`."""
        w1s, w2s = _finite_path(path, (VIEWS[-1].limits, VIEWS[-1].limits))
        view = next((view for view in VIEWS if view.holds(w1s, w2s)), VIEWS[-1])
        tolerance = B_TOLERANCE * _width(view.limits) / _width(VIEWS[0].limits)
        key = self._key
        if key is None or key[1:] != (columns, rows, view) or abs(key[0] - b) > tolerance:
            grid = plot_grid(view.limits, view.limits, (columns, rows), per_cell=1)
            surface = loss_surface(self.X, self.y, b, grid.xs, grid.ys)
            self._key = (b, columns, rows, view)
            self._shading = loss_shading(grid, surface)
        assert self._shading is not None
        return BowlFigure(self._shading, path, tick_step=view.tick_step,
                          canvas=bowl_canvas(columns, rows, view))


def _width(limits: Limits) -> float:
    return limits[1] - limits[0]
