"""PlotView: a widget that shows a plotext figure and repaints only what changed.

A naive plot widget re-sends every cell of the plot on every change, about 7 KB a
slider step at 80×24. PlotView rebuilds the figure only when its inputs change
(a figure knows its own cache key), compares the new text line by line with the old, and
asks Textual to repaint only the lines that differ. Rebuilds are coalesced: many
changes before the next rebuild cost one rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Protocol

from rich.console import Console
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual_plotext.plot import Plot

from neuron_tui.compat import set_plot_size
from neuron_tui.glyphs import glyphs

#: plotext frames its plots with box drawing; ASCII terminals get these instead.
ASCII_FRAME = str.maketrans({
    "─": "-", "━": "-", "│": "|", "┃": "|",
    "┌": "+", "┐": "+", "└": "+", "┘": "+",
    "├": "+", "┤": "+", "┬": "+", "┴": "+", "┼": "+",
})

#: Draws one figure onto a cleared plot whose size is already set.
Draw = Callable[[Plot], None]


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
        self._ansi_lines: list[str] = []
        self._strips: list[Strip] = []
        self._built_size: tuple[int, int] = (0, 0)
        self._rebuild_pending = False

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
            self._ansi_lines, self._strips = [], []
            self.refresh()
            return
        plot = self._plot
        plot.theme("clear")  # the figure is empty: cleared after the last build
        set_plot_size(plot, width, height)
        self._draw(plot)
        text = plot.build()
        # plotext keeps the whole figure (canvas matrices, data lists) until the next
        # draw; only the text is needed, so give that memory back now (every part's
        # plots would otherwise hold theirs for the whole lesson).
        plot.clear_figure()
        if not glyphs().unicode:
            text = text.translate(ASCII_FRAME)
        lines = text.split("\n")[:height]
        size_changed = (width, height) != self._built_size
        old_lines = self._ansi_lines
        old_strips = self._strips
        self._ansi_lines = lines
        self._strips = [
            old if not size_changed and index < len(old_lines) and old_lines[index] == line
            else _strip(line, width)
            for index, (line, old) in enumerate(
                zip(lines, self._strips + [Strip.blank(width)] * len(lines), strict=False)
            )
        ]
        self._built_size = (width, height)
        if force or size_changed:
            self.refresh()
            return
        for index, strip in enumerate(self._strips):
            if index < len(old_strips) and old_strips[index] is strip:
                continue
            span = _changed_span(old_strips[index] if index < len(old_strips) else None, strip)
            if span is not None:
                start, end = span
                self.refresh(Region(start, index, end - start, 1))

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            return self._strips[y].apply_style(self.rich_style)
        return Strip.blank(self.size.width, self.rich_style)


# Plot lines are parsed from ANSI text; a private console turns them into segments.
_CONSOLE = Console(
    width=1000, color_system="truecolor", force_terminal=True, legacy_windows=False
)


def _strip(ansi_line: str, width: int) -> Strip:
    text = Text.from_ansi(ansi_line, no_wrap=True, end="")
    return Strip(list(text.render(_CONSOLE))).crop_extend(0, width, None)


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
