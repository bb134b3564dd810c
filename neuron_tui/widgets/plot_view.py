"""PlotView: a widget that shows a plotext figure and repaints only what changed.

A naive plot widget re-sends every cell of the plot on every change, about 7 KB a
slider step at 80×24. PlotView rebuilds the figure only when its inputs change
(a figure knows its own cache key), compares the new text line by line with the old, and
asks Textual to repaint only the lines that differ. Rebuilds are coalesced: many
changes before the next rebuild cost one rebuild.

CPU matters as much as bytes (a class shares one server): PlotView records what a
figure draws and puts its points, lines and text on axes plotext built once for that
size (`neuron_tui.figures.raster`: the same cells as plotext's own build, a fraction of
its CPU), and lets plotext build the whole figure for anything that path does not
cover. It reads plotext's cells (`compat.plot_cells`) instead of writing them as ANSI
text and parsing that back, turns only lines not already on screen into strips
(`_row_strip`), and keeps the last few figures built (`RECENT_FIGURES`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any, Protocol, cast

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual_plotext.plot import Plot

from neuron_tui.compat import plot_cell_codes, plot_cells, set_plot_size
from neuron_tui.figures.raster import scene_cells
from neuron_tui.figures.recording import Recording
from neuron_tui.glyphs import glyphs

#: plotext frames its plots with box drawing; ASCII terminals get these instead.
ASCII_FRAME = str.maketrans({
    "─": "-", "━": "-", "│": "|", "┃": "|",
    "┌": "+", "┐": "+", "└": "+", "┘": "+",
    "├": "+", "┤": "+", "┬": "+", "┴": "+", "┼": "+",
})

#: Figures each view keeps built: showing one again (a slider stepped back, shading
#: toggled off) costs no plotext build and no parsing. A figure at 80×24 keeps about
#: 50 KiB (its ANSI lines and strips), so eight a view stay under 0.5 MiB: memory is
#: what a class server has least of after CPU. (A replayed run of more frames than
#: this finds none of its figures: least recently used go first.)
RECENT_FIGURES = 8

#: Draws one figure onto a cleared plot whose size is already set.
Draw = Callable[[Plot], None]
#: One line of a figure: its characters and each cell's plotext colours (equal lines
#: draw the same).
Row = tuple[tuple[str, ...], tuple[tuple[Any, Any, Any], ...]]


class Figure(Protocol):
    """What PlotView can show: a figure that draws itself and knows its cache key.

    The key must be equal for two figures that draw the same and differ when any
    input differs (see `neuron_tui.figures.regions.RegionFigure`).
    """

    @property
    def key(self) -> Hashable: ...

    def draw(self, plot: Plot) -> None: ...


class PlotView(Widget):
    """Shows the figure drawn by a `Draw` function, sized to the widget."""

    DEFAULT_CSS = """
    PlotView {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._plot = Plot()
        self._draw: Draw | None = None
        self._key: Hashable = None
        self._rows: list[Row] = []
        self._strips: list[Strip] = []
        self._built_size: tuple[int, int] = (0, 0)
        self._rebuild_pending = False
        self._line_style: Style | None = None
        #: Figures built lately, newest last: (key, size, alphabet) -> (lines, strips).
        self._recent: OrderedDict[Hashable, tuple[list[Row], list[Strip]]] = OrderedDict()

    def show_figure(self, figure: Figure) -> None:
        """Show `figure`, unless a figure with the same key is already on screen."""
        self.show(figure.draw, figure.key)

    def show(self, draw: Draw, key: Hashable) -> None:
        """Draw with `draw` unless `key` equals the key of the figure on screen."""
        if key == self._key and self._draw is not None:
            return
        self._draw = draw
        self._key = key
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_later(self._rebuild)

    @property
    def text_lines(self) -> list[str]:
        """The figure as plain text, one string a line (for tests and screen readers)."""
        return [strip.text for strip in self._strips]

    def on_resize(self) -> None:
        self._rebuild(force=True)

    def _rebuild(self, force: bool = False) -> None:
        self._rebuild_pending = False
        width, height = self.size
        if self._draw is None or width < 4 or height < 2:
            self._rows, self._strips = [], []
            self.refresh()
            return
        size_changed = (width, height) != self._built_size
        old_rows = self._rows if not size_changed else []
        old_strips = self._strips
        rows, strips = self._figure_rows(width, height, old_rows, old_strips)
        self._rows, self._strips = rows, strips
        self._built_size = (width, height)
        if force or size_changed:
            self.refresh()
            return
        changed = []
        for index, strip in enumerate(strips):
            if index < len(old_strips) and old_strips[index] is strip:
                continue
            span = _changed_span(old_strips[index] if index < len(old_strips) else None, strip)
            if span is not None:
                start, end = span
                changed.append(Region(start, index, end - start, 1))
        if changed:
            self.refresh(*changed)

    def _figure_rows(self, width: int, height: int, old_rows: list[Row],
                     old_strips: list[Strip]) -> tuple[list[Row], list[Strip]]:
        """The figure's rows and strips: from the cache, or drawn by plotext.

        A line equal to the one on screen keeps its strip (same object: not repainted).
        """
        cache_key = None if self._key is None else (self._key, width, height,
                                                    glyphs().unicode)
        cached = self._recent.get(cache_key) if cache_key is not None else None
        strips: list[Strip | None]
        if cached is not None:
            self._recent.move_to_end(cache_key)
            rows, strips = cached[0], list(cached[1])
        else:
            rows = self._draw_rows(width, height)
            strips = [None] * len(rows)  # only lines not on screen are made strips (below)

        def unchanged(index: int, row: Row) -> bool:
            return index < len(old_rows) and old_rows[index] == row

        shown = [
            old_strips[index] if unchanged(index, row)
            else strip if strip is not None else _row_strip(row, width)
            for index, (row, strip) in enumerate(zip(rows, strips, strict=True))
        ]
        if cached is None and cache_key is not None:
            self._recent[cache_key] = (rows, shown)
            if len(self._recent) > RECENT_FIGURES:
                self._recent.popitem(last=False)
        return rows, shown

    def _draw_rows(self, width: int, height: int) -> list[Row]:
        """The figure's cells at this size, one `Row` a line: its layers put on axes plotext
        built once (`figures.raster`), or, for what that does not cover, plotext's build."""
        assert self._draw is not None
        recording = Recording()
        # A Recording takes every call a figure makes on a Plot (see figures.recording).
        self._draw(cast(Plot, recording))
        cells = scene_cells(recording, width, height)
        if cells is None:  # not a figure the fast path draws: plotext builds it all
            cells = self._build_cells(recording, width, height)
        markers, colours = cells
        if not glyphs().unicode:
            markers = [[char.translate(ASCII_FRAME) for char in chars] for chars in markers]
        return [(tuple(chars), tuple(looks))
                for chars, looks in zip(markers[:height], colours[:height], strict=True)]

    def _build_cells(self, recording: Recording, width: int, height: int
                     ) -> tuple[list[list[str]], list[list[tuple[Any, Any, Any]]]]:
        """The recorded figure built by plotext itself, every cell."""
        plot = self._plot
        plot.theme("clear")  # the figure is empty: cleared after the last build
        set_plot_size(plot, width, height)
        recording.replay(plot)
        cells = plot_cells(plot)
        # plotext keeps the whole figure (canvas matrices, data lists) until the next
        # draw; only the rows are needed, so give that memory back now (every part's
        # plots would otherwise hold theirs for the whole lesson).
        plot.clear_figure()
        return cells

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_style = None

    def render_line(self, y: int) -> Strip:
        # `rich_style` walks every ancestor's styles (about a third of a slider step's
        # compositor pass when a dozen plot lines change): kept until the CSS changes,
        # as Textual keeps its own `visual_style`.
        style = self._line_style
        if style is None:
            style = self._line_style = self.rich_style
        if y < len(self._strips):
            return self._strips[y].apply_style(style)
        return Strip.blank(self.size.width, style)


# Rich's own reading of plotext's codes gives each run's style; a private console
# turns the text it parses into segments.
_CONSOLE = Console(
    width=1000, color_system="truecolor", force_terminal=True, legacy_windows=False
)


def _row_strip(row: Row, width: int) -> Strip:
    """One line of plotext cells as a Strip, exactly as Rich parses plotext's ANSI line.

    plotext writes each run of same-coloured cells as its codes, its characters and a
    reset; Rich's parser (`Text.from_ansi`) costs about 2 ms a figure re-reading the
    same few codes. Here each run's codes are looked up once (`_colour_style`, which
    asks Rich itself), and unstyled runs are joined as Rich joins them.
    """
    runs: list[tuple[str, Style | None]] = []
    for colour, cells in groupby(zip(*row, strict=True), key=itemgetter(1)):
        chars = "".join(char for char, _ in cells)
        if not chars:
            continue
        style = _colour_style(colour)
        if style is None and runs and runs[-1][1] is None:
            runs[-1] = (runs[-1][0] + chars, None)
        else:
            runs.append((chars, style))
    if all(style is None for _, style in runs):
        segments = [Segment("".join(chars for chars, _ in runs))]
    else:
        segments = [Segment(chars, _PLAIN if style is None else style) for chars, style in runs]
    return Strip(segments).crop_extend(0, width, None)


#: Each plotext colour triple's style, looked up once (a figure has a dozen).
_COLOUR_STYLES: dict[tuple[Any, Any, Any], Style | None] = {}


def _colour_style(colour: tuple[Any, Any, Any]) -> Style | None:
    """The style of cells of these plotext colours (None: no codes, plain text)."""
    try:
        return _COLOUR_STYLES[colour]
    except KeyError:
        codes = plot_cell_codes(colour)
        style = _COLOUR_STYLES[colour] = _run_style(codes) if codes else None
        return style
    except TypeError:  # a colour given as a list: not hashable, not kept
        codes = plot_cell_codes(colour)
        return _run_style(codes) if codes else None


def _rich_strip(ansi_line: str, width: int) -> Strip:
    text = Text.from_ansi(ansi_line, no_wrap=True, end="")
    return Strip(list(text.render(_CONSOLE))).crop_extend(0, width, None)


@lru_cache(maxsize=256)
def _run_style(codes: str) -> Style | None:
    """The style Rich gives the characters after `codes` (from a reset state)."""
    segments = _rich_strip(f"{codes}x", 1)
    return next(segment.style for segment in segments if segment.text == "x")


#: What Rich gives unstyled text on a line that also has styled runs.
_PLAIN = next(segment.style for segment in _rich_strip("a\x1b[1mb", 2) if segment.text == "a")


def _cells(strip: Strip) -> list[tuple[str, object]]:
    return [(char, segment.style) for segment in strip for char in segment.text]


def _changed_span(old: Strip | None, new: Strip) -> tuple[int, int] | None:
    """The [start, end) cell range where two lines differ; None when they are equal.

    Repainting only that range (not the whole line) keeps the bytes per slider step
    small: a moving line changes a few cells on each row, not the row.
    """
    new_cells = _cells(new)
    if old is None:
        return 0, len(new_cells)
    old_cells = _cells(old)
    length = max(len(old_cells), len(new_cells))
    old_cells += [("", None)] * (length - len(old_cells))
    new_cells += [("", None)] * (length - len(new_cells))
    changed = [index for index in range(length) if old_cells[index] != new_cells[index]]
    if not changed:
        return None
    return changed[0], changed[-1] + 1
