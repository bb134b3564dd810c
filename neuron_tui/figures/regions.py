"""The lesson's one region figure: points of two classes over a model's shaded regions.

Parts 02, 04 and 05 all draw the same thing: a grid of samples shaded in bands of
the model's P(class B) (by character as well as colour, so it reads without
colour), the model's straight line when it has one, the points of class A (o,
cyan) and B (x, rose), and on top the points the model gets wrong: still o or x,
so the learner sees their class, but amber and bold (capitals O and X where there
is no colour: see `neuron_tui.glyphs`). A `RegionFigure` holds exactly that, draws
itself on a plotext plot, gives its legend (every mark, each band), and knows its
cache key, so a `PlotView` redraws only when it changes.
The shading machinery (`Grid`, `Shading`, `draw_shading`) is shared with the loss bowl.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import numpy.typing as npt
from textual.content import Content
from textual_plotext.plot import Plot

from neuron_tui.figures.palette import PALETTE, Bands, colour_style
from neuron_tui.glyphs import GlyphSet, glyphs
from neuron_tui.i18n import _, language

FloatArray = npt.NDArray[np.float64]
Limits = tuple[float, float]
Segment = tuple[tuple[float, float], tuple[float, float]]

#: Part 04's plots show the unit square with a margin around the corners.
GATE_LIMITS = (-0.5, 1.5)
#: Part 05's shading samples per axis: about twice a plot's cells at 80×24, so no cell
#: is left empty, and fixed so one trained model is drawn at any size.
MOON_GRID_SAMPLES = (72, 36)


@dataclass(frozen=True)
class Grid:
    """`columns` × `rows` evenly spaced samples covering `xlim` × `ylim`.

    `cells` are the (x, y) pairs in the order of `numpy.meshgrid(xs, ys)` flattened,
    which is the order of any grid of values with one row per y, flattened. Equal
    grids are equal and hash alike, so a grid is its own cache key.
    """

    xlim: Limits
    ylim: Limits
    columns: int
    rows: int

    @cached_property
    def xs(self) -> FloatArray:
        return np.linspace(self.xlim[0], self.xlim[1], self.columns)

    @cached_property
    def ys(self) -> FloatArray:
        return np.linspace(self.ylim[0], self.ylim[1], self.rows)

    @cached_property
    def cells(self) -> FloatArray:
        grid_x, grid_y = np.meshgrid(self.xs, self.ys)
        cells = np.column_stack([grid_x.ravel(), grid_y.ravel()])
        cells.setflags(write=False)
        return cells


@lru_cache(maxsize=8)
def sample_grid(xlim: Limits, ylim: Limits, columns: int, rows: int) -> Grid:
    """The grid of these samples; one shared instance, so its cells are computed once."""
    return Grid(xlim, ylim, columns, rows)


def plot_grid(xlim: Limits, ylim: Limits, size: tuple[int, int], *, per_cell: int = 2,
              minimum: tuple[int, int] = (8, 4)) -> Grid:
    """A grid with `per_cell` samples a terminal cell along each axis of a plot of `size`
    (width, height in cells, taken as at least `minimum`), so every cell gets shaded."""
    columns, rows = max(size[0], minimum[0]), max(size[1], minimum[1])
    return sample_grid(xlim, ylim, columns * per_cell, rows * per_cell)


def digest(array: npt.ArrayLike) -> tuple[str, tuple[int, ...], int]:
    """A short fingerprint of an array's shape, type and values, for cache keys.

    Python's own hash of the bytes is enough for a cache that lives in one process,
    and costs no import: hashlib would load OpenSSL (about 0.6 MiB per learner).
    """
    values = np.ascontiguousarray(array)
    return values.dtype.str, values.shape, hash(values.tobytes())


@dataclass(frozen=True, eq=False)
class Shading:
    """The band of each sample of `grid`, and the band table that draws them."""

    grid: Grid
    bands: npt.NDArray[np.int64]
    table: Bands

    @classmethod
    def of(cls, grid: Grid, values: npt.ArrayLike, table: Bands) -> Shading:
        """Shade `grid` by `values` (one per sample, any shape, flattened in grid order)."""
        flat = np.asarray(values, dtype=float).ravel()
        if flat.size != len(grid.cells):
            raise ValueError(f"{flat.size} values for a grid of {len(grid.cells)} samples")
        return cls(grid, table.index(flat), table)

    @cached_property
    def key(self) -> tuple[object, ...]:
        return (self.grid, self.table, digest(self.bands))


def draw_shading(plot: Plot, shading: Shading, glyph_set: GlyphSet) -> None:
    """Scatter each band's samples in its glyph and colour; blank bands stay unshaded."""
    cells = shading.grid.cells
    table = shading.table
    for band, (glyph, colour) in enumerate(zip(table.glyphs(glyph_set), table.colours,
                                               strict=True)):
        if glyph == " ":
            continue
        chosen = cells[shading.bands == band]
        if len(chosen):
            plot.scatter(chosen[:, 0].tolist(), chosen[:, 1].tolist(), marker=glyph,
                         color=colour)


def whole_ticks(limits: Limits, step: int = 1) -> list[float]:
    """Every `step`-th whole number from the lower limit up to the upper one."""
    low, high = limits
    return [float(tick) for tick in range(int(np.ceil(low)), int(np.floor(high)) + 1, step)]


