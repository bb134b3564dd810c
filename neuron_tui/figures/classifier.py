"""Part 02's figure: two classes of points, the decision line, wrong points, shading.

Classes differ by glyph and colour (o cyan, x rose); misclassified points by a
third glyph in amber; the probability shading by character as well as colour, so
the figure reads on a terminal without colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from textual_plotext.plot import Plot

from neuron_tui.figures.palette import PALETTE
from neuron_tui.glyphs import glyphs

Segment = tuple[tuple[float, float], tuple[float, float]]

#: Upper edges of the probability bands (p = P(class B)); five bands in all.
BAND_EDGES = (0.1, 0.4, 0.6, 0.9)
#: Band glyphs from "surely A" to "surely B", and their colours (dim class tints).
#: Each side has its own glyphs, so the shading reads without colour too.
BAND_GLYPHS_UNICODE = ("░", "·", "≈", ":", "▒")
BAND_GLYPHS_ASCII = ("-", ".", "=", ":", "+")
BAND_COLOURS = ((0, 90, 105), (0, 125, 140), (120, 120, 120), (150, 60, 95), (110, 40, 70))


@dataclass(frozen=True)
class ClassifierFigure:
    """What the figure shows: points, labels, which are wrong, the line, the shading."""

    X: npt.NDArray[np.float64]
    y: npt.NDArray[np.int64]
    wrong: npt.NDArray[np.bool_]
    segment: Segment | None
    limits: tuple[float, float]
    shading: npt.NDArray[np.int64] | None = None  # band index per grid cell, or None


@lru_cache(maxsize=8)
def shading_grid(columns: int, rows: int, low: float, high: float) -> npt.NDArray[np.float64]:
    """Cell centres (as x1, x2 pairs) of a grid that covers the plot, two per cell."""
    xs = np.linspace(low, high, columns * 2)
    ys = np.linspace(low, high, rows * 2)
    grid_x, grid_y = np.meshgrid(xs, ys)
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    grid.setflags(write=False)
    return grid


def probability_bands(probabilities: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Band index 0..4 of each probability (0 = surely class A, 4 = surely class B)."""
    return np.digitize(np.asarray(probabilities, dtype=float), BAND_EDGES).astype(np.int64)


def draw_classifier(plot: Plot, figure: ClassifierFigure, grid: npt.NDArray[np.float64]
                    | None = None) -> None:
    """Draw shading (if any), then the line, then the points on top."""
    chars = glyphs()
    low, high = figure.limits
    plot.xlim(low, high)
    plot.ylim(low, high)
    ticks = list(range(int(np.ceil(low)), int(np.floor(high)) + 1))
    plot.xticks(ticks)
    plot.yticks(ticks)
    if figure.shading is not None and grid is not None:
        band_glyphs = BAND_GLYPHS_UNICODE if chars.unicode else BAND_GLYPHS_ASCII
        for band, (glyph, colour) in enumerate(zip(band_glyphs, BAND_COLOURS, strict=True)):
            cells = grid[figure.shading == band]
            if len(cells):
                plot.scatter(cells[:, 0].tolist(), cells[:, 1].tolist(), marker=glyph,
                             color=colour)
    if figure.segment is not None:
        (xa, ya), (xb, yb) = figure.segment
        plot.plot([xa, xb], [ya, yb], marker=chars.line_marker, color=PALETTE.boundary)
    right = ~figure.wrong
    for label, marker, colour in ((0, chars.class_a, PALETTE.class_a),
                                  (1, chars.class_b, PALETTE.class_b)):
        chosen = figure.X[(figure.y == label) & right]
        if len(chosen):
            plot.scatter(chosen[:, 0].tolist(), chosen[:, 1].tolist(), marker=marker,
                         color=colour)
    wrong = figure.X[figure.wrong]
    if len(wrong):
        plot.scatter(wrong[:, 0].tolist(), wrong[:, 1].tolist(), marker=chars.wrong,
                     color=PALETTE.wrong)
