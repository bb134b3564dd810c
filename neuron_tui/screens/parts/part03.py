"""Part 03 · Gradient descent: roll downhill on the loss bowl, one epoch at a time.

The map on the left is the bowl: the log loss of the 40 points over (w₁, w₂), with
b held at its current value, shaded in bands; the path gradient descent has taken
is drawn on it. On the right, the loss after each epoch, the learning-rate slider
(log scale, 0.001 to 10) and the numbers. `space` takes one epoch, `t` runs and
pauses, `r` resets, and `s`/`d`/`f` choose a learning rate that is too small, good
or too big. A run whose weights stop being finite is stopped and explained, never
plotted.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import partial
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from neuron_tui.figures.bowl import BowlFigure, band_legend, bowl_axes, draw_bowl
from neuron_tui.figures.losscurve import draw_loss_curve
from neuron_tui.glyphs import glyphs
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.model.datasets import forty_points
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.training import TrainingStep, gradient_descent, loss_surface
from neuron_tui.screens.base import LessonScreen, set_box_text
from neuron_tui.widgets.keybar import KeyBar, KeyHint
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.slider import Slider

#: Where every run starts: high on the side of the bowl, far from the bottom.
START = (-4.0, 4.0, 0.0)
#: The part of (w₁, w₂) the map shows.
MAP_LIMITS = ((-6.0, 10.0), (-6.0, 10.0))
#: The learning-rate slider: log scale, 0.001 to 10, 1/10 of a decade a step.
RATE_MIN, RATE_MAX, RATE_STEP = 0.001, 10.0, 0.1


class Preset:
    """A named learning rate and the one thing to watch when it runs."""

    def __init__(self, key: str, name: str, rate: float, watch: str) -> None:
        self.key, self.name, self.rate, self.watch = key, name, rate, watch


PRESETS: dict[str, Preset] = {
    "s": Preset("s", "too small", 0.01,
                "Too small: each step is tiny, so the path crawls and the loss barely falls."),
    "d": Preset("d", "good", 1.0,
                "Good: the path curves down the bowl and the loss settles at its bottom."),
    "f": Preset("f", "too big", 10.0,
                "Too big: the first step leaps right past the bottom to the far wall, "
                "then the path zig-zags back."),
}
DEFAULT_RATE = PRESETS["d"].rate

#: Training stops by itself when the loss changes less than this in one epoch.
CONVERGED_LOSS_CHANGE = 1e-6
#: ... or after this many epochs.
MAX_EPOCHS = 5000
#: Recompute the bowl when b has moved by more than this since the last map. Each
#: recompute repaints the whole shaded map (~8 KB over SSH); early epochs move b by
#: ~0.1, and the bowl's shape barely changes within a quarter unit of b.
B_TOLERANCE = 0.25

GLOSSARY = (
    "Learning rate (η): the size of each step downhill. Too small crawls; too big "
    "overshoots and oscillates, or blows up.\n\n"
    "Epoch: one full pass over all the training data; here one step.\n\n"
    "Local minimum: a ditch that is not the deepest spot. This bowl has one bottom; "
    "big networks have many ditches, and that is mostly fine."
)


class GradientDescentScreen(LessonScreen):
    """The loss bowl, the path of gradient descent on it and the loss curve."""

    GUIDANCE = "Press space for one epoch, t to run; try the presets s, d and f."
    KEY_HINTS: ClassVar[list[KeyHint]] = [
        ("space", "epoch"),
        ("t", "run"),
        ("r", "reset"),
        ("s/d/f", "small/good/big"),
        ("←/→", "rate"),
        ("g", "words"),
        ("l", "lesson"),
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
    RUNNING_HINTS: ClassVar[list[KeyHint]] = [("any key", "stop")]

    #: Seconds between animation frames (at most 20 frames a second).
    FRAME_SECONDS = 1 / 20

    DEFAULT_CSS = """
    GradientDescentScreen #gd-main {
        height: 1fr;
    }
    GradientDescentScreen #bowl-box {
        width: 1fr;
    }
    GradientDescentScreen #bowl-legend {
        height: 1;
    }
    GradientDescentScreen #gd-side {
        width: 34;
    }
    GradientDescentScreen #curve-box {
        height: 1fr;
    }
    GradientDescentScreen #glossary {
        display: none;
        height: 1fr;
    }
    GradientDescentScreen.glossary #glossary {
        display: block;
    }
    GradientDescentScreen.glossary #curve {
        display: none;
    }
    GradientDescentScreen #readout {
        height: 3;
        padding: 0 1;
    }
    GradientDescentScreen #status {
        height: 2;
        padding: 0 1;
    }
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
        super().__init__(spec, **options)
        self.X, self.y = forty_points()
        self.neuron = Neuron(*START)
        self.learning_rate = DEFAULT_RATE
        self.history: list[TrainingStep] = [TrainingStep.of(self.neuron, self.X, self.y)]
        self.diverged = False
        self.converged = False
        self.running = False
        self.status = PRESETS["d"].watch
        self._steps: Iterator[TrainingStep] | None = None
        self._timer: Timer | None = None
        self._frame = 0
        self._surface_key: tuple[float, int, int] | None = None
        self._surface: BowlFigure | None = None

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
                             value=DEFAULT_RATE, logarithmic=True, value_format="{:6.3f}",
                             id="rate")
                yield Static(id="readout")
        yield Static(id="status")

    def on_mount(self) -> None:
        self.query_one("#rate", Slider).focus()
        self.update_view()

    def on_resize(self) -> None:
        super().on_resize()
        self.update_view()

    # ----------------------------------------------------------- the numbers
    @property
    def last(self) -> TrainingStep:
        """The state shown now (epoch 0 before any training)."""
        return self.history[-1]

    @property
    def path(self) -> tuple[tuple[float, float], ...]:
        """Every (w₁, w₂) visited so far, start first."""
        return tuple((step.w1, step.w2) for step in self.history)

    def set_learning_rate(self, rate: float) -> None:
        """Use `rate` from the next epoch on, without the slider's clamp.

        The slider stops at 10, where this bowl still settles; tests and teachers use
        this to show what a far larger rate does (the weights blow up).
        """
        self.stop_running()
        self.learning_rate = float(rate)
        slider = self.query_one("#rate", Slider)
        with self.prevent(Slider.Changed):
            slider.value = rate
        self._steps = None
        self.update_view()

    def on_slider_changed(self, event: Slider.Changed) -> None:
        event.stop()
        self.learning_rate = event.value
        self._steps = None  # the next epoch starts a new run at the new rate
        self.status = self.watch_message()
        self.update_view()

    # --------------------------------------------------------------- actions
    def action_epoch(self) -> None:
        """Take exactly one epoch of gradient descent."""
        if self.running:
            return
        if self.blocked():
            self.update_view()
            return
        self.advance(1)
        self.update_view()

    def action_toggle_run(self) -> None:
        """Run epochs on a timer until the bottom, a key, or `t` again."""
        if self.running:
            self.stop_running(self.paused_message())
            return
        if self.blocked():
            self.update_view()
            return
        self.running = True
        self._frame = 0
        self.status = "Running… any key pauses."
        self.query_one(KeyBar).set_hints(self.RUNNING_HINTS)
        self._timer = self.set_animation(self.FRAME_SECONDS, self.run_frame)
        self.update_view()

    def action_reset(self) -> None:
        """Back to the start point; the learning rate stays as it is."""
        self.stop_running()
        self.neuron.set_params(*START)
        self.history = [TrainingStep.of(self.neuron, self.X, self.y)]
        self._steps = None
        self.diverged = self.converged = False
        self.status = "Back at the start, high on the side of the bowl."
        self.update_view()

    def action_preset(self, key: str) -> None:
        """Set a preset learning rate and start again from the start point."""
        preset = PRESETS[key]
        self.action_reset()
        with self.prevent(Slider.Changed):
            self.query_one("#rate", Slider).value = preset.rate
        self.learning_rate = preset.rate
        self.status = f"{preset.watch} Press t to run."
        self.update_view()

    def action_toggle_glossary(self) -> None:
        """Swap the loss curve for the three words of this part, and back."""
        self.toggle_class("glossary")

    # -------------------------------------------------------------- training
    def blocked(self) -> bool:
        """Whether training cannot go on (diverged or at the bottom); sets the status."""
        if self.diverged:
            self.status = "This run blew up. Press r to start again, with a smaller rate."
            return True
        if self.converged:
            self.status = "Already at the bottom. Press r to roll down again."
            return True
        return False

    def advance(self, epochs: int) -> bool:
        """Take up to `epochs` epochs; return True when the run has to stop."""
        if self._steps is None:
            self._steps = gradient_descent(self.neuron, self.X, self.y, self.learning_rate,
                                           MAX_EPOCHS)
        for _ in range(epochs):
            before = self.last
            step = next(self._steps, None)
            if step is None:
                self._steps = None
                self.status = f"Stopped after {MAX_EPOCHS} more epochs."
                return True
            step = TrainingStep(before.epoch + 1, step.w1, step.w2, step.b, step.loss,
                                step.accuracy, step.diverged)
            if step.diverged or not math.isfinite(step.loss):
                self.diverge(before)
                return True
            self.history.append(step)
            if abs(before.loss - step.loss) < CONVERGED_LOSS_CHANGE:
                self.converged = True
                self.status = (f"At the bottom after {step.epoch} epochs: loss "
                               f"{step.loss:.3f} cannot go lower. r starts again.")
                return True
        self.status = self.watch_message()
        return False

    def diverge(self, last: TrainingStep) -> None:
        """Stop the run that blew up and say what happened."""
        self.diverged = True
        self._steps = None
        self.neuron.set_params(*last.params)
        self.status = (f"Diverged at epoch {last.epoch + 1}: learning rate "
                       f"{self.learning_rate:.3g} is far too large. Each step overshot so "
                       "far the weights became infinite. Press r.")

    def watch_message(self) -> str:
        """What to watch now, from the preset that matches the learning rate."""
        for preset in PRESETS.values():
            if math.isclose(self.learning_rate, preset.rate, rel_tol=1e-3):
                return preset.watch
        return (f"Learning rate {glyphs().eta} = {self.learning_rate:.3g}: watch the path "
                "and the loss curve.")

    def epochs_this_frame(self) -> int:
        """One epoch a frame at first, so the big early moves show; then more."""
        return min(1 + self._frame // 10, 10)

    def run_frame(self) -> None:
        """One animation frame: a few epochs, then redraw."""
        if not self.running:
            return
        self._frame += 1
        if self.advance(self.epochs_this_frame()):
            self.stop_running()
        self.update_view()

    def run_to_end(self, max_frames: int = 10_000) -> None:
        """Run without animation until training stops by itself (tests, snapshots)."""
        if not self.running and not self.blocked():
            self.action_toggle_run()
        frames = 0
        while self.running and frames < max_frames:
            self.run_frame()
            frames += 1
        self.stop_running()

    def paused_message(self) -> str:
        """The status after a pause."""
        return f"Paused at epoch {self.last.epoch}. t runs on, space steps."

    def stop_running(self, status: str | None = None) -> None:
        """Stop the animation where it is."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.running:
            self.running = False
            self.query_one(KeyBar).set_hints(self.key_hints())
        if status is not None:
            self.status = status
            self.update_view()

    def on_key(self, event: events.Key) -> None:
        if self.running:
            self.stop_running(self.paused_message())
            event.stop()
            event.prevent_default()

    def on_screen_suspend(self) -> None:
        if self.running:
            self.stop_running(self.paused_message())

    # ------------------------------------------------------------------ view
    def bowl_figure(self, columns: int, rows: int) -> BowlFigure:
        """The map at the current b; the surface is recomputed only when b or size moves."""
        b = self.last.b
        cached = self._surface_key
        if (cached is None or cached[1:] != (columns, rows)
                or abs(cached[0] - b) > B_TOLERANCE):
            w1s, w2s = bowl_axes(columns, rows, MAP_LIMITS)
            surface = loss_surface(self.X, self.y, b, w1s, w2s)
            self._surface_key = (b, columns, rows)
            self._surface = BowlFigure(w1s, w2s, surface, (), MAP_LIMITS)
        assert self._surface is not None
        base = self._surface
        return BowlFigure(base.w1_values, base.w2_values, base.surface, self.path, MAP_LIMITS)

    def update_view(self) -> None:
        """Show the state as it is now: map, curve, numbers and status."""
        if not self.is_mounted:
            return
        chars = glyphs()
        bowl = self.query_one("#bowl", PlotView)
        width, height = bowl.size
        figure = self.bowl_figure(max(width, 8), max(height, 4))
        surface_b = self._surface_key[0] if self._surface_key else 0.0
        bowl.show(partial(draw_bowl, figure=figure),
                  key=("bowl", len(self.history), self.last.params, surface_b, chars.name,
                       (width, height)))
        set_box_text(self.query_one("#bowl-box"), subtitle=f"b held at {surface_b:.2f}")
        losses = tuple(step.loss for step in self.history)
        curve = self.query_one("#curve", PlotView)
        curve.show(partial(draw_loss_curve, losses=losses),
                   key=("curve", len(losses), losses[-1], chars.name, curve.size))
        self.query_one("#bowl-legend", Static).update(self.legend())
        last = self.last
        self.query_one("#readout", Static).update(Content.assemble(
            ("epoch ", "$text-muted"), (f"{last.epoch:<5d}", "bold"),
            ("  loss ", "$text-muted"), (f"{last.loss:.3f}", "bold"), "\n",
            (f"{chars.w1} ", "$text-muted"), f"{last.w1:5.2f}  ",
            (f"{chars.w2} ", "$text-muted"), f"{last.w2:5.2f}  ",
            ("b ", "$text-muted"), f"{last.b:5.2f}", "\n",
            ("accuracy ", "$text-muted"), f"{last.accuracy * 100:.1f} %",
        ))
        style = "bold $error" if self.diverged else ""
        self.query_one("#status", Static).update(Content.assemble((self.status, style)))

    def legend(self) -> Content:
        """What the map's characters mean: loss bands, the start, the path, now."""
        chars = glyphs()
        parts: list[str | tuple[str, str]] = []
        for glyph, label, colour in band_legend()[1:]:
            parts += [(glyph, f"rgb{colour}".replace(" ", "")), f"{label} "]
        parts += [(chars.class_a, "bold"), " start ", (chars.dot, "bold $warning"), " now"]
        return Content.assemble(*parts)

