"""LessonSide: the lesson text beside the work from 120 columns, scrollable by keyboard."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll


class LessonSide(VerticalScroll):
    """The lesson text beside the work: scrolls with ↑/↓ and PgUp/PgDn while focused."""

    BINDINGS = [Binding("escape", "leave", "back to the page", show=False)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Hidden (below 120 columns) it may still hold the focus after a resize: then
        # Escape is the page's (e.g. Part 05's "Esc cancels"), not a way out of here.
        return self.display if action == "leave" else True

    def action_leave(self) -> None:
        """Give the focus back to the page's work."""
        leave = getattr(self.screen, "leave_side_text", None)
        if leave is not None:  # a LessonScreen; the side text lives on no other
            leave()
