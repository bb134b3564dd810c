"""A key-driven slider: the lesson's one way to turn a number up and down.

Left/Right step, Shift+Left/Right take ten steps, Home resets, Up/Down (or Tab)
move to the neighbouring control. Every change is clamped to the range and
announced with a `Slider.Changed` message; attributes go down, messages go up.
Enter asks the page for an exact value with a `Slider.EntryRequested` message: the
slider shows no dialog itself (dialogs are screens, above widgets).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from neuron_tui.glyphs import glyphs
from neuron_tui.i18n import decimal_mark


@dataclass(frozen=True)
class SliderScale:
    """How a slider maps its track to values: linear steps, or steps in log10."""

    minimum: float
    maximum: float
    step: float
    logarithmic: bool = False

    def clamp(self, value: float) -> float:
        """The nearest value inside the range (NaN falls back to the minimum)."""
        if math.isnan(value):
            return self.minimum
        return min(self.maximum, max(self.minimum, value))

    def stepped(self, value: float, steps: int) -> float:
        """`value` moved by `steps` steps, snapped to the step grid and clamped."""
        if self.logarithmic:
            exponent = math.log10(self.clamp(value))
            exponent = round(exponent / self.step) * self.step + steps * self.step
            return self.clamp(10.0**exponent)
        snapped = round(value / self.step) * self.step + steps * self.step
        # Snap again to kill float noise such as 0.30000000000000004.
        decimals = max(0, -math.floor(math.log10(self.step)) + 1)
        return self.clamp(round(snapped, decimals))

    def fraction(self, value: float) -> float:
        """Where `value` sits along the track, from 0.0 to 1.0."""
        if self.logarithmic:
            low, high = math.log10(self.minimum), math.log10(self.maximum)
            return (math.log10(self.clamp(value)) - low) / (high - low)
        return (self.clamp(value) - self.minimum) / (self.maximum - self.minimum)


class Slider(Widget, can_focus=True):
    """A labelled number on a track, adjusted with the keyboard."""

    DEFAULT_CSS = """
    Slider {
        height: 1;
        width: 1fr;
        min-width: 20;
    }
    Slider:focus {
        background: $boost;
    }
    """

    BINDINGS = [
        Binding("left", "step(-1)", "decrease", show=False),
        Binding("right", "step(1)", "increase", show=False),
        Binding("shift+left", "step(-10)", "decrease ×10", show=False),
        Binding("shift+right", "step(10)", "increase ×10", show=False),
        Binding("home", "reset", "reset", show=False),
        Binding("up", "app.focus_previous", "previous control", show=False),
        Binding("down", "app.focus_next", "next control", show=False),
        Binding("enter", "edit", "type a value", show=False),
    ]

    value: reactive[float] = reactive(0.0)

    class Changed(Message):
        """Posted whenever the slider's value changes (by key, by typing or by code)."""

        def __init__(self, slider: Slider, value: float) -> None:
            super().__init__()
            self.slider = slider
            self.value = value

        @property
        def control(self) -> Slider:
            """The slider that changed."""
            return self.slider

    class EntryRequested(Message):
        """Posted when the learner asks to type an exact value (Enter); the page answers."""

        def __init__(self, slider: Slider) -> None:
            super().__init__()
            self.slider = slider

        @property
        def control(self) -> Slider:
            """The slider to set."""
            return self.slider

    def __init__(
        self,
        label: str,
        *,
        minimum: float,
        maximum: float,
        step: float,
        value: float = 0.0,
        default: float | None = None,
        logarithmic: bool = False,
        value_format: str = "{:5.1f}",
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if not minimum < maximum:
            raise ValueError(f"slider {label!r}: minimum must be below maximum")
        if logarithmic and minimum <= 0:
            raise ValueError(f"slider {label!r}: a log scale needs a positive minimum")
        self.label = label
        self.scale = SliderScale(minimum, maximum, step, logarithmic)
        self.value_format = value_format
        self.default = self.scale.clamp(value if default is None else default)
        self.set_reactive(Slider.value, self.scale.clamp(value))

    def validate_value(self, value: float) -> float:
        """Keep every value, however it arrives, inside the range."""
        return self.scale.clamp(float(value))

    def watch_value(self, old: float, new: float) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))

    def action_step(self, steps: int) -> None:
        """Move the value by whole steps (negative moves down)."""
        self.value = self.scale.stepped(self.value, steps)

    def action_reset(self) -> None:
        """Return to the slider's starting value."""
        self.value = self.default

    def action_edit(self) -> None:
        """Ask the page for an exact value (it shows a dialog and sets `value`)."""
        self.post_message(self.EntryRequested(self))

    def formatted_value(self, value: float | None = None) -> str:
        """The value as the slider prints it, with the language's decimal mark."""
        return decimal_mark(self.value_format.format(self.value if value is None else value))

    def render(self) -> Content:
        chars = glyphs()
        shown = self.formatted_value()
        label_width = max(3, len(self.label) + 1)
        track_width = max(4, self.size.width - label_width - len(shown) - 2)
        knob = round(self.scale.fraction(self.value) * (track_width - 1))
        focused = self.has_focus
        return Content.assemble(
            (self.label.ljust(label_width), "bold" if focused else ""),
            (chars.track * knob, "$accent" if focused else "$foreground 60%"),
            (chars.knob, "bold $accent" if focused else "bold"),
            (chars.track * (track_width - knob - 1), "$foreground 30%"),
            " " + shown + " ",
        )
