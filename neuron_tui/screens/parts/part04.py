"""Part 04 · Why depth wins: one neuron against a small network on AND, OR and XOR.

Two plots side by side: on the left a single neuron (its straight line and the
sides it shades), on the right a network with one hidden layer (its curved
regions). `a`/`o`/`x` choose the data, `+`/`-` change the hidden units (1 to 8)
and retrain, `t` trains both. On XOR the neuron is stuck at 75 % at best; the
network, with two or more hidden units, reaches 100 %.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from neuron_tui.figures.regions import (
    GATE_LIMITS,
    draw_regions,
    region_axes,
    region_figure,
)
from neuron_tui.lesson.registry import PageSpec
from neuron_tui.model.datasets import Dataset, and_gate, or_gate, xor
from neuron_tui.model.mlp import MLP, MLPStep
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.training import TrainingStep, gradient_descent
from neuron_tui.screens.base import LessonScreen, set_box_text
from neuron_tui.widgets.keybar import KeyBar, KeyHint
from neuron_tui.widgets.plot_view import PlotView

#: key → (name, data set).
DATASETS: dict[str, tuple[str, Callable[[], Dataset]]] = {
    "a": ("AND", and_gate),
    "o": ("OR", or_gate),
    "x": ("XOR", xor),
}
#: Hidden units allowed, and where the lesson starts.
MIN_HIDDEN, MAX_HIDDEN, START_HIDDEN = 1, 8, 2
#: Both models train this many epochs at this learning rate.
EPOCHS = 2000
NEURON_RATE = 1.0
NETWORK_RATE = 1.0
#: Every network starts from the same seeded weights.
SEED = 0

UNIVERSAL = ("Universal approximation: one hidden layer with enough units can fit any "
             "continuous function; depth makes that practical.")


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
    RUNNING_HINTS: ClassVar[list[KeyHint]] = [("any key", "stop")]

    #: Seconds between animation frames: 8 a second is enough to watch both
    #: boundaries form, and each frame redraws two shaded plots (~10 KB over SSH).
    FRAME_SECONDS = 1 / 8
    #: Epochs each frame: 2000 epochs take 8 frames, about one second.
    EPOCHS_PER_FRAME = 250

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
        super().__init__(spec, **options)
        self.dataset_key = "a"
        self.hidden_units = START_HIDDEN
        self.running = False
        self._timer: Timer | None = None
        self._neuron_steps: Iterator[TrainingStep] | None = None
        self._network_steps: Iterator[MLPStep] | None = None
        self.status = ""
        self.best_neuron_accuracy = 0.0
        self.reset_models()

    # ---------------------------------------------------------------- state
    @property
    def dataset_name(self) -> str:
        """"AND", "OR" or "XOR"."""
        return DATASETS[self.dataset_key][0]

    def reset_models(self) -> None:
        """Fresh, untrained models on the chosen data."""
        self.X, self.y = DATASETS[self.dataset_key][1]()
        self.neuron = Neuron(0.0, 0.0, 0.0)
        self.network = MLP(self.hidden_units, "tanh", seed=SEED)
        self.neuron_epoch = 0
        self.network_epoch = 0
        self.best_neuron_accuracy = self.neuron.accuracy(self.X, self.y)
        self._neuron_steps = None
        self._network_steps = None
        self.trained = False

    @property
    def neuron_accuracy(self) -> float:
        """The single neuron's accuracy now, 0 to 1."""
        return self.neuron.accuracy(self.X, self.y)

    @property
    def network_accuracy(self) -> float:
        """The network's accuracy now, 0 to 1."""
        return self.network.accuracy(self.X, self.y)

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
        self.stop_training()
        self.dataset_key = key
        self.reset_models()
        self.status = f"{self.dataset_name}: press t to train both."
        self.update_view()

    def action_hidden(self, change: int) -> None:
        """One hidden unit more or fewer (1 to 8), then retrain both."""
        units = min(MAX_HIDDEN, max(MIN_HIDDEN, self.hidden_units + change))
        if units == self.hidden_units:
            self.status = f"The network has {MIN_HIDDEN} to {MAX_HIDDEN} hidden units here."
            self.update_view()
            return
        self.stop_training()
        self.hidden_units = units
        self.reset_models()
        self.action_train()

    def action_train(self) -> None:
        """Train both models from scratch, animated; any key stops."""
        if self.running:
            return
        self.reset_models()
        self._neuron_steps = gradient_descent(self.neuron, self.X, self.y, NEURON_RATE, EPOCHS)
        self._network_steps = self.network.train(self.X, self.y, NETWORK_RATE, EPOCHS)
        self.running = True
        self.trained = True
        self.status = "Training both… any key stops."
        self.query_one(KeyBar).set_hints(self.RUNNING_HINTS)
        self._timer = self.set_animation(self.FRAME_SECONDS, self.train_frame)
        self.update_view()

    # ------------------------------------------------------------- training
    def train_frame(self) -> None:
        """Advance both models by a batch of epochs and redraw."""
        if not self.running:
            return
        done = True
        for _ in range(self.EPOCHS_PER_FRAME):
            neuron_step = next(self._neuron_steps, None) if self._neuron_steps else None
            network_step = next(self._network_steps, None) if self._network_steps else None
            if neuron_step is not None:
                self.neuron_epoch = neuron_step.epoch
                self.best_neuron_accuracy = max(self.best_neuron_accuracy,
                                                neuron_step.accuracy)
                if neuron_step.diverged:
                    self._neuron_steps = None
            if network_step is not None:
                self.network_epoch = network_step.epoch
            done = neuron_step is None and network_step is None
            if done:
                break
        if done or (self.neuron_epoch >= EPOCHS and self.network_epoch >= EPOCHS):
            self.stop_training(f"Trained both for {EPOCHS} epochs.")
        self.update_view()

    def train_to_end(self) -> None:
        """Train both to the end at once, without animation (tests, snapshots)."""
        if not self.running:
            self.action_train()
        while self.running:
            self.train_frame()

    def stop_training(self, status: str | None = None) -> None:
        """Stop the animation where it is."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.running:
            self.running = False
            self._neuron_steps = self._network_steps = None
            self.query_one(KeyBar).set_hints(self.key_hints())
            self.status = status or (
                f"Stopped at epoch {max(self.neuron_epoch, self.network_epoch)}. "
                "Press t to train again.")
            self.update_view()

    def on_key(self, event: events.Key) -> None:
        if self.running:
            self.stop_training()
            event.stop()
            event.prevent_default()

    def on_screen_suspend(self) -> None:
        self.stop_training()

    # ----------------------------------------------------------------- view
    def verdict(self) -> str:
        """One plain sentence on each model, once they have trained."""
        if not self.trained:
            return (f"{self.dataset_name}, untrained. Press t: the neuron draws one straight "
                    "line, the network can bend its boundary.")
        name = self.dataset_name
        neuron_pct = self.neuron_accuracy * 100
        network_pct = self.network_accuracy * 100
        if self.dataset_key == "x":
            neuron = (f"One straight line cannot split XOR: the neuron is stuck at "
                      f"{neuron_pct:.0f} % (75 % at best), unsure everywhere.")
        elif neuron_pct >= 100:
            neuron = f"One straight line is enough for {name}: the neuron gets 100 %."
        else:
            neuron = f"The neuron is at {neuron_pct:.0f} % so far."
        if network_pct >= 100:
            network = (f"The network bends its boundary: 100 % with {self.hidden_units} "
                       "hidden units." if self.hidden_units > 1 else
                       "The network gets 100 % with 1 hidden unit.")
        elif self.hidden_units == 1:
            network = (f"With 1 hidden unit the network is stuck at {network_pct:.0f} %: "
                       "one hidden neuron is still one line. Press +.")
        else:
            network = f"The network is at {network_pct:.0f} % so far."
        return f"{neuron} {network}"

    def update_view(self) -> None:
        """Both plots, their titles and the verdict, as the models are now."""
        if not self.is_mounted:
            return
        for view_id, box_id, predict, title, subtitle in (
            ("#neuron-plot", "#neuron-box", "neuron",
             f"one neuron · {self.dataset_name}",
             f"{self.neuron_accuracy * 100:.0f} % · epoch {self.neuron_epoch}"),
            ("#network-plot", "#network-box", "network",
             f"network · {self.hidden_units} hidden",
             f"{self.network_accuracy * 100:.0f} % · epoch {self.network_epoch}"),
        ):
            view = self.query_one(view_id, PlotView)
            box = self.query_one(box_id)
            set_box_text(box, title=title, subtitle=subtitle)
            width, height = view.size
            xs, ys, grid = region_axes(max(width, 8), max(height, 4))
            if predict == "neuron":
                probabilities = self.neuron.probability(grid)
                predictions = self.neuron.predict(self.X)
                segment = self.neuron.line_segment(GATE_LIMITS, GATE_LIMITS)
                key = ("neuron", self.dataset_key, self.neuron.params)
            else:
                probabilities = self.network.predict_proba_grid(xs, ys)
                predictions = self.network.predict(self.X)
                segment = None
                key = ("network", self.dataset_key, self.hidden_units, self.network_epoch)
            figure = region_figure(self.X, self.y, predictions, probabilities, segment)
            view.show(partial(draw_regions, figure=figure, grid=grid),
                      key=(*key, (width, height), self.trained))
        text = self.verdict()
        if self.status and not self.running:
            text = f"{text}\n{self.status}" if self.trained else text
        elif self.running:
            text = self.status
        self.query_one("#verdict", Static).update(Content(text))

