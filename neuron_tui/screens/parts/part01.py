"""Part 01 · The atom: one neuron, its three steps, live.

The numbers live in `neuron_tui.lesson.part01.AtomState`; this screen shows them.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content

from neuron_tui.figures.activation import draw_activation
from neuron_tui.glyphs import glyphs
from neuron_tui.i18n import N_, _
from neuron_tui.lesson.part01 import GUIDANCE, KNOBS, AtomState, formula_lines
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.screens.base import LessonScreen
from neuron_tui.widgets.box_text import set_box_text
from neuron_tui.widgets.neuron_diagram import NeuronDiagram, steps_text
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.quiet_static import QuietStatic
from neuron_tui.widgets.slider import Slider


class AtomScreen(LessonScreen):
    """Five sliders feed one neuron; the diagram, the steps and the curve follow."""

    GUIDANCE = GUIDANCE
    KEY_HINTS = [
        ("←/→", N_("adjust")),
        ("↑/↓", N_("choose")),
        ("a", N_("activation")),
        ("l", N_("lesson")),
        ("n", N_("next")),
        ("p", N_("previous")),
        ("?", N_("help")),
    ]
    KEY_HELP = [
        ("Shift+←/→", N_("adjust ten steps at a time")),
        ("Home", N_("reset the chosen slider")),
        ("Enter", N_("type an exact value")),
        ("Tab", N_("next slider")),
    ]

    DEFAULT_CSS = """
    AtomScreen #neuron-box {
        height: auto;
    }
    AtomScreen #steps {
        margin-top: 1;
        height: 3;
    }
    AtomScreen.-short #steps {
        margin-top: 0;
    }
    AtomScreen #controls {
        height: 1fr;
    }
    AtomScreen #sliders-box {
        width: 1fr;
    }
    AtomScreen #activation-name {
        margin-top: 1;
        height: 1;
    }
    AtomScreen #activation-formula {
        height: auto;
        color: $text-muted;
    }
    AtomScreen.-short #activation-name {
        display: none;
    }
    AtomScreen #curve-box {
        width: 36;
    }
    AtomScreen.-narrow #curve-box {
        width: 45%;
    }
    """

    BINDINGS = [Binding("a", "cycle_activation", "activation")]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        super().__init__(spec, **options)
        self.state = AtomState()

    def compose_work(self) -> ComposeResult:
        chars = glyphs()
        inputs, steps = self.state.inputs, self.state.steps
        with Vertical(id="neuron-box", classes="box") as box:
            box.border_title = _("one neuron")
            yield NeuronDiagram(inputs, steps, id="diagram")
            yield QuietStatic(steps_text(inputs, steps), id="steps")
        with Horizontal(id="controls"):
            with Vertical(id="sliders-box", classes="box") as sliders:
                sliders.border_title = _("inputs and weights")
                for knob in KNOBS:
                    label = getattr(chars, knob.glyph) if knob.glyph else knob.key
                    yield Slider(label, minimum=knob.minimum, maximum=knob.maximum, step=0.1,
                                 value=self.state.values[knob.key], default=knob.start,
                                 id=knob.key)
                # Below 24 rows the curve's title names the activation; the formula stays.
                yield QuietStatic(id="activation-name")
                yield QuietStatic(id="activation-formula", markup=False)
            with Vertical(id="curve-box", classes="box") as curve:
                curve.border_title = _("activation")
                yield PlotView(id="curve")

    def on_mount(self) -> None:
        # A slider's move is shown from a watcher, in the slider's own key handler, so
        # the slider and everything it moves are painted in one frame, not two (see
        # Part 02's page: each frame costs CPU whatever it shows).
        for slider in self.query(Slider):
            self.watch(slider, "value", partial(self.slider_moved, slider), init=False)
        self.query_one("#x1", Slider).focus()
        self.refresh_neuron()

    def on_resize(self) -> None:
        # The steps are written shorter when narrow: once laid out, at the new width.
        self.call_after_refresh(self.refresh_neuron)

    def slider_moved(self, slider: Slider, value: float) -> None:
        """A slider moved to `value`: the neuron follows."""
        self.state.set_value(slider.id or "", value)
        self.refresh_neuron()

    def on_slider_changed(self, event: Slider.Changed) -> None:
        event.stop()  # already shown by `slider_moved`

    def action_cycle_activation(self) -> None:
        """sigmoid → ReLU → tanh → sigmoid."""
        self.state.cycle_activation()
        self.refresh_neuron()

    def refresh_neuron(self) -> None:
        """Show every number of the neuron as the state holds it."""
        inputs, steps = self.state.inputs, self.state.steps
        self.query_one(NeuronDiagram).update_values(inputs, steps)
        steps_line = self.query_one("#steps", QuietStatic)
        steps_line.show(steps_text(inputs, steps, steps_line.content_region.width))
        activation = self.state.activation_info
        self.query_one("#activation-name", QuietStatic).show(Content.assemble(
            ("a ", "bold $accent"), _("activation: "), (_(activation.label), "bold")))
        formula = self.query_one("#activation-formula", QuietStatic)
        formula.show(formula_lines(activation.formula, formula.content_region.width)
                     if glyphs().unicode else "")
        set_box_text(self.query_one("#curve-box"), title=f"{_(activation.label)}(z)")
        self.query_one(PlotView).show(
            partial(draw_activation, activation=activation.name, z=steps.z),
            key=(activation.name, round(steps.z, 3)),
        )
