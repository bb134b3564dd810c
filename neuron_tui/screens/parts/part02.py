"""Part 02 · Build a neuron: tune w₁, w₂ and b by hand, then let gradient descent finish.

The heart of the lesson. Three sliders move the decision line across 40 points;
accuracy, log loss and the wrong points follow on the next frame. `t` runs real
gradient descent from where the learner left the sliders and animates it; any
key stops it. Reaching 90 % by hand (not by `t`) is the part's self-check.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any, ClassVar

import numpy as np
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from neuron_tui.figures.classifier import (
    ClassifierFigure,
    draw_classifier,
    probability_bands,
    shading_grid,
)
from neuron_tui.glyphs import glyphs
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.model.datasets import forty_points
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.training import TrainingStep, gradient_descent
from neuron_tui.screens.base import LessonScreen
from neuron_tui.widgets.metrics import Metrics
from neuron_tui.widgets.plot_view import PlotView
from neuron_tui.widgets.quiet_static import QuietStatic
from neuron_tui.widgets.slider import Slider

SELF_CHECK = "part02-90"
TARGET_ACCURACY = 0.9
PLOT_LIMITS = (-3.0, 3.0)
WEIGHT_RANGE = 10.0


class BuildNeuronScreen(LessonScreen):
    """40 points, three sliders, a live decision line and "train this for me"."""

    GUIDANCE = "Move the sliders until the orange line splits o from x."
    KEY_HINTS = [
        ("←/→", "adjust"),
        ("↑/↓", "choose"),
        ("t", "train for me"),
        ("g", "shading"),
        ("r", "reset"),
        ("l", "lesson"),
        ("n", "next"),
    ]
    KEY_HELP = [
        ("Shift+←/→", "adjust ten steps at a time"),
        ("Home", "reset the chosen slider to 0"),
        ("Enter", "type an exact value"),
        ("any key", "stops training while it runs"),
        ("p", "previous part"),
    ]

    #: Gradient descent settings for `t`: a rate that converges smoothly here.
    LEARNING_RATE: ClassVar[float] = 1.0
    MAX_EPOCHS: ClassVar[int] = 3000
    #: Training stops when an epoch improves the loss by less than this.
    CONVERGED_LOSS_CHANGE: ClassVar[float] = 1e-9
    #: At most 20 frames a second: smooth locally, cheap over SSH.
    FRAME_SECONDS: ClassVar[float] = 1 / 20

    DEFAULT_CSS = """
    BuildNeuronScreen #main {
        layout: horizontal;
        height: 1fr;
    }
    BuildNeuronScreen #plot-box {
        width: 1fr;
        height: 1fr;
        padding: 0;
    }
    BuildNeuronScreen #plot {
        height: 1fr;
    }
    BuildNeuronScreen #legend {
        height: 1;
        padding: 0 1;
    }
    BuildNeuronScreen #side {
        width: 28;
        height: 1fr;
    }
    BuildNeuronScreen #formula {
        height: 2;
    }
    BuildNeuronScreen #metrics {
        margin-top: 1;
    }
    BuildNeuronScreen #self-check {
        margin-top: 1;
        height: 2;
    }
    BuildNeuronScreen #self-check.met {
        color: $text-success;
    }
    """

    BINDINGS = [
        Binding("t", "train", "train for me"),
        Binding("g", "toggle_shading", "shading"),
        Binding("r", "reset", "reset"),
    ]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        super().__init__(spec, **options)
        self.X, self.y = forty_points()
        self.neuron = Neuron()
        self.shading = False
        self.training = False
        self.trained_since_reset = False
        self.self_check_met = False
        self.last_step: TrainingStep | None = None
        self.status = ""
        self._steps: Iterator[TrainingStep] | None = None
        #: Accuracy of the neuron as last shown (computed once per change).
        self.accuracy = 0.0
        self._timer: Timer | None = None
        self._frame = 0

    # ----------------------------------------------------------------- layout
    def compose_work(self) -> ComposeResult:
        chars = glyphs()
        with Vertical(id="main"):
            with Vertical(id="plot-box", classes="box") as plot_box:
                plot_box.border_title = "40 points · find the separator"
                yield PlotView(id="plot")
                yield QuietStatic(id="legend")
            with Vertical(id="side", classes="box") as side:
                side.border_title = "your neuron"
                gap = " " if chars.unicode else ""  # "sigma" is long: keep it on one line
                yield Static(
                    f"y = {chars.sigma}({chars.w1}{chars.x1}{gap}+{gap}{chars.w2}{chars.x2}"
                    f"{gap}+{gap}b)",
                    id="formula",
                    markup=False,
                )
                for key, label in (("w1", chars.w1), ("w2", chars.w2), ("b", "b")):
                    yield Slider(label, minimum=-WEIGHT_RANGE, maximum=WEIGHT_RANGE, step=0.1,
                                 value=0.0, value_format="{:5.2f}", id=key)
                yield Metrics(id="metrics")
                yield QuietStatic(id="self-check")

    def on_mount(self) -> None:
        self.query_one("#w1", Slider).focus()
        self.update_view()

    # ------------------------------------------------------------ the learner
    def on_slider_changed(self, event: Slider.Changed) -> None:
        event.stop()
        self.neuron.set_params(*self.slider_values())
        self.status = ""
        self.update_view()
        self.check_by_hand()

    def slider_values(self) -> tuple[float, float, float]:
        """w₁, w₂, b as the sliders hold them."""
        w1, w2, b = (self.query_one(f"#{key}", Slider).value for key in ("w1", "w2", "b"))
        return w1, w2, b

    def check_by_hand(self) -> None:
        """Meet the self-check when the learner (not `t`) reaches the target accuracy."""
        if self.self_check_met or self.trained_since_reset or self.training:
            return
        if self.accuracy >= TARGET_ACCURACY:
            self.self_check_met = True
            self.lesson_app.progress_meet(SELF_CHECK)
            self.notify("90 % by hand: self-check met.", timeout=3)
            self.update_view()

    def action_toggle_shading(self) -> None:
        """Show or hide the sigmoid probability behind the points."""
        self.shading = not self.shading
        self.update_view()

    def action_reset(self) -> None:
        """Back to w₁ = w₂ = b = 0, ready to try by hand again."""
        self.stop_training("")
        self.trained_since_reset = False
        self.last_step = None
        self.set_sliders(0.0, 0.0, 0.0)
        self.status = ""
        self.update_view()

    def set_sliders(self, w1: float, w2: float, b: float) -> None:
        """Move the sliders without it counting as the learner's move."""
        with self.prevent(Slider.Changed):
            for key, value in (("w1", w1), ("w2", w2), ("b", b)):
                self.query_one(f"#{key}", Slider).value = value
        self.neuron.set_params(*self.slider_values())

    # --------------------------------------------------------------- training
    def action_train(self) -> None:
        """Run gradient descent from the current weights, animated."""
        if self.training:
            return
        self.training = True
        self.trained_since_reset = True
        self._frame = 0
        self._steps = gradient_descent(
            self.neuron, self.X, self.y, self.LEARNING_RATE, self.MAX_EPOCHS
        )
        self.status = "Training… any key stops it."
        self.update_view()
        self._timer = self.set_animation(self.FRAME_SECONDS, self.train_frame)

    def epochs_this_frame(self) -> int:
        """Few epochs per frame at first (the big moves), more as the steps get small."""
        return min(1 + self._frame // 2, 40)

    def train_frame(self) -> None:
        """Advance training by a few epochs and show the result (one frame)."""
        if not self.training or self._steps is None:
            return
        self._frame += 1
        previous_loss = self.last_step.loss if self.last_step else None
        finished = ""
        for _ in range(self.epochs_this_frame()):
            step = next(self._steps, None)
            if step is None:
                finished = f"Stopped after {self.MAX_EPOCHS} epochs."
                break
            change = None if previous_loss is None else previous_loss - step.loss
            self.last_step = step
            previous_loss = step.loss
            if step.diverged:
                finished = "The weights grew too large; training stopped."
                break
            if change is not None and abs(change) < self.CONVERGED_LOSS_CHANGE:
                finished = (f"Converged at epoch {step.epoch}: the loss cannot go lower "
                            f"({step.loss:.3f}).")
                break
        if self.last_step is not None:
            self.set_sliders(*self.last_step.params)
        if finished:
            self.stop_training(finished)
        self.update_view()

    def run_training_to_end(self) -> None:
        """Train to convergence at once, without animation (tests, low bandwidth)."""
        if not self.training:
            self.action_train()
        while self.training:
            self.train_frame()

    def stop_training(self, status: str) -> None:
        """Stop the animation where it is."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.training:
            self.training = False
            self._steps = None
            self.status = status
            self.update_view()

    def on_key(self, event: events.Key) -> None:
        if self.training:
            epoch = self.last_step.epoch if self.last_step else 0
            self.stop_training(f"Stopped at epoch {epoch}. Press t to carry on.")
            event.stop()
            event.prevent_default()

    def on_screen_suspend(self) -> None:
        if self.training:
            epoch = self.last_step.epoch if self.last_step else 0
            self.stop_training(f"Stopped at epoch {epoch} when you left. Press t to carry on.")

    # ------------------------------------------------------------------- view
    def update_view(self) -> None:
        """Show the neuron as it is now: plot, metrics, self-check and guidance."""
        chars = glyphs()
        neuron = self.neuron
        predictions = neuron.predict(self.X)
        wrong = predictions != self.y
        accuracy = self.accuracy = float(np.mean(~wrong))
        loss = neuron.loss(self.X, self.y)
        segment = neuron.line_segment(PLOT_LIMITS, PLOT_LIMITS)
        plot = self.query_one(PlotView)
        grid = None
        bands = None
        if self.shading:
            width, height = plot.size
            grid = shading_grid(max(width, 20), max(height, 8), *PLOT_LIMITS)
            bands = probability_bands(neuron.probability(grid))
        figure = ClassifierFigure(self.X, self.y, wrong, segment, PLOT_LIMITS, bands)
        plot.show(partial(draw_classifier, figure=figure, grid=grid),
                  key=(neuron.params, self.shading, chars.name, plot.size))
        self.query_one("#legend", QuietStatic).show(self._legend(segment is not None))

        epoch = f"{self.last_step.epoch}" if self.last_step else "–"
        self.query_one(Metrics).show_rows([
            ("accuracy", f"{accuracy * 100:5.1f} %", "bold"),
            ("loss", f"{loss:6.3f}", "bold"),
            ("wrong", f"{int(wrong.sum()):3d} {chars.wrong}", "bold $warning"),
            ("epoch", f"{epoch:>5}", "" if self.last_step else "$text-muted"),
        ])
        check = self.query_one("#self-check", QuietStatic)
        mark = chars.check if self.self_check_met else "○" if chars.unicode else "o"
        note = ""
        if not self.self_check_met and self.trained_since_reset:
            note = "\n  (press r, then try)"
        check.show(f"{mark} reach 90 % by hand{note}")
        check.set_class(self.self_check_met, "met")
        self.set_guidance(self.status or self._guidance(accuracy))

    def _guidance(self, accuracy: float) -> str:
        if self.self_check_met and not self.trained_since_reset:
            return "90 % by hand. Press t to let gradient descent find the best line."
        if self.neuron.w1 == 0 and self.neuron.w2 == 0:
            chars = glyphs()
            return f"Move {chars.w1} or {chars.w2} to tilt a line into the plot; b slides it."
        if accuracy < 0.5:
            return "Most points are on the wrong side: flip the signs of the weights."
        return self.GUIDANCE

    def _legend(self, has_line: bool) -> Content:
        chars = glyphs()
        neuron = self.neuron
        if not has_line:
            if neuron.w1 == 0 and neuron.w2 == 0:
                side = "B" if neuron.b >= 0 else "A"
                text = f"No line: z = b for all; all predicted {side}"
            else:
                text = "Line outside the plot: all in one class"
            return Content.assemble((text, "$warning"))
        shading = ""
        if self.shading:
            shading = "  ░·≈:▒ A→B" if chars.unicode else "  -.=:+ A->B"
        return Content.assemble(
            (chars.class_a, "bold #00c8dc"), " A  ",
            (chars.class_b, "bold #ff5a96"), " B  ",
            (chars.wrong, "bold #ffbf00"), " wrong  ",
            (("⠉⠒" if chars.line_marker == "braille" else chars.line_marker * 2), "bold #ff8c00"),
            " line",
            (shading, "$text-muted"),
        )
