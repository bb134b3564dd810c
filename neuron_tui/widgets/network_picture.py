"""A small drawing of a network: two inputs, a hidden layer, one output."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from neuron_tui.glyphs import glyphs
from neuron_tui.i18n import N_, _

#: The names under the picture's three columns (translated when drawn).
COLUMN_NAMES = N_("input   hidden   output")

UNICODE_PICTURE = (
    "x₁ ──╮     ○ ──╮",
    "     ├──▶  ○ ──┼──▶ y",
    "x₂ ──╯     ○ ──╯",
    "",
    COLUMN_NAMES,
)
ASCII_PICTURE = (
    "x1 --+     o --+",
    "     +-->  o --+--> y",
    "x2 --+     o --+",
    "",
    COLUMN_NAMES,
)


class NetworkPicture(Widget):
    """Inputs x₁ x₂ feed a hidden layer that feeds the output y."""

    DEFAULT_CSS = """
    NetworkPicture {
        width: 26;
        height: 5;
    }
    """

    def render(self) -> Content:
        lines = UNICODE_PICTURE if glyphs().unicode else ASCII_PICTURE
        lines = (*lines[:-1], _(lines[-1]))
        parts: list[str | tuple[str, str]] = []
        for index, line in enumerate(lines):
            style = "$text-muted" if index == len(lines) - 1 else "$accent"
            parts.append((line + "\n", style))
        return Content.assemble(*parts).rstrip()
