"""Part 05's figure: the two moons over one model's shaded decision regions.

The regions differ by character as well as colour ("·" where the model says class A,
"░" where it says class B, brighter where it is surer), so they read on a terminal
without colour. Points are o (cyan) and x (rose) as in Part 02; the points this
model gets wrong are an amber ✗.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from textual_plotext.plot import Plot

from neuron_tui.figures.palette import PALETTE
from neuron_tui.glyphs import glyphs

FloatArray = npt.NDArray[np.float64]
Limits = tuple[float, float]

#: Upper edges of the region bands on P(class B): sure A, A, B, sure B.
REGION_EDGES = (0.2, 0.5, 0.8)
REGION_GLYPHS_UNICODE = ("·", "·", "░", "░")
REGION_GLYPHS_ASCII = (".", ".", ":", ":")
REGION_COLOURS = ((0, 120, 135), (0, 80, 90), (110, 45, 75), (160, 60, 100))
#: Shading samples per axis: about twice a plot's cells at 80×24, so none is left empty.
GRID_COLUMNS, GRID_ROWS = 72, 36


@dataclass(frozen=True)
class MoonsFigure:
    """What one panel shows: the points, which are wrong, and the model's regions."""

    X: FloatArray
    y: npt.NDArray[np.int64]
    xlim: Limits
    ylim: Limits
    wrong: npt.NDArray[np.bool_] | None = None
    proba: Callable[[FloatArray], FloatArray] | None = None


@lru_cache(maxsize=8)
def region_grid(xlim: Limits, ylim: Limits) -> FloatArray:
    """Sample points covering the plot, for shading."""
    xs = np.linspace(xlim[0], xlim[1], GRID_COLUMNS)
    ys = np.linspace(ylim[0], ylim[1], GRID_ROWS)
    grid_x, grid_y = np.meshgrid(xs, ys)
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    grid.setflags(write=False)
    return grid


def region_bands(probabilities: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Band 0..3 of each P(class B): 0 sure A, 1 A, 2 B, 3 sure B."""
    return np.digitize(np.asarray(probabilities, dtype=float), REGION_EDGES).astype(np.int64)


def draw_moons(plot: Plot, figure: MoonsFigure) -> None:
    """Draw the shaded regions (if a model is given), then the points on top."""
    chars = glyphs()
    plot.xlim(*figure.xlim)
    plot.ylim(*figure.ylim)
    plot.xticks(_ticks(figure.xlim))
    plot.yticks(_ticks(figure.ylim))
    if figure.proba is not None:
        grid = region_grid(figure.xlim, figure.ylim)
        bands = region_bands(figure.proba(grid))
        band_glyphs = REGION_GLYPHS_UNICODE if chars.unicode else REGION_GLYPHS_ASCII
        for band, (glyph, colour) in enumerate(zip(band_glyphs, REGION_COLOURS, strict=True)):
            cells = grid[bands == band]
            if len(cells):
                plot.scatter(cells[:, 0].tolist(), cells[:, 1].tolist(), marker=glyph,
                             color=colour)
    wrong = figure.wrong if figure.wrong is not None else np.zeros(len(figure.y), dtype=bool)
    for label, marker, colour in ((0, chars.class_a, PALETTE.class_a),
                                  (1, chars.class_b, PALETTE.class_b)):
        chosen = figure.X[(figure.y == label) & ~wrong]
        if len(chosen):
            plot.scatter(chosen[:, 0].tolist(), chosen[:, 1].tolist(), marker=marker,
                         color=colour)
    missed = figure.X[wrong]
    if len(missed):
        plot.scatter(missed[:, 0].tolist(), missed[:, 1].tolist(), marker=chars.wrong,
                     color=PALETTE.wrong)


def _ticks(limits: Limits) -> list[float]:
    """Whole-number ticks inside the limits."""
    return [float(t) for t in range(int(np.ceil(limits[0])), int(np.floor(limits[1])) + 1)]
