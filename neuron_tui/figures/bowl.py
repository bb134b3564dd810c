"""Part 03's figure: the loss "bowl" over (w₁, w₂) as a shaded map, with the path.

The loss is shaded in the palette's `LOSS_BANDS` with the region figure's band
machinery: blank at the bottom of the bowl, denser characters higher up its sides.
The path gradient descent has taken is a line on top, its start one glyph and the
current weights another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
from textual.content import Content
from textual_plotext.plot import Plot

from neuron_tui.figures.palette import LOSS_BANDS, PALETTE, colour_style
from neuron_tui.figures.regions import (
    Grid,
    Limits,
    Shading,
    digest,
    draw_shading,
    plot_grid,
    whole_ticks,
)
from neuron_tui.glyphs import GlyphSet, glyphs
from neuron_tui.model.training import loss_surface

#: The map's axes are labelled every this many units of weight.
TICK_STEP = 4
#: The part of (w₁, w₂) the map shows.
MAP_LIMITS: tuple[Limits, Limits] = ((-6.0, 10.0), (-6.0, 10.0))
#: Recompute the bowl when b has moved by more than this since the last map. Each
#: recompute repaints the whole shaded map (~8 KB over SSH); early epochs move b by
#: ~0.1, and the bowl's shape barely changes within a quarter unit of b.
B_TOLERANCE = 0.25


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

    @property
    def limits(self) -> tuple[Limits, Limits]:
        return self.shading.grid.xlim, self.shading.grid.ylim

    @cached_property
    def key(self) -> tuple[object, ...]:
        """Equal for two figures that draw the same, different when any input differs."""
        return ("bowl", self.shading.key, digest(np.asarray(self.path, dtype=float)),
                self.glyph_set)

    def draw(self, plot: Plot) -> None:
        """Shade the loss bands, then draw the path and mark its start and its end."""
        chars = self.glyph_set
        w1_limits, w2_limits = self.limits
        plot.xlim(*w1_limits)
        plot.ylim(*w2_limits)
        plot.xticks(whole_ticks(w1_limits, TICK_STEP))
        plot.yticks(whole_ticks(w2_limits, TICK_STEP))
        draw_shading(plot, self.shading, chars)
        w1s, w2s = _finite_path(self.path, self.limits)
        if len(w1s) > 1:
            plot.plot(w1s, w2s, marker=chars.line_marker, color=PALETTE.path)
        if w1s:
            plot.scatter(w1s[:1], w2s[:1], marker=chars.class_a, color=PALETTE.start)
            plot.scatter(w1s[-1:], w2s[-1:], marker=chars.dot, color=PALETTE.marker)

    def legend(self) -> Content:
        """What the map's characters mean: the shaded loss bands, the start, now."""
        chars = self.glyph_set
        edges = LOSS_BANDS.edges
        labels = [f"{edge:g}" for edge in edges[1:]] + [f">{edges[-1]:g}"]
        parts: list[str | tuple[str, str]] = []
        # The bottom band is blank: nothing to show for it.
        for glyph, label, colour in zip(LOSS_BANDS.glyphs(chars)[1:], labels,
                                        LOSS_BANDS.colours[1:], strict=True):
            parts += [(glyph, colour_style(colour)), f"{label} "]
        parts += [(chars.class_a, "bold"), " start ", (chars.dot, "bold $warning"), " now"]
        return Content.assemble(*parts)


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
        self._key: tuple[float, int, int] | None = None
        self._shading: Shading | None = None

    @property
    def b(self) -> float:
        """The b the map was last shaded at (0 before the first map)."""
        return self._key[0] if self._key else 0.0

    def figure(self, b: float, columns: int, rows: int,
               path: tuple[tuple[float, float], ...]) -> BowlFigure:
        """The map near `b` at this size, with `path` drawn on it."""
        key = self._key
        if key is None or key[1:] != (columns, rows) or abs(key[0] - b) > B_TOLERANCE:
            grid = plot_grid(*MAP_LIMITS, (columns, rows), per_cell=1)
            surface = loss_surface(self.X, self.y, b, grid.xs, grid.ys)
            self._key = (b, columns, rows)
            self._shading = loss_shading(grid, surface)
        assert self._shading is not None
        return BowlFigure(self._shading, path)
