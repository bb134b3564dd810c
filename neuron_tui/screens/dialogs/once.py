"""A modal dialog that closes once, and only while it is the screen on top.

Textual's `Screen.dismiss` pops whatever screen is on top. Two Enters in one write
(a paste, a fast typist) reach a dialog twice before its first dismissal has taken
effect, and the second pop took the lesson's own screen with it: a blank terminal,
then `ScreenStackError` on the next key. Every dialog of the lesson derives from
`OnceDialog`, so no key sequence can pop more than the dialogs themselves.

A dialog kept installed and shown again (the lesson text, help) closes again: each
time it is shown, it may close once more.
"""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class OnceDialog(ModalScreen[ResultType]):
    """A `ModalScreen` whose `dismiss` works once, and only while it is on top."""

    #: Set by the first dismissal; later ones do nothing.
    dismissed = False

    def on_screen_resume(self) -> None:
        """Shown (again): this showing may close once."""
        self.dismissed = False

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        """Close the dialog with `result` unless it already closed or is not on top."""
        if self.dismissed or not self.is_active:
            return AwaitComplete.nothing()
        self.dismissed = True
        return super().dismiss(result)
