"""A small table of live numbers: label on the left, value on the right.

One line widget a row, each updated only when its text changes, so a slider step
that changes the loss but not the count of wrong points repaints one row, not four.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content

from neuron_tui.widgets.quiet_static import QuietStatic

#: (label, value, style of the value); style may be "".
MetricRow = tuple[str, str, str]


class Metrics(Vertical):
    """Shows rows such as `accuracy   92.5 %`, each repainted only when it changes."""

    DEFAULT_CSS = """
    Metrics {
        height: auto;
    }
    Metrics > QuietStatic {
        height: 1;
    }
    """

    def __init__(self, rows: int = 4, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.row_count = rows

    def compose(self) -> ComposeResult:
        for _ in range(self.row_count):
            yield QuietStatic()

    def show_rows(self, rows: list[MetricRow]) -> None:
        """Show `rows` (at most as many as the widget was made with)."""
        lines = list(self.query(QuietStatic))
        for line, (label, value, style) in zip(lines, rows, strict=False):
            line.show(Content.assemble((f"{label:<10}", "$text-muted"), (value, style or "bold")))

    def render_text(self) -> str:
        """All rows as plain text (for tests and screen readers)."""
        return "\n".join(str(line.render()) for line in self.query(QuietStatic))
