"""A small table of live numbers: label on the left, value on the right."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

#: (label, value, style of the value); style may be "".
MetricRow = tuple[str, str, str]


class Metrics(Static):
    """Shows rows such as `accuracy   92.5 %`, updated in place."""

    DEFAULT_CSS = """
    Metrics {
        height: auto;
    }
    """

    def show_rows(self, rows: list[MetricRow]) -> None:
        """Replace the rows shown."""
        parts: list[str | tuple[str, str]] = []
        for index, (label, value, style) in enumerate(rows):
            parts += [(f"{label:<10}", "$text-muted"), (value, style or "bold")]
            if index < len(rows) - 1:
                parts.append("\n")
        self.update(Content.assemble(*parts))
