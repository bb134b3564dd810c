"""Shown instead of a broken layout when the window is below the lesson's minimum."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from neuron_tui.i18n import _
from neuron_tui.terminal import MIN_COLUMNS, MIN_ROWS


def enlarge_message(columns: int, rows: int) -> str:
    """The notice for a window of `columns` × `rows`."""
    return _(
        "Please enlarge your terminal to {min_columns}x{min_rows} "
        "(now {columns}x{rows}). The lesson carries on where you were."
    ).format(min_columns=MIN_COLUMNS, min_rows=MIN_ROWS, columns=columns, rows=rows)


class TooSmallScreen(ModalScreen[None]):
    """A full-window notice; the app removes it as soon as the window is large enough."""

    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
        background: $background;
    }
    TooSmallScreen > Static {
        width: 100%;
        height: auto;
        content-align: center middle;
        text-align: center;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(enlarge_message(*self.app.size), id="message", markup=False)

    def on_resize(self) -> None:
        self.query_one("#message", Static).update(enlarge_message(*self.app.size))
