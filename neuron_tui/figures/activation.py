"""Part 01's figure: the curve of one activation function with the current z marked."""

from __future__ import annotations

import numpy as np
from textual_plotext.plot import Plot

from neuron_tui.figures.canvas import axis_labels
from neuron_tui.figures.palette import PALETTE
from neuron_tui.glyphs import glyphs
from neuron_tui.model.activations import get_activation

Z_RANGE = 6.0


def draw_activation(plot: Plot, activation: str, z: float) -> None:
    """Draw `activation` over z in [-6, 6] and mark the point (z, f(z))."""
    chars = glyphs()
    function = get_activation(activation)
    zs = np.linspace(-Z_RANGE, Z_RANGE, 121)
    ys = np.asarray(function.fn(zs), dtype=float)
    low, high = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}.get(activation, (0.0, Z_RANGE))
    plot.xlim(-Z_RANGE, Z_RANGE)
    plot.ylim(low, high)
    plot.xticks([-6, -3, 0, 3, 6])
    yticks = [low, (low + high) / 2, high]
    plot.yticks(yticks, axis_labels(yticks))
    plot.plot(zs.tolist(), ys.tolist(), marker=chars.line_marker, color=PALETTE.curve)
    shown_z = float(np.clip(z, -Z_RANGE, Z_RANGE))
    marker_y = float(function.fn(np.array([shown_z]))[0])
    plot.scatter([shown_z], [marker_y], marker=chars.dot, color=PALETTE.marker)
