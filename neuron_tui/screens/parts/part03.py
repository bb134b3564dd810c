"""Part 03 · Gradient descent: roll downhill on the loss bowl, one epoch at a time.

The map on the left is the bowl: the log loss of the 40 points over (w₁, w₂), with
b held at its current value, and the path taken on it. On the right, the loss after
each epoch, the learning-rate slider (log scale) and the numbers. The lesson itself
(runs, presets, what to watch) is `neuron_tui.lesson.part03`; this screen shows it.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from neuron_tui.figures.bowl import BowlMap
from neuron_tui.figures.losscurve import draw_loss_curve
from neuron_tui.glyphs import glyphs
from neuron_tui.lesson.part03 import GLOSSARY, RATE_MAX, RATE_MIN, RATE_STEP, GradientDescentLesson
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.screens.animated_run import DEFAULT_FRAME_SECONDS, AnimatedRun, StopReason
from neuron_tui.screens.base import LessonScreen, set_box_text
from neuron_tui.widgets.keybar import KeyHint
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.slider import Slider


class GradientDescentScreen(LessonScreen):
    """The loss bowl, the path of gradient descent on it and the loss curve."""

    GUIDANCE = "Press space for one epoch, t to run; try the presets s, d and f."
    KEY_HINTS: ClassVar[list[KeyHint]] = [
        ("space", "epoch"), ("t", "run"), ("r", "reset"), ("s/d/f", "small/good/big"),
        ("←/→", "rate"), ("g", "words"), ("l", "lesson"),
    ]
    KEY_HELP: ClassVar[list[KeyHint]] = [
        ("s", "preset: learning rate too small (crawls)"),
        ("d", "preset: a good learning rate (reaches the bottom)"),
        ("f", "preset: learning rate too big (overshoots)"),
        ("Shift+←/→", "change the learning rate ten times faster"),
        ("Enter", "type an exact learning rate"),
        ("g", "show or hide the glossary: learning rate, epoch, local minimum"),
        ("any key", "stops a run"),
        ("n", "next part"),
        ("p", "previous part"),
    ]

    DEFAULT_CSS = """
    GradientDescentScreen #gd-main { height: 1fr; }
    GradientDescentScreen #bowl-box { width: 1fr; }
    GradientDescentScreen #bowl-legend { height: 1; }
    GradientDescentScreen #gd-side { width: 34; }
    GradientDescentScreen #curve-box { height: 1fr; }
    GradientDescentScreen #glossary { display: none; height: 1fr; }
    GradientDescentScreen.glossary #glossary { display: block; }
    GradientDescentScreen.glossary #curve { display: none; }
    GradientDescentScreen #readout { height: 3; padding: 0 1; }
    GradientDescentScreen #status { height: 2; padding: 0 1; }
    """

    BINDINGS = [
        Binding("space", "epoch", "one epoch"),
        Binding("t", "toggle_run", "run or pause"),
        Binding("r", "reset", "reset"),
        Binding("s", "preset('s')", "too small", show=False),
        Binding("d", "preset('d')", "good", show=False),
        Binding("f", "preset('f')", "too big", show=False),
        Binding("g", "toggle_glossary", "glossary"),
    ]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        """Options: `frame_seconds`, the time between frames of a run (1/20 s)."""
        super().__init__(spec, **options)
        #: The part's numbers, run and status: this screen only shows them.
        self.state = GradientDescentLesson(eta=glyphs().eta)
        self.descent_run = AnimatedRun(
            self, self.run_frame, self.run_stopped,
            self.options.get("frame_seconds", DEFAULT_FRAME_SECONDS))
        self.animated_run = self.descent_run  # the base stops it on any key or on leaving
        self.bowl_map = BowlMap(self.state.X, self.state.y)

    # ---------------------------------------------------------------- layout
    def compose_work(self) -> ComposeResult:
        chars = glyphs()
        with Horizontal(id="gd-main"):
            with Vertical(id="bowl-box", classes="box") as bowl:
                bowl.border_title = f"the bowl: loss over ({chars.w1}, {chars.w2})"
                yield PlotView(id="bowl")
                yield Static(id="bowl-legend")
            with Vertical(id="gd-side"):
                with Vertical(id="curve-box", classes="box") as curve:
                    curve.border_title = "loss per epoch"
                    yield PlotView(id="curve")
                    yield Static(GLOSSARY, id="glossary", markup=False)
                yield Slider(chars.eta, minimum=RATE_MIN, maximum=RATE_MAX, step=RATE_STEP,
                             value=self.state.learning_rate, logarithmic=True,
                             value_format="{:6.3f}", id="rate")
                yield Static(id="readout")
        yield Static(id="status")

    def on_mount(self) -> None:
        self.query_one("#rate", Slider).focus()
        self.update_view()

    def on_resize(self) -> None:
        super().on_resize()
        self.update_view()

    # --------------------------------------------------------------- actions
    def set_learning_rate(self, rate: float) -> None:
        """Use `rate` from the next epoch on, without the slider's clamp.

        The slider stops at 10, where this bowl still settles; tests and teachers use
        this to show what a far larger rate does (the weights blow up).
        """
        self.descent_run.stop()
        self.state.set_learning_rate(rate)
        self.show_rate()
        self.update_view()

    def on_slider_changed(self, event: Slider.Changed) -> None:
        event.stop()
        self.state.set_learning_rate(event.value)
        self.update_view()

    def action_epoch(self) -> None:
        """Take exactly one epoch of gradient descent."""
        self.state.step()
        self.update_view()

    def action_toggle_run(self) -> None:
        """Run epochs on a timer until the bottom; any key pauses, and t runs on."""
        if self.state.start_running():
            self.descent_run.start()
        self.update_view()

    def action_reset(self) -> None:
        """Back to the start point; the learning rate stays as it is."""
        self.descent_run.stop()
        self.state.reset()
        self.update_view()

    def action_preset(self, key: str) -> None:
        """Set a preset learning rate and start again from the start point."""
        self.descent_run.stop()
        self.state.choose_preset(key)
        self.show_rate()
        self.update_view()

    def action_toggle_glossary(self) -> None:
        """Swap the loss curve for the three words of this part, and back."""
        self.toggle_class("glossary")

    def show_rate(self) -> None:
        """Set the slider to the state's learning rate, without it sending the rate back."""
        with self.prevent(Slider.Changed):
            self.query_one("#rate", Slider).value = self.state.learning_rate

    # --------------------------------------------------------------- the run
    def run_frame(self) -> bool:
        """One animation frame: a few epochs, then redraw; True when the run has ended."""
        finished = self.state.run_frame()
        self.update_view()
        return finished

    def run_stopped(self, reason: StopReason) -> None:
        """A key, leaving the page or a new start paused the run (the end says itself)."""
        if reason is not StopReason.FINISHED:
            self.state.pause()
        self.update_view()

    def run_to_end(self) -> None:
        """Run without animation until training stops by itself (tests, snapshots)."""
        if self.state.start_running():
            self.descent_run.run_to_end()
        self.update_view()

    # ------------------------------------------------------------------ view
    def update_view(self) -> None:
        """Show the state as it is now: map, curve, numbers and status."""
        if not self.is_mounted:
            return
        chars = glyphs()
        bowl = self.query_one("#bowl", PlotView)
        width, height = bowl.size
        figure = self.bowl_map.figure(self.state.last.b, max(width, 8), max(height, 4),
                                      self.state.path)
        bowl.show_figure(figure)
        set_box_text(self.query_one("#bowl-box"), subtitle=f"b held at {self.bowl_map.b:.2f}")
        losses = self.state.losses
        curve = self.query_one("#curve", PlotView)
        curve.show(partial(draw_loss_curve, losses=losses),
                   key=("curve", len(losses), losses[-1], chars.name, curve.size))
        self.query_one("#bowl-legend", Static).update(figure.legend())
        last = self.state.last
        self.query_one("#readout", Static).update(Content.assemble(
            ("epoch ", "$text-muted"), (f"{last.epoch:<5d}", "bold"),
            ("  loss ", "$text-muted"), (f"{last.loss:.3f}", "bold"), "\n",
            (f"{chars.w1} ", "$text-muted"), f"{last.w1:5.2f}  ",
            (f"{chars.w2} ", "$text-muted"), f"{last.w2:5.2f}  ",
            ("b ", "$text-muted"), f"{last.b:5.2f}", "\n",
            ("accuracy ", "$text-muted"), f"{last.accuracy * 100:.1f} %",
        ))
        style = "bold $error" if self.state.diverged else ""
        self.query_one("#status", Static).update(Content.assemble((self.state.status, style)))
