"""The footer line of keys: the few a learner needs now, in the order they matter.

Help, the lesson text and the next part are on every page's footer: when the line
is too narrow for every hint, the others give way (last first), never those three.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from neuron_tui.i18n import _

#: (key as shown, what it does), e.g. ("←/→", "adjust"): in English, marked with `N_`
#: where they are defined; the key bar and help translate them when they are drawn.
KeyHint = tuple[str, str]

#: Keys whose hints stay when the footer is too narrow for every hint.
ESSENTIAL_KEYS = ("?", "l", "n")


def _cells(hint: KeyHint) -> int:
    """Columns a hint takes: key, space, action and two spaces after."""
    key, action = hint
    return len(key) + 1 + len(action) + 2


def translated(hints: list[KeyHint]) -> list[KeyHint]:
    """`hints` in the language in use (key names such as `n` or `Enter` have no entry in
    the catalog, so only words such as "any key" change)."""
    # An empty string would come back as the catalog's header: only words go through `_`.
    return [(_(key) if key else key, _(action) if action else action) for key, action in hints]


def fitting_hints(hints: list[KeyHint], width: int) -> list[KeyHint]:
    """The hints that fit `width` columns (one leading space), in their order.

    The essential ones (help, lesson, next) are kept first; the rest fill what is
    left in the order given, so the most useful come first.
    """
    room = width - 1
    keep = [hint for hint in hints if hint[0] in ESSENTIAL_KEYS]  # key names: never translated
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
        # Translated before fitting: the room a hint takes is the room its words take.
        for key, action in fitting_hints(translated(self.hints), self.size.width):
            parts += [(key, "bold $accent"), f" {action}  "]
        return Content.assemble(*parts)
