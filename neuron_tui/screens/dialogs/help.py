"""The `?` overlay: every key of the current screen and the keys that work everywhere."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from neuron_tui.screens.dialogs.once import OnceDialog
from neuron_tui.widgets.keybar import KeyHint


def global_keys(number_keys: str) -> list[KeyHint]:
    """The keys that work on every page; `number_keys` is "1–6" for six parts."""
    return [
        ("n", "next part"),
        ("p", "previous part"),
        (number_keys, "jump to a part"),
        ("?", "this help"),
        ("q", "quit (your progress is kept)"),
    ]


class HelpScreen(OnceDialog[None]):
    """Lists keys in two groups: this screen's, and everywhere."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "close"),
        Binding("question_mark", "close", "close", show=False),
        Binding("q", "close", "close", show=False),
    ]

    def __init__(self, title: str, screen_keys: list[KeyHint], number_keys: str) -> None:
        super().__init__()
        self.title_text = title
        self.screen_keys = screen_keys
        self.global_keys = global_keys(number_keys)

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll(Static(self._body()), can_focus=True)
        scroll.border_title = f"Keys · {self.title_text}"
        scroll.border_subtitle = "Esc close"
        yield scroll

    def _body(self) -> Content:
        parts: list[str | tuple[str, str]] = []
        groups = (("On this screen", self.screen_keys), ("Everywhere", self.global_keys))
        for heading, keys in groups:
            if not keys:
                continue
            parts.append((f"{heading}\n", "bold"))
            for key, action in keys:
                parts += [(f"  {key:<12}", "bold $accent"), f"{action}\n"]
            parts.append("\n")
        return Content.assemble(*parts).rstrip()

    def action_close(self) -> None:
        self.dismiss(None)
