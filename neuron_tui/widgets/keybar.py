"""The footer line of keys: the few a learner needs now, in the order they matter.

Help, the lesson text and the next part are on every page's footer: when the line
is too narrow for every hint, the others give way (last first), never those three.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

#: (key as shown, what it does), e.g. ("←/→", "adjust").
KeyHint = tuple[str, str]

#: Keys whose hints stay when the footer is too narrow for every hint.
ESSENTIAL_KEYS = ("?", "l", "n")


def _cells(hint: KeyHint) -> int:
    """Columns a hint takes: key, space, action and two spaces after."""
    key, action = hint
    return len(key) + 1 + len(action) + 2


def fitting_hints(hints: list[KeyHint], width: int) -> list[KeyHint]:
    """The hints that fit `width` columns (one leading space), in their order.

    The essential ones (help, lesson, next) are kept first; the rest fill what is
    left in the order given, so the most useful come first.
    """
    room = width - 1
    keep = [hint for hint in hints if hint[0] in ESSENTIAL_KEYS]
    room -= sum(_cells(hint) for hint in keep)
    for hint in hints:
        if hint in keep:
            continue
        if _cells(hint) <= room:
            keep.append(hint)
            room -= _cells(hint)
        else:
            room = -1  # later hints would skip over this one: keep the order readable
    return [hint for hint in hints if hint in keep]


class KeyBar(Widget):
    """Renders key hints left to right and drops whatever does not fit the width."""

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        background: $panel;
    }
    """

    def __init__(self, hints: list[KeyHint], **kwargs: str) -> None:
        super().__init__(**kwargs)
        self.hints = hints

    def set_hints(self, hints: list[KeyHint]) -> None:
        """Show a new set of hints (e.g. while training runs)."""
        self.hints = hints
        self.refresh()

    def render(self) -> Content:
        parts: list[str | tuple[str, str]] = [" "]
        for key, action in fitting_hints(self.hints, self.size.width):
            parts += [(key, "bold $accent"), f" {action}  "]
        return Content.assemble(*parts)
