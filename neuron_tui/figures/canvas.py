"""Where plotext will put a figure's points, without building it: for cache keys.

plotext places every point on its canvas grid before it draws: cells for one-character
markers, braille dots (2 × 4 a cell) for lines. Two figures whose points land on the
same grid draw the same, so a figure keyed by its grid points is rebuilt only when
what it shows changes. These functions follow plotext 5's own formulas
(`plotext._utility.get_matrix_data`, `get_line`, `hd_group`; vectorised in
`neuron_tui.figures.placement`, which the fast drawing path shares);
tests/unit/test_canvas_keys.py checks that equal keys draw equal figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from textual_plotext.plot import Plot

from neuron_tui.compat import plot_cells, plot_tick_labels, set_plot_size
from neuron_tui.figures.placement import bins, line_points
from neuron_tui.i18n import decimal_mark

Limits = tuple[float, float]
Point = tuple[int, int]

#: The mark `canvas_cells` looks for (no tick label or frame has it).
_PROBE = "@"


def dots_per_cell(line_marker: str) -> tuple[int, int]:
    """How many line dots plotext puts in a cell, across and down, for this marker."""
    return (2, 4) if line_marker == "braille" else (1, 1)


def canvas_points(xs: Sequence[float], ys: Sequence[float], xlim: Limits, ylim: Limits,
                  columns: int, rows: int) -> list[Point]:
    """Where plotext puts each point on a canvas of `columns` × `rows` bins (its own
    formula, with Python's `round` as it has: see `placement.bins`)."""
    column_bins = bins(np.asarray(xs, dtype=float), xlim, columns)
    row_bins = bins(np.asarray(ys, dtype=float), ylim, rows)
    if column_bins is None or row_bins is None:  # absurdly far off: plotext's own loop
        return list(zip(_python_bins(xs, xlim, columns), _python_bins(ys, ylim, rows),
                        strict=True))
    return list(zip(column_bins.tolist(), row_bins.tolist(), strict=True))


def _python_bins(values: Sequence[float], limits: Limits, count: int) -> list[int]:
    low, high = limits
    return [math.floor(round(0.5 + (count - 1) * (value - low) / (high - low), 8))
            for value in values]


def thinned(xs: list[float], ys: list[float], xlim: Limits, ylim: Limits, columns: int,
            rows: int) -> tuple[list[float], list[float]]:
    """The points of a line without those on the same bin as the point before: plotext
    draws the same line through them (a step within a bin adds no dot), faster."""
    points = canvas_points(xs, ys, xlim, ylim, columns, rows)
    kept = [index for index, point in enumerate(points)
            if index == 0 or point != points[index - 1]]
    return [xs[index] for index in kept], [ys[index] for index in kept]


def line_dots(points: Sequence[Point]) -> set[Point]:
    """The dots plotext lights for a line through `points` (canvas bins): each segment
    as evenly spaced dots, truncated to whole bins, and the last point."""
    if not points:
        return set()
    xs, ys = np.array(points, dtype=np.int64).T
    drawn = line_points(xs, ys)
    if drawn is not None:
        return set(zip(drawn[0].tolist(), drawn[1].tolist(), strict=True))
    dots = {points[-1]}  # a line too long to vectorise: plotext's own loop
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        count = max(abs(x1 - x0), abs(y1 - y0)) + 1
        if count == 1:
            continue
        x_slope, y_slope = (x1 - x0) / (count - 1), (y1 - y0) / (count - 1)
        dots.update((int(x0 + index * x_slope), int(y0 + index * y_slope))
                    for index in range(count - 1))
    return dots


def visible_dots(dots: set[Point], per_cell: tuple[int, int],
                 hidden: Sequence[Point]) -> frozenset[Point]:
    """`dots` without those in `hidden` cells (where a later mark covers the whole cell)."""
    across, down = per_cell
    covered = set(hidden)
    return frozenset(dot for dot in dots if (dot[0] // across, dot[1] // down) not in covered)


def axis_labels(ticks: Sequence[float]) -> list[str]:
    """plotext's own labels for `ticks` in the language's decimal mark ("0,50" in Spanish):
    the same width as plotext's, so the plot area does not move with the language."""
    return [decimal_mark(label) for label in plot_tick_labels(ticks)]


@lru_cache(maxsize=32)
def canvas_cells(columns: int, rows: int, xlim: Limits, ylim: Limits,
                 xticks: tuple[float, ...], yticks: tuple[float, ...],
                 xlabel: str | None = None) -> tuple[int, int] | None:
    """The plot area (cells inside the axes) of a plot of `columns` × `rows` with these
    axes, found by drawing a mark at two corners once; None if both are not seen."""
    plot = Plot()
    plot.theme("clear")
    set_plot_size(plot, columns, rows)
    plot.xlim(*xlim)
    plot.ylim(*ylim)
    plot.xticks(list(xticks))
    plot.yticks(list(yticks))
    if xlabel is not None:
        plot.xlabel(xlabel)
    plot.scatter([xlim[0], xlim[1]], [ylim[0], ylim[1]], marker=_PROBE)
    markers, _ = plot_cells(plot)
    found = [(row, column) for row, chars in enumerate(markers)
             for column, char in enumerate(chars) if char == _PROBE]
    if len(found) != 2:
        return None
    (top, right), (bottom, left) = sorted(found)
    return right - left + 1, bottom - top + 1
