"""The footer line of keys: the few a learner needs now, in the order they matter."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

#: (key as shown, what it does), e.g. ("←/→", "adjust").
KeyHint = tuple[str, str]


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
        used = 1
        for key, action in self.hints:
            piece = len(key) + 1 + len(action) + 2
            if used + piece > self.size.width:
                break
            parts += [(key, "bold $accent"), f" {action}  "]
            used += piece
        return Content.assemble(*parts)
