"""The lesson's colours for plots, chosen to read for common colour-vision deficiencies.

Classes differ by glyph as well as colour (o and x), and the two class colours
differ in lightness and blue/yellow axis (cyan against rose), not by red/green.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    """RGB colours of everything a plot draws."""

    class_a: RGB = (0, 200, 220)  # cyan
    class_b: RGB = (255, 90, 150)  # rose
    wrong: RGB = (255, 191, 0)  # amber
    boundary: RGB = (255, 140, 0)  # orange
    curve: RGB = (120, 170, 255)
    marker: RGB = (255, 191, 0)
    path: RGB = (255, 255, 255)
    text: RGB = (200, 200, 200)


PALETTE = Palette()
