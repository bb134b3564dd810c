"""Part 03's figure: the loss "bowl" over (w₁, w₂) as a shaded map, with the path.

The loss is drawn in bands, each with its own character *and* colour, so the map
reads on a terminal without colour: blank at the bottom of the bowl, denser
characters higher up its sides. The path gradient descent has taken is a line on
top, and the current weights are one distinct glyph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from textual_plotext.plot import Plot

from neuron_tui.figures.palette import PALETTE
from neuron_tui.glyphs import glyphs

#: Upper edges of the loss bands (mean log loss); seven bands in all.
LOSS_EDGES = (0.35, 0.5, 0.75, 1.2, 2.0, 4.0)
#: Band glyphs from the bottom of the bowl to its rim, Unicode and ASCII.
BAND_GLYPHS_UNICODE = (" ", "·", "∙", "░", "▒", "▓", "█")
BAND_GLYPHS_ASCII = (" ", ".", ",", ":", "=", "%", "#")
#: Band colours, dark blue at the bottom to warm brown on the rim.
BAND_COLOURS = (
    (20, 60, 110),
    (30, 90, 130),
    (40, 110, 120),
    (70, 110, 90),
    (110, 100, 70),
    (120, 80, 60),
    (110, 60, 60),
)
#: The current weights and the start point.
CURRENT_COLOUR = PALETTE.marker
START_COLOUR = (170, 170, 170)

Limits = tuple[float, float]


@dataclass(frozen=True)
class BowlFigure:
    """What the bowl shows: a loss surface on a grid, the path, the current point.

    `surface` has one row per value of `w2_values` and one column per value of
    `w1_values` (as the model's `loss_surface` returns it).
    """

    w1_values: npt.NDArray[np.float64]
    w2_values: npt.NDArray[np.float64]
    surface: npt.NDArray[np.float64]
    path: tuple[tuple[float, float], ...]
    limits: tuple[Limits, Limits]


def bowl_axes(columns: int, rows: int, limits: tuple[Limits, Limits]
              ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The w₁ and w₂ values to sample, about one per terminal cell of the plot."""
    (w1_low, w1_high), (w2_low, w2_high) = limits
    return (np.linspace(w1_low, w1_high, max(columns, 8)),
            np.linspace(w2_low, w2_high, max(rows, 4)))


def loss_bands(surface: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Band index 0..6 of each loss value (non-finite values go to the top band)."""
    values = np.asarray(surface, dtype=float)
    values = np.where(np.isfinite(values), values, np.inf)
    return np.digitize(values, LOSS_EDGES).astype(np.int64)


def band_legend() -> list[tuple[str, str, tuple[int, int, int]]]:
    """(glyph, "below 0.35"-style label, colour) for each band, bottom first."""
    chars = BAND_GLYPHS_UNICODE if glyphs().unicode else BAND_GLYPHS_ASCII
    labels = [f"<{LOSS_EDGES[0]:g}"] + [f"{edge:g}" for edge in LOSS_EDGES[1:]] + [
        f">{LOSS_EDGES[-1]:g}"]
    return list(zip(chars, labels, BAND_COLOURS, strict=True))


def _finite_path(path: Sequence[tuple[float, float]], limits: tuple[Limits, Limits]
                 ) -> tuple[list[float], list[float]]:
    """The path without non-finite points, clipped to the map (nothing NaN is drawn)."""
    if not path:
        return [], []
    points = np.asarray(path, dtype=float).reshape(-1, 2)
    points = points[np.all(np.isfinite(points), axis=1)]
    (w1_low, w1_high), (w2_low, w2_high) = limits
    w1s = np.clip(points[:, 0], w1_low, w1_high)
    w2s = np.clip(points[:, 1], w2_low, w2_high)
    return w1s.tolist(), w2s.tolist()


def draw_bowl(plot: Plot, figure: BowlFigure) -> None:
    """Shade the loss bands, then draw the path and mark its start and its end."""
    chars = glyphs()
    (w1_low, w1_high), (w2_low, w2_high) = figure.limits
    plot.xlim(w1_low, w1_high)
    plot.ylim(w2_low, w2_high)
    plot.xticks([float(v) for v in range(int(np.ceil(w1_low)), int(w1_high) + 1, 4)])
    plot.yticks([float(v) for v in range(int(np.ceil(w2_low)), int(w2_high) + 1, 4)])
    bands = loss_bands(figure.surface)
    grid_w1, grid_w2 = np.meshgrid(figure.w1_values, figure.w2_values)
    band_glyphs = BAND_GLYPHS_UNICODE if chars.unicode else BAND_GLYPHS_ASCII
    for band, (glyph, colour) in enumerate(zip(band_glyphs, BAND_COLOURS, strict=True)):
        chosen = bands == band
        if glyph != " " and np.any(chosen):
            plot.scatter(grid_w1[chosen].tolist(), grid_w2[chosen].tolist(), marker=glyph,
                         color=colour)
    w1s, w2s = _finite_path(figure.path, figure.limits)
    if len(w1s) > 1:
        plot.plot(w1s, w2s, marker=chars.line_marker, color=PALETTE.path)
    if w1s:
        plot.scatter(w1s[:1], w2s[:1], marker=chars.class_a, color=START_COLOUR)
        plot.scatter(w1s[-1:], w2s[-1:], marker=chars.dot, color=CURRENT_COLOUR)
