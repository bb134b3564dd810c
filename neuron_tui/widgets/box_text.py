"""Box titles set only when they change: Textual repaints a whole box for each set."""

from __future__ import annotations

from textual.widget import Widget


def set_box_text(box: Widget, title: str | None = None, subtitle: str | None = None) -> None:
    """Set a box's border title and subtitle, but only when they change.

    Textual repaints the whole box, every cell inside it, whenever either is set,
    even to the same text: over SSH that is kilobytes for nothing.
    """
    if title is not None and str(box.border_title or "") != title:
        box.border_title = title
    if subtitle is not None and str(box.border_subtitle or "") != subtitle:
        box.border_subtitle = subtitle
