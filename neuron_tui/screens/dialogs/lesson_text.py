"""The lesson text of a part as an overlay: scrollable, Escape (or l) closes it.

`n`, `p` and the part numbers close it and move, as help says they do everywhere.
The Markdown is parsed once per text and kept (see `markdown_document`), so the
overlay opens at once from the second time on.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from neuron_tui.i18n import _
from neuron_tui.screens.dialogs.navigation import NAVIGATION_BINDINGS
from neuron_tui.screens.dialogs.once import OnceDialog


class LessonTextScreen(OnceDialog[None]):
    """Shows one page of Markdown over the part; the part keeps its state beneath."""

    DEFAULT_CSS = """
    LessonTextScreen {
        align: center middle;
    }
    LessonTextScreen > VerticalScroll {
        width: 100%;
        max-width: 100;
        height: 100%;
        border: round $accent;
        border-title-align: left;
        border-subtitle-align: right;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "close"),
        Binding("l", "close", "close", show=False),
        Binding("q", "close", "close", show=False),
        *NAVIGATION_BINDINGS,
    ]

    def __init__(self, heading: str, markdown: str) -> None:
        super().__init__()
        self.heading = heading
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll(Markdown(self.markdown, open_links=False), can_focus=True)
        scroll.border_title = self.heading
        scroll.border_subtitle = _("↑/↓ scroll · Esc close")
        yield scroll

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)

