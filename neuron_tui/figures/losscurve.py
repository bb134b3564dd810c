"""Part 03's second figure: the loss after each epoch, as a line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from textual_plotext.plot import Plot

from neuron_tui.figures.palette import PALETTE
from neuron_tui.glyphs import glyphs

#: The x axis shows at least this many epochs, so the first steps do not fill it.
MIN_EPOCHS_SHOWN = 20


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


def draw_loss_curve(plot: Plot, losses: Sequence[float]) -> None:
    """Draw loss against epoch (epoch 0 = before training); non-finite values are skipped."""
    chars = glyphs()
    values = np.asarray(losses, dtype=float)
    epochs = np.arange(len(values))
    finite = np.isfinite(values)
    epochs, values = epochs[finite], values[finite]
    last_epoch = axis_end(int(epochs[-1]) if len(epochs) else 0)
    top = float(values.max()) if len(values) else 1.0
    top = max(top, 0.1) * 1.05
    plot.xlim(0, last_epoch)
    plot.ylim(0.0, top)
    plot.xticks([0, last_epoch])
    plot.yticks([0.0, round(top / 2, 2), round(top, 2)])
    plot.xlabel("epoch")
    if len(values) > 1:
        plot.plot(epochs.tolist(), values.tolist(), marker=chars.line_marker,
                  color=PALETTE.curve)
    if len(values):
        plot.scatter(epochs[-1:].tolist(), values[-1:].tolist(), marker=chars.dot,
                     color=PALETTE.marker)
