"""The one-line header: the app's name, where the learner is, and how far along."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from neuron_tui.glyphs import glyphs


class TitleBar(Widget):
    """` neuron-tui  Part 02 · Build a neuron      ■■□□□□  2/6`."""

    DEFAULT_CSS = """
    TitleBar {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    title: reactive[str] = reactive("")
    part: reactive[int | None] = reactive(None)

    def __init__(self, title: str, part: int | None = None, part_count: int = 0,
                 **kwargs: str) -> None:
        super().__init__(**kwargs)
        self.part_count = part_count
        self.set_reactive(TitleBar.title, title)
        self.set_reactive(TitleBar.part, part)

    def render(self) -> Content:
        chars = glyphs()
        left = Content.assemble((" neuron-tui ", "bold $accent"), " ", (self.title, "bold"))
        if self.part is None:
            return left
        done = chars.progress_full * self.part
        todo = chars.progress_empty * (self.part_count - self.part)
        right = f"{done}{todo}  {self.part}/{self.part_count} "
        gap = max(1, self.size.width - left.cell_length - len(right))
        return Content.assemble(left, " " * gap, (right, "$text-muted"))
