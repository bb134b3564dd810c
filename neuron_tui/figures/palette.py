"""The lesson's colours for plots, chosen to read for common colour-vision deficiencies.

Classes differ by glyph as well as colour (o and x), and the two class colours
differ in lightness and blue/yellow axis (cyan against rose), not by red/green.
A wrongly classified point keeps its class's glyph and turns amber and bold.
Shaded maps are drawn in bands, each with its own character *and* colour, so they
read on a terminal without colour; every band table the lesson uses is here, and
legends take their colours from this module rather than copying them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from neuron_tui.glyphs import GlyphSet
from neuron_tui.i18n import N_

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    """RGB colours of everything a plot draws."""

    class_a: RGB = (32, 216, 232)  # cyan; stays bright cyan (4.5:1 on black) in 16 colours
    class_b: RGB = (255, 90, 150)  # rose
    wrong: RGB = (255, 191, 0)  # amber
    boundary: RGB = (255, 140, 0)  # orange
    curve: RGB = (120, 170, 255)
    marker: RGB = (255, 191, 0)
    path: RGB = (255, 255, 255)
    start: RGB = (170, 170, 170)
    text: RGB = (200, 200, 200)


PALETTE = Palette()


def colour_style(colour: RGB, bold: bool = False) -> str:
    """A Textual style string for `colour` ("#00c8dc", or "bold #00c8dc")."""
    hex_colour = "#{:02x}{:02x}{:02x}".format(*colour)
    return f"bold {hex_colour}" if bold else hex_colour


@dataclass(frozen=True)
class Bands:
    """Value bands of a shaded map: where each band ends, and how each is drawn.

    `edges` are the upper edges of all bands but the last, in increasing order;
    band i holds values in [edges[i-1], edges[i]). A blank glyph leaves its band
    unshaded. Values that are not a number go to band `unknown`. `labels` say what
    each band means in a legend, with "{a}" and "{b}" standing for the class names
    (empty: the legend shows the bands as one strip from A to B); they are English,
    translated when the legend is drawn.
    """

    edges: tuple[float, ...]
    unicode_glyphs: tuple[str, ...]
    ascii_glyphs: tuple[str, ...]
    colours: tuple[RGB, ...]
    unknown: int
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        count = len(self.edges) + 1
        if not (len(self.unicode_glyphs) == len(self.ascii_glyphs) == len(self.colours) == count):
            raise ValueError(f"{count} bands need {count} glyphs of each set and {count} colours")
        if self.labels and len(self.labels) != count:
            raise ValueError(f"{count} bands need {count} labels, not {len(self.labels)}")
        if not 0 <= self.unknown < count:
            raise ValueError(f"unknown band {self.unknown} is not one of the {count} bands")

    def __len__(self) -> int:
        return len(self.colours)

    def index(self, values: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """The band of each value (same shape as `values`)."""
        values = np.asarray(values, dtype=float)
        bands = np.digitize(values, self.edges).astype(np.int64)
        return np.where(np.isnan(values), self.unknown, bands)

    def glyphs(self, glyph_set: GlyphSet) -> tuple[str, ...]:
        """Each band's character in `glyph_set`'s alphabet, first band first."""
        return self.unicode_glyphs if glyph_set.unicode else self.ascii_glyphs


#: P(class B) in five bands: surely A, A, unsure, B, surely B (Part 02). Each side has
#: its own glyphs, and the colours are dim tints of the class colours, grey between.
PROBABILITY_BANDS = Bands(
    edges=(0.1, 0.4, 0.6, 0.9),
    unicode_glyphs=("░", "·", "≈", ":", "▒"),
    ascii_glyphs=("-", ".", "=", ":", "+"),
    colours=((0, 90, 105), (0, 125, 140), (120, 120, 120), (150, 60, 95), (110, 40, 70)),
    unknown=2,
    labels=(N_("sure {a}"), "{a}", N_("unsure"), "{b}", N_("sure {b}")),
)
#: The same bands with the unsure middle left blank (Part 04's gates: a few corners
#: on a small plot, where a shaded middle would hide the boundary the model found).
GATE_BANDS = replace(
    PROBABILITY_BANDS,
    unicode_glyphs=("░", "·", " ", ":", "▒"),
    ascii_glyphs=("-", ".", " ", ":", "+"),
)
#: P(class B) in four bands: sure A, A, B, sure B (Part 05's moons): one glyph a side,
#: brighter where the model is surer.
MOON_BANDS = Bands(
    edges=(0.2, 0.5, 0.8),
    unicode_glyphs=("·", "·", "░", "░"),
    ascii_glyphs=(".", ".", ":", ":"),
    colours=((0, 120, 135), (0, 80, 90), (110, 45, 75), (160, 60, 100)),
    unknown=2,
    labels=(N_("sure {a}"), "{a}", "{b}", N_("sure {b}")),
)
#: Mean log loss in seven bands (Part 03's bowl): blank at the bottom, denser
#: characters up its sides, dark blue to warm brown; what is not a number is the rim.
LOSS_BANDS = Bands(
    edges=(0.35, 0.5, 0.75, 1.2, 2.0, 4.0),
    unicode_glyphs=(" ", "·", "∙", "░", "▒", "▓", "█"),
    ascii_glyphs=(" ", ".", ",", ":", "=", "%", "#"),
    colours=(
        (20, 60, 110),
        (30, 90, 130),
        (40, 110, 120),
        (70, 110, 90),
        (110, 100, 70),
        (120, 80, 60),
        (110, 60, 60),
    ),
    unknown=6,
)
