"""The lesson text of a page: beside the work from 120 columns, else over it.

`LessonSide` is the text beside the work, scrollable by keyboard; `toggle_lesson_text`
is what `l` does on any page, and `leave_side_text` gives the focus back.
"""

from __future__ import annotations

from typing import Any, Protocol

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget

from neuron_tui.i18n import language


class TextPage(Protocol):
    """What the lesson text needs of its page (a LessonScreen)."""

    focus_before_side: Widget | None
    spec: Any
    page: Any
    app: Any

    @property
    def shows_text_in_work(self) -> bool: ...
    @property
    def heading(self) -> str: ...
    @property
    def focused(self) -> Widget | None: ...

    def has_class(self, *names: str) -> bool: ...
    def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
    def set_focus(self, widget: Widget | None) -> None: ...


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


def toggle_lesson_text(page: TextPage) -> None:
    """Focus the text in the work area; else into the side text when wide (and back);
    else the text over the page."""
    if page.shows_text_in_work:
        page.query_one("#lesson-main").focus()
        return
    if page.has_class("wide"):
        side = page.query_one("#lesson-side", LessonSide)
        if page.focused is side:
            leave_side_text(page)
        else:
            page.focus_before_side = page.focused
            side.focus()
        return
    show_lesson_overlay(page)


def leave_side_text(page: TextPage) -> None:
    """Focus what had the focus before `l` moved it into the side text."""
    before = page.focus_before_side
    if before is not None and before.is_attached and before.focusable:
        before.focus()
        return
    work = page.query_one("#work")
    target = next((widget for widget in work.query("*") if widget.focusable), None)
    page.set_focus(target)


def show_lesson_overlay(page: TextPage) -> None:
    """The page's text over the page. Built once and kept (installed on the app):
    building it again would parse and mount the Markdown every time (0.4–1 s); one a
    language, as the opening can change it."""
    from neuron_tui.screens.dialogs.lesson_text import LessonTextScreen

    name = f"lesson-text:{page.spec.key}:{language()}"
    if not page.app.is_screen_installed(name):
        page.app.install_screen(LessonTextScreen(page.heading, page.page.markdown), name)
    page.app.push_screen(name)
