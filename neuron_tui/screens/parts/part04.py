"""Part 04 · Why depth wins: one neuron against a small network on AND, OR and XOR.

Two plots side by side: on the left a single neuron (its straight line and the
sides it shades), on the right a network with one hidden layer (its curved
regions). `a`/`o`/`x` choose the data, `+`/`-` change the hidden units (1 to 8)
and retrain, `t` trains both. On XOR the neuron is stuck at 75 % at best; the
network, with two or more hidden units, reaches 100 %.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from neuron_tui.figures.palette import GATE_BANDS
from neuron_tui.figures.regions import GATE_LIMITS, RegionFigure, Shading, plot_grid
from neuron_tui.lesson.part04 import SCHEDULE, UNIVERSAL, DepthLesson
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.screens.animated_run import AnimatedRun, StopReason
from neuron_tui.screens.base import LessonScreen, set_box_text
from neuron_tui.widgets.keybar import KeyHint
from neuron_tui.widgets.plot_view import PlotView


class DepthScreen(LessonScreen):
    """A single neuron and a one-hidden-layer network, trained side by side."""

    GUIDANCE = "Press t to train both; x for XOR, then + and - to change the hidden layer."
    KEY_HINTS: ClassVar[list[KeyHint]] = [
        ("t", "train both"),
        ("a/o/x", "AND/OR/XOR"),
        ("+/-", "hidden units"),
        ("l", "lesson"),
        ("n", "next"),
        ("p", "previous"),
        ("?", "help"),
    ]
    KEY_HELP: ClassVar[list[KeyHint]] = [
        ("a", "data: AND"),
        ("o", "data: OR"),
        ("x", "data: XOR"),
        ("+", "one more hidden unit (up to 8), and retrain"),
        ("-", "one hidden unit fewer (down to 1), and retrain"),
        ("any key", "stops training"),
    ]
    #: Seconds between animation frames: 8 a second is enough to watch both
    #: boundaries form, and each frame redraws two shaded plots (~10 KB over SSH).
    FRAME_SECONDS = 1 / 8
    #: The side-by-side run, made with the screen (the base class allows none).
    animated_run: AnimatedRun

    DEFAULT_CSS = """
    DepthScreen #plots {
        height: 1fr;
    }
    DepthScreen #neuron-box, DepthScreen #network-box {
        width: 1fr;
    }
    DepthScreen #verdict {
        height: 3;
        padding: 0 1;
    }
    DepthScreen #universal {
        height: 2;
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("t", "train", "train both"),
        Binding("a", "dataset('a')", "AND", show=False),
        Binding("o", "dataset('o')", "OR", show=False),
        Binding("x", "dataset('x')", "XOR", show=False),
        Binding("plus,equals_sign", "hidden(1)", "more hidden units", show=False),
        Binding("minus,underscore", "hidden(-1)", "fewer hidden units", show=False),
    ]

    def __init__(self, spec: PageSpec, **options: Any) -> None:
        """The `schedule` option (a FrameSchedule) sets the epochs a frame (tests)."""
        super().__init__(spec, **options)
        self.state = DepthLesson(self.options.get("schedule", SCHEDULE))
        self.animated_run = AnimatedRun(self, self.train_frame, self.training_stopped,
                                        self.FRAME_SECONDS)

    # --------------------------------------------------------------- layout
    def compose_work(self) -> ComposeResult:
        with Horizontal(id="plots"):
            with Vertical(id="neuron-box", classes="box"):
                yield PlotView(id="neuron-plot")
            with Vertical(id="network-box", classes="box"):
                yield PlotView(id="network-plot")
        yield Static(id="verdict")
        yield Static(UNIVERSAL, id="universal", markup=False)

    def on_mount(self) -> None:
        self.update_view()

    def on_resize(self) -> None:
        super().on_resize()
        self.update_view()

    # -------------------------------------------------------------- actions
    def action_dataset(self, key: str) -> None:
        """Switch to AND, OR or XOR; both models start again, untrained."""
        self.animated_run.stop()
        self.state.choose_dataset(key)
        self.update_view()

    def action_hidden(self, change: int) -> None:
        """One hidden unit more or fewer (1 to 8), then retrain both."""
        self.animated_run.stop()
        if self.state.change_hidden(change):
            self.action_train()
        else:
            self.update_view()

    def action_train(self) -> None:
        """Train both models from scratch, animated; any key stops."""
        if self.animated_run.running:
            return
        self.state.start_training()
        self.animated_run.start()
        self.update_view()

    # ------------------------------------------------------------- training
    def train_frame(self) -> bool:
        """Advance both models by one frame's epochs and redraw; True when done."""
        done = self.state.advance()
        self.update_view()
        return done

    def training_stopped(self, reason: StopReason) -> None:
        """A key, leaving the page or new data stopped the run."""
        if reason is not StopReason.FINISHED:  # a finished run's last frame said so
            self.state.stop_training()
            self.update_view()

    def run_to_end(self) -> None:
        """Train both to the end at once, without animation (tests, snapshots)."""
        if not self.animated_run.running:
            self.action_train()
        self.animated_run.run_to_end()

    # ----------------------------------------------------------------- view
    def update_view(self) -> None:
        """Both plots, their titles and the verdict, as the models are now."""
        if not self.is_mounted:
            return
        state = self.state
        for view_id, box_id, predict, title, subtitle in (
            ("#neuron-plot", "#neuron-box", "neuron",
             f"one neuron · {state.dataset_name}",
             f"{state.neuron_accuracy * 100:.0f} % · epoch {state.neuron_epoch}"),
            ("#network-plot", "#network-box", "network",
             f"network · {state.hidden_units} hidden",
             f"{state.network_accuracy * 100:.0f} % · epoch {state.network_epoch}"),
        ):
            view = self.query_one(view_id, PlotView)
            box = self.query_one(box_id)
            set_box_text(box, title=title, subtitle=subtitle)
            grid = plot_grid(GATE_LIMITS, GATE_LIMITS, view.size)
            if predict == "neuron":
                probabilities = state.neuron.probability(grid.cells)
                predictions = state.neuron.predict(state.X)
                segment = state.neuron.line_segment(GATE_LIMITS, GATE_LIMITS)
            else:
                probabilities = state.network.predict_proba_grid(grid.xs, grid.ys)
                predictions = state.network.predict(state.X)
                segment = None
            view.show_figure(RegionFigure(
                state.X, state.y, GATE_LIMITS, GATE_LIMITS, predictions != state.y, segment,
                Shading.of(grid, probabilities, GATE_BANDS)))
        self.query_one("#verdict", Static).update(Content(state.verdict_text()))

