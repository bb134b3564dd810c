"""Where plotext puts one `scatter` or `plot` call's marks, vectorised and exact.

plotext 5's own rules (`plotext._build.build_plot` and `plotext._utility`):

* a value v on an axis of `n` bins from `low` to `high` goes to bin
  ``floor(round(0.5 + (n - 1) * (v - low) / (high - low), 8))`` (Python's round);
* a line joins each pair of its points with evenly spaced points (truncated to whole
  bins), one fewer than the bins it spans, then its last point;
* braille marks (2 × 4 dots a cell) are grouped per call: a call's dots in one cell make
  one braille character (plotext's own table); other markers are their first character;
* only marks on the plot area are drawn.

`placed_cells` gives the cells one call marks and their characters; the same points on
the same axes land on the same cells, so small calls (a slider step redraws the same
points of each class) are kept. `neuron_tui.figures.raster` puts them on the axes.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Hashable
from functools import lru_cache
from typing import cast

import numpy as np
import numpy.typing as npt

from neuron_tui.compat import plot_marker_tables
from neuron_tui.figures.recording import Limits, Signal

IntArray = npt.NDArray[np.int64]
#: Where one call marks the plot area: flat cells (row by row from the bottom), the
#: index of each cell's character, and those characters.
Placed = tuple[IntArray, IntArray, tuple[str, ...]]

#: Dots a cell across and down for the high-definition markers drawn here.
_HD_FACTORS = {"braille": (2, 4)}
#: plotext's other high-definition markers (not drawn here: plotext builds them).
_OTHER_HD = frozenset({"hd", "fhd"})
#: Bins far beyond any plot: a value mapped further out is left to plotext.
_FAR = float(2 ** 40)
#: A line of more points than this is left to plotext (it would rarely be on screen).
_MOST_LINE_POINTS = 1_000_000
#: Calls of at most this many points have their cells kept.
KEEP_POINTS = 1024
#: How many such calls are kept (each a few hundred bytes).
PLACED_KEPT = 64
#: Cells of recent small calls, newest last.
_PLACED: OrderedDict[Hashable, Placed | None] = OrderedDict()


def bins(values: npt.NDArray[np.float64], limits: Limits, count: int) -> IntArray | None:
    """plotext's bin of each value on an axis of `count` bins (`_utility.get_matrix_data`),
    exactly: its round to 8 decimals only matters within 1e-7 below a whole number, where
    Python's own round decides. None if a value lands absurdly far off the plot."""
    low, high = limits
    change = 0.5 + (count - 1) * (values - low) / (high - low)
    if len(change) and not np.all(np.abs(change) < _FAR):
        return None
    result = np.floor(change)
    gap = np.ceil(change) - change
    for index in np.flatnonzero((gap > 0) & (gap < 1e-7)):
        result[index] = math.floor(round(float(change[index]), 8))
    return result.astype(np.int64)


def line_points(xs: IntArray, ys: IntArray) -> tuple[IntArray, IntArray] | None:
    """The points plotext draws for a line through bins `xs`, `ys` (`_utility.get_lines`):
    each segment's evenly spaced points but its last, then the line's last point."""
    if len(xs) < 2:
        return xs, ys
    dx, dy = np.diff(xs), np.diff(ys)
    spans = np.maximum(np.abs(dx), np.abs(dy))  # points a segment adds: its bins + 1, less 1
    total = int(spans.sum())
    if total > _MOST_LINE_POINTS:
        return None
    starts = np.repeat(np.cumsum(spans) - spans, spans)
    steps = (np.arange(total) - starts).astype(float)
    # plotext: lower + step * ((upper - lower) / (points - 1)), truncated to a whole bin.
    divisor = np.where(spans > 0, spans, 1).astype(float)
    x_slope, y_slope = np.repeat(dx / divisor, spans), np.repeat(dy / divisor, spans)
    line_xs = np.repeat(xs[:-1], spans) + steps * x_slope
    line_ys = np.repeat(ys[:-1], spans) + steps * y_slope
    return (np.append(np.trunc(line_xs).astype(np.int64), xs[-1]),
            np.append(np.trunc(line_ys).astype(np.int64), ys[-1]))


def placed_cells(signal: Signal, xlim: Limits, ylim: Limits, columns: int,
                 rows: int) -> Placed | None:
    """The cells of a plot area of `columns` × `rows` one call marks, and their
    characters; None if plotext must draw it (kept for small calls)."""
    if len(signal.xs) > KEEP_POINTS:
        return _place(signal, xlim, ylim, columns, rows)
    key = (signal.marker, signal.lines, signal.xs.tobytes(), signal.ys.tobytes(),
           _exact(xlim), _exact(ylim), columns, rows)
    if key in _PLACED:
        _PLACED.move_to_end(key)
        return _PLACED[key]
    placed = _PLACED[key] = _place(signal, xlim, ylim, columns, rows)
    if len(_PLACED) > PLACED_KEPT:
        _PLACED.popitem(last=False)
    return placed


def _exact(limits: Limits) -> tuple[str, ...]:
    """Limits as a key that tells 1 from 1.0 (plotext computes with either as given)."""
    return tuple(f"{type(value).__name__}:{value!r}" for value in limits)


def _place(signal: Signal, xlim: Limits, ylim: Limits, columns: int,
           rows: int) -> Placed | None:
    names, by_bits = _tables()
    marker = names.get(signal.marker, signal.marker)
    if marker in _OTHER_HD:
        return None
    across, down = _HD_FACTORS.get(marker, (1, 1))
    xs, ys = bins(signal.xs, xlim, columns * across), bins(signal.ys, ylim, rows * down)
    if xs is None or ys is None:
        return None
    if signal.lines:
        points = line_points(xs, ys)
        if points is None:
            return None
        xs, ys = points
    cell_xs, cell_ys = xs // across, ys // down
    inside = (cell_xs >= 0) & (cell_xs < columns) & (cell_ys >= 0) & (cell_ys < rows)
    flat = cell_ys[inside] * columns + cell_xs[inside]
    if marker not in _HD_FACTORS:
        cells = np.unique(flat)
        return cells, np.zeros(len(cells), dtype=np.int64), (marker[0],)
    # One braille character a cell: the OR of the dots this call puts there.
    bits = (down - 1 - ys[inside] % down) * across + xs[inside] % across
    patterns = np.zeros(columns * rows, dtype=np.int64)
    np.bitwise_or.at(patterns, flat, np.left_shift(1, bits))
    cells = np.flatnonzero(patterns)
    codes, which = np.unique(patterns[cells], return_inverse=True)
    chars = tuple(by_bits[int(code)] for code in codes)
    if None in chars:
        return None
    return cells, which.reshape(-1).astype(np.int64), cast(tuple[str, ...], chars)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], list[str | None]]:
    """plotext's marker names, and its braille character for each 8-dot pattern (index:
    bit i set when dot i of plotext's pattern is; None where plotext has none)."""
    names, braille = plot_marker_tables()
    by_bits: list[str | None] = [None] * 256
    for pattern, char in braille.items():
        if len(pattern) == 8:
            by_bits[sum(int(bit) << index for index, bit in enumerate(pattern))] = char
    return names, by_bits