def line_sample(glyph_set: GlyphSet) -> str:
    """Two cells of a plotted line, as the legend shows it."""
    return "⠉⠒" if glyph_set.line_marker == "braille" else glyph_set.line_marker * 2


@dataclass(frozen=True, eq=False)
class RegionFigure:
    """Points of two classes (labels 0 = A, 1 = B) over optional shading and an optional line.

    `wrong` marks the points the model gets wrong (None: none marked); `line` is the
    model's straight boundary as a segment across the plot (None: no line).
    """

    points: FloatArray
    labels: npt.NDArray[np.int64]
    xlim: Limits
    ylim: Limits
    wrong: npt.NDArray[np.bool_] | None = None
    line: Segment | None = None
    shading: Shading | None = None
    glyph_set: GlyphSet = field(default_factory=glyphs)

    def __post_init__(self) -> None:
        count = len(self.points)
        if np.shape(self.points) != (count, 2) or len(self.labels) != count or (
                self.wrong is not None and len(self.wrong) != count):
            raise ValueError(f"points must be (n, 2) with n labels and n wrong flags, got "
                             f"{np.shape(self.points)}, {len(self.labels)} labels")

    @cached_property
    def key(self) -> tuple[object, ...]:
        """Equal for two figures that draw the same, different when any input differs."""
        return (
            "region", digest(self.points), digest(self.labels),
            None if self.wrong is None else digest(self.wrong), self.line,
            None if self.shading is None else self.shading.key,
            self.xlim, self.ylim, self.glyph_set,
        )

    def draw(self, plot: Plot) -> None:
        """Draw the shading, then the line, then the points and the wrong points on top."""
        chars = self.glyph_set
        plot.xlim(*self.xlim)
        plot.ylim(*self.ylim)
        plot.xticks(whole_ticks(self.xlim))
        plot.yticks(whole_ticks(self.ylim))
        if self.shading is not None:
            draw_shading(plot, self.shading, chars)
        if self.line is not None:
            (xa, ya), (xb, yb) = self.line
            plot.plot([xa, xb], [ya, yb], marker=chars.line_marker, color=PALETTE.boundary)
        wrong = (np.zeros(len(self.labels), dtype=bool) if self.wrong is None
                 else np.asarray(self.wrong, dtype=bool))
        classes = ((0, chars.class_a, chars.wrong_a, PALETTE.class_a),
                   (1, chars.class_b, chars.wrong_b, PALETTE.class_b))
        # Right points first, so a wrong point sharing a cell with one stays visible.
        for is_wrong in (False, True):
            for label, marker, wrong_marker, colour in classes:
                chosen = self.points[(self.labels == label) & (wrong == is_wrong)]
                if not len(chosen):
                    continue
                xs, ys = chosen[:, 0].tolist(), chosen[:, 1].tolist()
                if is_wrong:
                    plot.scatter(xs, ys, marker=wrong_marker, color=PALETTE.wrong, style="bold")
                else:
                    plot.scatter(xs, ys, marker=marker, color=colour)

    def legend(self, names: tuple[str, str] = ("A", "B"), width: int | None = None) -> Content:
        """What every mark means, in the plot's own colours: the classes, the wrong points,
        the line (if drawn) and each shading band (if shaded).

        With a `width`, entries are packed into lines of at most that many cells, the
        shading's on lines of their own, and an entry is never split across lines
        (left to itself, wrapping could part a glyph from its words)."""
        table = None if self.shading is None else self.shading.table
        return region_legend(self.glyph_set, names, width, self.line is not None, table,
                             language())


@lru_cache(maxsize=64)
def region_legend(chars: GlyphSet, names: tuple[str, str], width: int | None, has_line: bool,
                  table: Bands | None, language_code: str) -> Content:
    """A region figure's legend (see `RegionFigure.legend`); kept, since it changes only
    with these (`language_code` keys the translation in use), not with each frame."""
    first, second = names
    marks: list[tuple[str, str, str]] = [
        (chars.class_a, colour_style(PALETTE.class_a, bold=True), first),
        (chars.class_b, colour_style(PALETTE.class_b, bold=True), second),
        (chars.wrong, colour_style(PALETTE.wrong, bold=True), _("wrong")),
    ]
    if has_line:
        marks.append((line_sample(chars), colour_style(PALETTE.boundary, bold=True),
                      _("line")))
    groups = [marks]
    if table is not None:
        glyphs_by_band = table.glyphs(chars)
        if table.labels:
            groups.append([(glyph, colour_style(colour), _(label).format(a=first, b=second))
                           for glyph, colour, label in zip(glyphs_by_band, table.colours,
                                                           table.labels, strict=True)
                           if glyph != " "])
        else:
            arrow = "→" if chars.unicode else "->"
            strip = "".join(glyphs_by_band).strip()
            groups.append([(strip, "$text-muted", f"{first}{arrow}{second}")])
    parts: list[str | tuple[str, str]] = []
    used = 0
    for number, group in enumerate(groups):
        for index, (glyph, style, label) in enumerate(group):
            size = len(glyph) + 1 + len(label)
            new_line = width is not None and (
                (number and not index) or (used and used + 2 + size > width))
            if new_line:
                parts.append("\n")
                used = 0
            elif used:
                parts.append("  ")
                used += 2
            parts += [(glyph, style), f" {label}"]
            used += size
    return Content.assemble(*parts)
