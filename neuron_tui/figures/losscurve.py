"""Part 03's second figure: the loss after each epoch, as a line.

Earlier runs are drawn faintly behind the current one on the same axes, so a crawl,
a good run and an oscillating one can be compared side by side.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from textual_plotext.plot import Plot

from neuron_tui.figures.palette import PALETTE
from neuron_tui.glyphs import glyphs

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


def draw_loss_curve(plot: Plot, losses: Sequence[float],
                    earlier: Sequence[Sequence[float]] = ()) -> None:
    """Draw loss against epoch (epoch 0 = before training), and each of the `earlier`
    runs faintly behind it; non-finite values are skipped.

    The axes hold every run; an earlier run that shot up (diverged) is cut at its own
    start rather than squashing the current run into the floor.
    """
    chars = glyphs()
    epochs, values = _finite(losses)
    before = [_finite(run) for run in earlier]
    ends = [int(run_epochs[-1]) for run_epochs, _ in [(epochs, values), *before]
            if len(run_epochs)]
    last_epoch = axis_end(max(ends, default=0))
    tops = [float(values.max()) if len(values) else 0.0]
    tops += [float(min(run_values.max(), run_values[0])) for _, run_values in before
             if len(run_values)]
    top = max(*tops, 0.1) * 1.05
    plot.xlim(0, last_epoch)
    plot.ylim(0.0, top)
    plot.xticks([0, last_epoch])
    plot.yticks([0.0, round(top / 2, 2), round(top, 2)])
    plot.xlabel("epoch")
    for run_epochs, run_values in before:
        if len(run_values) > 1:
            plot.plot(run_epochs.tolist(), run_values.tolist(), marker=chars.line_marker,
                      color=EARLIER_COLOUR)
    if len(values) > 1:
        plot.plot(epochs.tolist(), values.tolist(), marker=chars.line_marker,
                  color=PALETTE.curve)
    if len(values):
        plot.scatter(epochs[-1:].tolist(), values[-1:].tolist(), marker=chars.dot,
                     color=PALETTE.marker)
