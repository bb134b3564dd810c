"""A figure's cells without a plotext build each frame: its layers put on cached axes.

plotext builds a whole figure every time (axes, frame, tick labels, then every point),
most of an animation frame's CPU. The axes do not change from frame to frame, and
plotext draws them before any data, whatever the data. So plotext builds them once per
size and axes (`axes_cells`, kept), and each frame's layers (a recorded figure's
`scatter`, `plot` and `text` calls, see `neuron_tui.figures.recording`) are put on those
cells here, in plotext's order: each call's marks (placed as plotext places them, see
`neuron_tui.figures.placement`) set a cell's character, colour and style and keep its
background, later calls over earlier ones; then text, on the plot area only, in its
colour and style over the area's background.

The result is exactly the cells plotext's full build gives (tests/unit/test_raster.py
compares them for many random figures). A recording that is not a `Scene`, or a plot
with no area to draw on, gives None: the caller builds it with plotext.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
from textual_plotext.plot import Plot

from neuron_tui.compat import plot_canvas_area, plot_cells, set_plot_size
from neuron_tui.figures.placement import bins, placed_cells
from neuron_tui.figures.recording import Call, Label, Limits, Recording, Signal

#: One cell's plotext colours: (foreground, style, background).
Look = tuple[Any, Any, Any]
#: A figure's characters and colours, top row first, one tuple a row.
Cells = tuple[list[tuple[str, ...]], list[tuple[Look, ...]]]

#: Axes kept built: a few sizes of each figure on screen (a resize builds them again).
AXES_KEPT = 16
#: Axes built lately, newest last: (width, height, frozen axes calls) -> axes.
_AXES: OrderedDict[Hashable, Axes | None] = OrderedDict()


@dataclass(frozen=True, eq=False)
class Axes:
    """plotext's build of a figure's axes: its rows of cells (top row first), its plot
    area (first column, column after the last, first row, row after the last, rows
    counted from the bottom as plotext counts them) and that area's one background."""

    markers: tuple[tuple[str, ...], ...]
    colours: tuple[tuple[Look, ...], ...]
    area: tuple[int, int, int, int]
    background: Any

    @property
    def columns(self) -> int:
        return self.area[1] - self.area[0]

    @property
    def rows(self) -> int:
        return self.area[3] - self.area[2]


def scene_cells(recording: Recording, width: int, height: int) -> Cells | None:
    """The cells plotext would build for `recording` at `width` × `height`, top row first
    (as `compat.plot_cells`); None when the fast path does not cover it."""
    scene = recording.scene()
    if scene is None:
        return None
    axes = axes_cells(width, height, scene.axes, scene.axes_calls)
    if axes is None:
        return None
    canvas = _Canvas(axes)
    for layer in scene.layers:
        if isinstance(layer, Signal) and not canvas.draw(layer, scene.xlim, scene.ylim):
            return None
    return canvas.cells([layer for layer in scene.layers if isinstance(layer, Label)],
                        scene.xlim, scene.ylim)


def axes_cells(width: int, height: int, key: Hashable, calls: tuple[Call, ...]) -> Axes | None:
    """plotext's build of the axes `calls` at this size (kept: `key` is their frozen
    form); None if the plot has no area to draw on."""
    cache_key = (width, height, key)
    if cache_key in _AXES:
        _AXES.move_to_end(cache_key)
        return _AXES[cache_key]
    axes = _AXES[cache_key] = _build_axes(width, height, calls)
    if len(_AXES) > AXES_KEPT:
        _AXES.popitem(last=False)
    return axes


def _build_axes(width: int, height: int, calls: tuple[Call, ...]) -> Axes | None:
    """plotext's build of `calls` with one point far off the plot (plotext draws no ticks
    on an axis no data uses)."""
    plot = Plot()
    plot.theme("clear")
    set_plot_size(plot, width, height)
    recording = Recording()
    recording.calls = list(calls)
    recording.replay(plot)
    plot.scatter(*_off_plot(calls), marker="@", color=(0, 0, 0))
    markers, colours = plot_cells(plot)
    left, right, bottom, top = area = plot_canvas_area(plot)
    plot.clear_figure()
    rows, columns = len(markers), len(markers[0]) if markers else 0
    if not (0 <= left < right <= columns and 0 <= bottom < top <= rows):
        return None
    # plotext makes a tuple a cell; a few distinct ones, kept once, are a fraction of the
    # memory (a class server keeps these for every learner's plots).
    looks: dict[Look, Look] = {}
    try:
        colour_rows = tuple(tuple(looks.setdefault(look, look) for look in row)
                            for row in colours)
        backgrounds = {look[2] for row in colour_rows[rows - top: rows - bottom]
                       for look in row[left:right]}
    except TypeError:  # a colour plotext keeps as a list: leave the figure to plotext
        return None
    if len(backgrounds) != 1:  # plotext gives its plot area one background
        return None
    return Axes(tuple(map(tuple, markers)), colour_rows, area, backgrounds.pop())


