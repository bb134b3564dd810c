"""Part 01 · The atom: one neuron, its three steps, live."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content

from neuron_tui.figures.activation import draw_activation
from neuron_tui.glyphs import glyphs
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.model.activations import ACTIVATIONS, get_activation
from neuron_tui.model.steps import neuron_steps
from neuron_tui.screens.base import LessonScreen, set_box_text
from neuron_tui.widgets.neuron_diagram import NeuronDiagram, steps_text
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.quiet_static import QuietStatic
from neuron_tui.widgets.slider import Slider

#: (id, label glyph attribute, minimum, maximum, start) of each slider.
SLIDERS = (
    ("x1", "x1", -3.0, 3.0, 1.0),
    ("x2", "x2", -3.0, 3.0, -0.5),
    ("w1", "w1", -5.0, 5.0, 0.8),
    ("w2", "w2", -5.0, 5.0, 0.4),
    ("b", None, -5.0, 5.0, 0.0),
)
ACTIVATION_ORDER = tuple(ACTIVATIONS)


class AtomScreen(LessonScreen):
    """Five sliders feed one neuron; the diagram, the steps and the curve follow."""

    GUIDANCE = "Change an input or a weight and follow the number through the three steps."
    KEY_HINTS = [
        ("←/→", "adjust"),
        ("↑/↓", "choose"),
        ("a", "activation"),
        ("l", "lesson"),
        ("n", "next"),
        ("p", "previous"),
        ("?", "help"),
    ]
    KEY_HELP = [
        ("Shift+←/→", "adjust ten steps at a time"),
        ("Home", "reset the chosen slider"),
        ("Enter", "type an exact value"),
        ("Tab", "next slider"),
    ]

    DEFAULT_CSS = """
    AtomScreen #neuron-box {
        height: 9;
    }
    AtomScreen #steps {
        margin-top: 1;
        height: 3;
    }
    AtomScreen #controls {
        height: 1fr;
    }
    AtomScreen #sliders-box {
        width: 1fr;
    }
    AtomScreen #activation-line {
        margin-top: 1;
        height: 2;
    }
    AtomScreen #curve-box {
        width: 36;
    }
    """

    BINDINGS = [Binding("a", "cycle_activation", "activation")]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        super().__init__(spec, **options)
        self.activation = "sigmoid"

    @property
    def inputs(self) -> tuple[float, float, float, float, float]:
        """x₁, x₂, w₁, w₂, b as the sliders show them."""
        x1, x2, w1, w2, b = (self.query_one(f"#{key}", Slider).value for key, *_ in SLIDERS)
        return x1, x2, w1, w2, b

    def compose_work(self) -> ComposeResult:
        chars = glyphs()
        start = tuple(value for *_, value in SLIDERS)
        steps = neuron_steps(*start, activation=self.activation)
        with Vertical(id="neuron-box", classes="box") as box:
            box.border_title = "one neuron"
            yield NeuronDiagram(start, steps, id="diagram")  # type: ignore[arg-type]
            yield QuietStatic(steps_text(start, steps), id="steps")  # type: ignore[arg-type]
        with Horizontal(id="controls"):
            with Vertical(id="sliders-box", classes="box") as sliders:
                sliders.border_title = "inputs and weights"
                for key, glyph, minimum, maximum, value in SLIDERS:
                    label = getattr(chars, glyph) if glyph else "b"
                    yield Slider(label, minimum=minimum, maximum=maximum, step=0.1,
                                 value=value, id=key)
                yield QuietStatic(id="activation-line")
            with Vertical(id="curve-box", classes="box") as curve:
                curve.border_title = "activation"
                yield PlotView(id="curve")

    def on_mount(self) -> None:
        self.query_one("#x1", Slider).focus()
        self.refresh_neuron()

    def on_slider_changed(self, event: Slider.Changed) -> None:
        event.stop()
        self.refresh_neuron()

    def action_cycle_activation(self) -> None:
        """sigmoid → ReLU → tanh → sigmoid."""
        index = ACTIVATION_ORDER.index(self.activation)
        self.activation = ACTIVATION_ORDER[(index + 1) % len(ACTIVATION_ORDER)]
        self.refresh_neuron()

    def refresh_neuron(self) -> None:
        """Recompute the neuron from the sliders and show every number."""
        inputs = self.inputs
        steps = neuron_steps(*inputs, activation=self.activation)
        self.steps = steps
        self.query_one(NeuronDiagram).update_values(inputs, steps)
        self.query_one("#steps", QuietStatic).show(steps_text(inputs, steps))
        activation = get_activation(self.activation)
        self.query_one("#activation-line", QuietStatic).show(
            Content.assemble(
                ("a ", "bold $accent"),
                "activation: ",
                (activation.label, "bold"),
                "\n",
                (activation.formula if glyphs().unicode else "", "$text-muted"),
            )
        )
        set_box_text(self.query_one("#curve-box"), title=f"{activation.label}(z)")
        self.query_one(PlotView).show(
            partial(draw_activation, activation=self.activation, z=steps.z),
            key=(self.activation, round(steps.z, 3)),
        )
