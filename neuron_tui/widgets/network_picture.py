"""A small drawing of a network: two inputs, a hidden layer, one output."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from neuron_tui.glyphs import glyphs

UNICODE_PICTURE = (
    "x₁ ──╮     ○ ──╮",
    "     ├──▶  ○ ──┼──▶ y",
    "x₂ ──╯     ○ ──╯",
    "",
    "input   hidden   output",
)
ASCII_PICTURE = (
    "x1 --+     o --+",
    "     +-->  o --+--> y",
    "x2 --+     o --+",
    "",
    "input   hidden   output",
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
        parts: list[str | tuple[str, str]] = []
        for index, line in enumerate(lines):
            style = "$text-muted" if index == len(lines) - 1 else "$accent"
            parts.append((line + "\n", style))
        return Content.assemble(*parts).rstrip()
