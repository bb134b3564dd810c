"""A small dialog to type an exact slider value; bad text is refused, not guessed.

Sliders ask for it with `Slider.EntryRequested`; the page answers with `ask_for_value`.
"""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from neuron_tui.i18n import _, decimal_mark
from neuron_tui.screens.dialogs.once import OnceDialog
from neuron_tui.widgets.slider import Slider
from neuron_tui.widgets.still_input import StillInput

#: Characters the box takes: any sensible number ("-12.5e-3") is far shorter.
MAX_VALUE_CHARACTERS = 24


def limit(value: float) -> str:
    """A slider's end as a learner reads it: "-10", "0.001" ("0,001" in Spanish)."""
    return decimal_mark(f"{value:g}")


def parse_value(text: str, minimum: float, maximum: float) -> tuple[float | None, str]:
    """Read a number typed by a learner: (value, "") or (None, why it was refused).

    A decimal comma is read as a point, whatever the language."""
    cleaned = text.strip().replace("−", "-").replace(",", ".")
    if not cleaned:
        return None, _("Type a number, or press Escape to keep the old value.")
    try:
        value = float(cleaned)
    except ValueError:
        return None, _("{text} is not a number.").format(text=repr(text.strip()))
    if not math.isfinite(value):
        return None, _("Only finite numbers make sense here.")
    if not minimum <= value <= maximum:
        return None, _("Choose a value from {minimum} to {maximum}.").format(
            minimum=limit(minimum), maximum=limit(maximum))
    return value, ""


class ValueEntryScreen(OnceDialog[float | None]):
    """Asks for one number for a slider; dismisses with the number or None."""

    DEFAULT_CSS = """
    ValueEntryScreen {
        align: center middle;
    }
    ValueEntryScreen > Vertical {
        width: 48;
        max-width: 100%;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    ValueEntryScreen Label {
        width: 100%;
    }
    ValueEntryScreen #why {
        color: $text-muted;
        height: auto;
    }
    ValueEntryScreen #why.refused {
        color: $text-error;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "keep the old value")]

    def __init__(self, slider: Slider) -> None:
        super().__init__()
        self.slider = slider

    def compose(self) -> ComposeResult:
        scale = self.slider.scale
        with Vertical():
            yield Label(_("{name}: type a value ({minimum} to {maximum})").format(
                name=self.slider.label, minimum=limit(scale.minimum),
                maximum=limit(scale.maximum)))
            yield StillInput(
                value=self.slider.formatted_value().strip(),
                select_on_focus=True,
                max_length=MAX_VALUE_CHARACTERS,
                id="entry",
            )
            yield Label(_("Enter sets it · Escape keeps the old value"), id="why")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        scale = self.slider.scale
        value, why = parse_value(event.value, scale.minimum, scale.maximum)
        if value is None:
            label = self.query_one("#why", Label)
            label.update(why)
            label.add_class("refused")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_for_value(slider: Slider) -> None:
    """Show the dialog for `slider`: a typed value is set on it, and it keeps the focus."""

    def apply(value: float | None) -> None:
        if value is not None:
            slider.value = value
        slider.focus()

    if slider.screen is not slider.app.screen:
        # Keys written in one burst ("\r\r\r") each ask before the first dialog is
        # up: one dialog is open already, and one is what the learner gets.
        return
    slider.app.push_screen(ValueEntryScreen(slider), apply)
