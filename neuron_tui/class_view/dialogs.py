"""The class view's two questions: which part (bring, hold) and what to tell everyone.

Both are one line of text in a still (never blinking) input; bad text is refused
in the dialog with one sentence, never guessed. Escape changes nothing.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from neuron_tui.i18n import _
from neuron_tui.lesson.registry import LESSON, Lesson
from neuron_tui.screens.dialogs.once import OnceDialog
from neuron_tui.widgets.still_input import StillInput

#: Longest message to everyone (docs/class-protocol.md).
MAX_MESSAGE = 200

#: What a part dialog gives back: a part number, or None to release a hold.
RELEASE = 0


def parse_part(text: str, lesson: Lesson = LESSON, *, allow_release: bool = False
               ) -> tuple[int | None, str]:
    """Read a part number typed by the teacher: (number, "") or (None, why it was refused).

    With `allow_release`, an empty line means "release" and gives :data:`RELEASE`.
    """
    cleaned = text.strip()
    if not cleaned and allow_release:
        return RELEASE, ""
    if not (cleaned.isascii() and cleaned.isdigit()):
        return None, _("Type a part number ({parts}).").format(parts=lesson.part_range)
    try:
        lesson.part(int(cleaned))
    except ValueError:
        return None, _("There is no Part {part}: choose {parts}.").format(
            part=cleaned, parts=lesson.part_range)
    return int(cleaned), ""


class ClassDialog(OnceDialog[str | None]):
    """One question, one line of answer; dismissed with the accepted text or None."""

    DEFAULT_CSS = """
    ClassDialog {
        align: center middle;
    }
    ClassDialog > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    ClassDialog Label {
        width: 100%;
    }
    ClassDialog #why {
        color: $text-muted;
        height: auto;
    }
    ClassDialog #why.refused {
        color: $text-error;
    }
    """

    # Not translated: no footer shows it (the hint line below the input says Escape).
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, question: str, hint: str, max_length: int) -> None:
        """`question` and `hint` are shown as given: the caller translates them."""
        super().__init__()
        self.question = question
        self.hint = hint
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)
            yield StillInput(max_length=self.max_length, id="entry")
            yield Label(self.hint, id="why", markup=False)

    def refuse(self, why: str) -> None:
        """Say in the dialog why the text cannot be used; it stays open."""
        label = self.query_one("#why", Label)
        label.update(why)
        label.add_class("refused")

    def problem(self, text: str) -> str:
        """Why `text` cannot be used, or "" when it can."""
        return ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        why = self.problem(event.value)
        if why:
            self.refuse(why)
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class PartDialog(ClassDialog):
    """Asks for a part number (empty releases, when releasing makes sense)."""

    def __init__(self, question: str, lesson: Lesson = LESSON, *,
                 allow_release: bool = False) -> None:
        hint = (_("Enter: do it · empty releases · Escape: cancel") if allow_release
                else _("Enter: do it · Escape: cancel"))
        super().__init__(question, hint, 3)
        self.lesson = lesson
        self.allow_release = allow_release

    def problem(self, text: str) -> str:
        return parse_part(text, self.lesson, allow_release=self.allow_release)[1]


class MessageDialog(ClassDialog):
    """Asks for one line to show every learner."""

    def __init__(self) -> None:
        super().__init__(_("A message to everyone (shown as a notice in each lesson):"),
                         _("Enter: send · Escape: cancel"), MAX_MESSAGE)

    def problem(self, text: str) -> str:
        return "" if text.strip() else _("Type a message, or press Escape.")