def _off_plot(calls: tuple[Call, ...]) -> tuple[list[float], list[float]]:
    """A point well outside the limits the calls set."""
    limits = {name: args for name, args, _ in calls if name in ("xlim", "ylim")}
    (x_low, x_high), (y_low, y_high) = limits["xlim"], limits["ylim"]
    return [x_low - 2 * (x_high - x_low)], [y_low - 2 * (y_high - y_low)]


class _Canvas:
    """The plot area while a figure's layers go on: which mark owns each cell (the last
    one drawn there)."""

    def __init__(self, axes: Axes) -> None:
        self.axes = axes
        self.owner = np.full(axes.rows * axes.columns, -1, dtype=np.int64)
        self.marks: list[tuple[str, tuple[int, int, int], str]] = []
        self._ids: dict[tuple[str, tuple[int, int, int], str], int] = {}

    def _mark(self, char: str, signal: Signal) -> int:
        key = (char, signal.colour, signal.style)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = len(self.marks)
            self.marks.append(key)
        return found

    def draw(self, signal: Signal, xlim: Limits, ylim: Limits) -> bool:
        """Put one call's marks on the plot area; False if plotext must draw it."""
        placed = placed_cells(signal, xlim, ylim, self.axes.columns, self.axes.rows)
        if placed is None:
            return False
        cells, which, chars = placed
        ids = np.array([self._mark(char, signal) for char in chars], dtype=np.int64)
        self.owner[cells] = ids[which]
        return True

    def cells(self, labels: list[Label], xlim: Limits, ylim: Limits) -> Cells:
        """The axes' rows with every owned cell set to its mark, then the labels written.
        Rows nothing was drawn on are the axes' own (the same objects)."""
        axes = self.axes
        left, right, bottom, top = axes.area
        height = len(axes.markers)
        changed: dict[int, tuple[list[str], list[Look]]] = {}

        def row_of(index: int) -> tuple[list[str], list[Look]]:
            if index not in changed:
                changed[index] = list(axes.markers[index]), list(axes.colours[index])
            return changed[index]

        owned = np.flatnonzero(self.owner >= 0)
        if len(owned):
            chars = [char for char, _, _ in self.marks]
            looks = [(colour, style, axes.background) for _, colour, style in self.marks]
            row, markers, colours = -1, [], []
            for cell, owner in zip(owned.tolist(), self.owner[owned].tolist(), strict=True):
                y, x = divmod(cell, axes.columns)
                if y != row:
                    row = y
                    markers, colours = row_of(height - 1 - bottom - y)
                markers[left + x], colours[left + x] = chars[owner], looks[owner]
        for label in labels:
            for row, column, char in _label_cells(label, xlim, ylim, axes):
                markers, colours = row_of(height - 1 - row)
                markers[column] = char
                colours[column] = (label.colour, label.style, axes.background)
        marker_rows, colour_rows = list(axes.markers), list(axes.colours)
        for index, (markers, colours) in changed.items():
            marker_rows[index], colour_rows[index] = tuple(markers), tuple(colours)
        return marker_rows, colour_rows


def _label_cells(label: Label, xlim: Limits, ylim: Limits,
                 axes: Axes) -> list[tuple[int, int, str]]:
    """Where plotext writes text (`add_multiple_horizontal_strings`, plot area only): each
    character's row (from the bottom), column and itself."""
    left, right, bottom, top = axes.area
    column_bins = bins(np.array([label.x]), xlim, axes.columns)
    row_bins = bins(np.array([label.y]), ylim, axes.rows)
    if column_bins is None or row_bins is None:
        return []
    anchor_column, anchor_row = left + int(column_bins[0]), bottom + int(row_bins[0])
    written = []
    for index, line in enumerate(label.text.split("\n")):
        row = anchor_row - index
        start = {"left": anchor_column, "center": anchor_column - len(line) // 2,
                 "right": anchor_column - len(line) + 1}[label.alignment]
        if bottom <= row < top:
            written += [(row, start + offset, char) for offset, char in enumerate(line)
                        if left <= start + offset < right]
    return written
