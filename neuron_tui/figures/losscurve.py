"""Part 03's second figure: the loss after each epoch, as a line.

Earlier runs are drawn faintly behind the current one on the same axes, so a crawl,
a good run and an oscillating one can be compared side by side. A `LossCurve` is keyed
by where plotext will put its dots (`neuron_tui.figures.canvas`): a frame that adds
an epoch within a dot already drawn, or under the dot of now, does not rebuild it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
from textual_plotext.plot import Plot

from neuron_tui.figures.canvas import (
    axis_labels,
    canvas_cells,
    canvas_points,
    dots_per_cell,
    line_dots,
    thinned,
    visible_dots,
)
from neuron_tui.figures.palette import PALETTE
from neuron_tui.glyphs import GlyphSet, glyphs
from neuron_tui.i18n import _, language

#: The x axis shows at least this many epochs, so the first steps do not fill it.
MIN_EPOCHS_SHOWN = 20
#: Earlier runs: the curve's colour at half its brightness.
EARLIER_COLOUR = tuple(channel // 2 for channel in PALETTE.curve)


def axis_end(last_epoch: int) -> int:
    """The right end of the epoch axis: 20, 50, 100, 200, 500, 1000, … at or above `last_epoch`.

    The axis grows in jumps rather than with every epoch, so an epoch step redraws
    a few cells instead of the whole rescaled curve (kilobytes over SSH).
    """
    end = MIN_EPOCHS_SHOWN
    steps = (2.5, 2.0)
    index = 0
    while end < last_epoch:
        end = int(end * steps[index % 2])
        index += 1
    return end


def _finite(losses: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, losses) of the finite losses, epoch 0 first."""
    values = np.asarray(losses, dtype=float)
    finite = np.isfinite(values)
    return np.arange(len(values))[finite], values[finite]


@dataclass(frozen=True)
class CurveAxes:
    """The loss curve's axes: epochs 0 to `last_epoch`, loss 0 to `top`."""

    last_epoch: int
    top: float

    @property
    def xticks(self) -> tuple[float, ...]:
        return (0, self.last_epoch)

    @property
    def yticks(self) -> tuple[float, ...]:
        return (0.0, round(self.top / 2, 2), round(self.top, 2))


def curve_axes(losses: Sequence[float], earlier: Sequence[Sequence[float]] = ()) -> CurveAxes:
    """Axes that hold every run; an earlier run that shot up (diverged) is cut at its
    own start rather than squashing the current run into the floor."""
    epochs, values = _finite(losses)
    before = [_finite(run) for run in earlier]
    ends = [int(run_epochs[-1]) for run_epochs, __ in [(epochs, values), *before]
            if len(run_epochs)]
    tops = [float(values.max()) if len(values) else 0.0]
    tops += [float(min(run_values.max(), run_values[0])) for __, run_values in before
             if len(run_values)]
    return CurveAxes(axis_end(max(ends, default=0)), max(*tops, 0.1) * 1.05)


def draw_loss_curve(plot: Plot, losses: Sequence[float],
                    earlier: Sequence[Sequence[float]] = (),
                    glyph_set: GlyphSet | None = None,
                    canvas: tuple[int, int] | None = None) -> None:
    """Draw loss against epoch (epoch 0 = before training), and each of the `earlier`
    runs faintly behind it; non-finite values are skipped (axes: `curve_axes`).
    Marks in `glyph_set` (default: the terminal's). Given the plot's `canvas` (cells,
    see `curve_canvas`), each line is handed to plotext `thinned`: the same dots."""
    chars = glyph_set or glyphs()
    axes = curve_axes(losses, earlier)
    per_cell = dots_per_cell(chars.line_marker)
    limits = (0.0, float(axes.last_epoch)), (0.0, axes.top)

    def line(run_epochs: np.ndarray, run_values: np.ndarray) -> tuple[list[float], list[float]]:
        xs, ys = run_epochs.tolist(), run_values.tolist()
        if canvas is None:
            return xs, ys
        return thinned(xs, ys, *limits, canvas[0] * per_cell[0], canvas[1] * per_cell[1])

    epochs, values = _finite(losses)
    plot.xlim(0, axes.last_epoch)
    plot.ylim(0.0, axes.top)
    plot.xticks(list(axes.xticks))
    plot.yticks(list(axes.yticks), axis_labels(axes.yticks))
    plot.xlabel(_("epoch"))
    for run_epochs, run_values in (_finite(run) for run in earlier):
        if len(run_values) > 1:
            plot.plot(*line(run_epochs, run_values), marker=chars.line_marker,
                      color=EARLIER_COLOUR)
    if len(values) > 1:
        plot.plot(*line(epochs, values), marker=chars.line_marker, color=PALETTE.curve)
    if len(values):
        plot.scatter(epochs[-1:].tolist(), values[-1:].tolist(), marker=chars.dot,
                     color=PALETTE.marker)


def curve_canvas(size: tuple[int, int], axes: CurveAxes) -> tuple[int, int] | None:
    """The plot area (cells inside the axes) of a curve on a plot of `size` cells."""
    return canvas_cells(*size, (0, axes.last_epoch), (0.0, axes.top), axes.xticks,
                        axes.yticks, _("epoch"))


@dataclass(frozen=True, eq=False)
class LossCurve:
    """The loss curve of the run now and of the `earlier` ones, on a plot of `size`
    cells (None: keyed by the exact losses)."""

    losses: tuple[float, ...]
    earlier: tuple[tuple[float, ...], ...] = ()
    size: tuple[int, int] | None = None
    glyph_set: GlyphSet = field(default_factory=glyphs)

    @cached_property
    def axes(self) -> CurveAxes:
        return curve_axes(self.losses, self.earlier)

    @cached_property
    def canvas(self) -> tuple[int, int] | None:
        """The plot area in cells (None: unknown, no size or too small a plot)."""
        return None if self.size is None else curve_canvas(self.size, self.axes)

    def draw(self, plot: Plot) -> None:
        draw_loss_curve(plot, self.losses, self.earlier, self.glyph_set, self.canvas)

    @cached_property
    def key(self) -> tuple[object, ...]:
        """Equal for two curves that draw the same, different when what they draw differs:
        the axes, the cell of the dot of now, and each run's dots outside that cell."""
        axes, canvas = self.axes, self.canvas
        if canvas is None:
            return ("curve", self.losses, self.earlier, self.glyph_set, self.size, language())
        columns, rows = canvas
        limits = (0.0, float(axes.last_epoch)), (0.0, axes.top)
        epochs, values = _finite(self.losses)
        mark = canvas_points(epochs[-1:].tolist(), values[-1:].tolist(), *limits, columns, rows)
        per_cell = dots_per_cell(self.glyph_set.line_marker)
        bins = columns * per_cell[0], rows * per_cell[1]
        runs = tuple(visible_dots(_run_dots(losses, limits, bins), per_cell, mark)
                     for losses in (*self.earlier, self.losses))
        # The language too: the axis is labelled in it.
        return ("curve", axes, self.glyph_set, canvas, tuple(mark), runs, language())


@lru_cache(maxsize=8)
def _run_dots(losses: tuple[float, ...], limits: tuple[tuple[float, float], tuple[float, float]],
              bins: tuple[int, int]) -> set[tuple[int, int]]:
    """The dots of one run's line (kept: an earlier run's are asked for every frame)."""
    epochs, values = _finite(losses)
    if len(values) < 2:
        return set()
    return line_dots(canvas_points(epochs.tolist(), values.tolist(), *limits, *bins))
