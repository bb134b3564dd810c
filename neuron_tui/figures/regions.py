"""Part 04's figures: the four corners of a logic gate and the regions a model draws.

Both the single neuron and the small network are drawn the same way: the model's
probability of class 1 shades the plane in bands (by character and colour, from
colour), the neuron adds its straight line, and the corners sit on top. The two
sure regions use different characters (not only different colours), so the
regions read on a terminal without colour.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt
from textual_plotext.plot import Plot

from neuron_tui.figures.classifier import (
    ClassifierFigure,
    draw_classifier,
    probability_bands,
    shading_grid,
)
from neuron_tui.glyphs import glyphs

#: Band glyphs from "surely class 0" to "surely class 1" (bands of `probability_bands`).
REGION_GLYPHS_UNICODE = ("░", "·", " ", ":", "▒")
REGION_GLYPHS_ASCII = ("-", ".", " ", ":", "+")
#: Band colours: dim tints of the class colours, grey in the middle.
REGION_COLOURS = ((0, 90, 105), (0, 125, 140), (120, 120, 120), (150, 60, 95), (110, 40, 70))
#: The plot shows the unit square with a margin around the corners.
GATE_LIMITS = (-0.5, 1.5)

Grid = npt.NDArray[np.float64]


def region_axes(columns: int, rows: int, limits: tuple[float, float] = GATE_LIMITS
                ) -> tuple[Grid, Grid, Grid]:
    """(xs, ys, grid): the sampled x and y values and the cell centres as (x, y) pairs.

    The grid is in the order of `numpy.meshgrid(xs, ys)` flattened, which is also the
    order of a probability grid with rows following y, flattened.
    """
    columns, rows = max(columns, 8), max(rows, 4)
    low, high = limits
    xs = np.linspace(low, high, columns * 2)
    ys = np.linspace(low, high, rows * 2)
    return xs, ys, shading_grid(columns, rows, low, high)


def region_figure(
    X: npt.NDArray[np.float64],
    y: npt.NDArray[np.int64],
    predictions: npt.NDArray[np.int64],
    probabilities: npt.ArrayLike | None,
    segment: tuple[tuple[float, float], tuple[float, float]] | None,
    limits: tuple[float, float] = GATE_LIMITS,
) -> ClassifierFigure:
    """The figure of one model on a gate: shading bands from `probabilities` (any shape,
    flattened in grid order; None for no shading), its line if any, wrong corners marked."""
    shading = None
    if probabilities is not None:
        values = np.nan_to_num(np.asarray(probabilities, dtype=float).ravel(), nan=0.5)
        shading = probability_bands(values)
    return ClassifierFigure(X, y, np.asarray(predictions) != y, segment, limits, shading)


def draw_regions(plot: Plot, figure: ClassifierFigure, grid: Grid | None) -> None:
    """Draw the shading, then the line (if any) and the corners on top."""
    if figure.shading is not None and grid is not None:
        chars = REGION_GLYPHS_UNICODE if glyphs().unicode else REGION_GLYPHS_ASCII
        for band, (glyph, colour) in enumerate(zip(chars, REGION_COLOURS, strict=True)):
            cells = grid[figure.shading == band]
            if glyph != " " and len(cells):
                plot.scatter(cells[:, 0].tolist(), cells[:, 1].tolist(), marker=glyph,
                             color=colour)
    draw_classifier(plot, replace(figure, shading=None))
