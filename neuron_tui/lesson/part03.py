"""Part 03 · Gradient descent, as plain Python: the run down the bowl and what it says.

The learner starts high on the side of the loss bowl of the 40 points and rolls
down it one epoch at a time (space), or on a timer (t), at a learning rate they
choose on a log-scale slider or with a preset (s, d, f). This object owns the
neuron, the learning rate, every step taken so far, the training run in progress
and the line of status under the figures; the screen only shows it. A run at a
rate so large that the weights would overflow stops, is explained, and keeps only
finite steps.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from neuron_tui.model.datasets import forty_points
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import FrameSchedule, RunEnd, TrainingRun
from neuron_tui.model.training import TrainingStep, gradient_descent
from neuron_tui.model.validation import check_learning_rate

#: Where every run starts: high on the side of the bowl, far from the bottom.
START = (-4.0, 4.0, 0.0)
#: The learning-rate slider: log scale, 0.001 to 10, 1/10 of a decade a step.
RATE_MIN, RATE_MAX, RATE_STEP = 0.001, 10.0, 0.1
#: A run stops by itself after this many epochs, if the loss has not settled before.
MAX_EPOCHS = 5000
#: One epoch a frame at first, so the big early moves show one by one; then one more
#: every ten frames, up to ten. Frames are counted from 1 (as they always were here).
FRAME_SCHEDULE = FrameSchedule(first=1, grow_every=10, most=10)


@dataclass(frozen=True)
class Preset:
    """A named learning rate and the one thing to watch when it runs."""

    key: str
    name: str
    rate: float
    watch: str


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

GLOSSARY = (
    "Learning rate (η): the size of each step downhill. Too small crawls; too big "
    "overshoots and oscillates, or blows up.\n\n"
    "Epoch: one full pass over all the training data; here one step.\n\n"
    "Local minimum: a ditch that is not the deepest spot. This bowl has one bottom; "
    "big networks have many ditches, and that is mostly fine."
)

RUNNING = "Running… any key pauses."
BACK_AT_START = "Back at the start, high on the side of the bowl."
BLEW_UP = "This run blew up. Press r to start again, with a smaller rate."
AT_BOTTOM_ALREADY = "Already at the bottom. Press r to roll down again."


class GradientDescentLesson:
    """Part 03's state: the neuron on its way down the bowl, and what to say about it.

    `history` holds every step since the start, epoch 0 first; only finite steps
    are ever kept. A training run (`TrainingRun`) is kept across single epochs and
    pauses, and a new one starts when the learning rate changes. Once a run reaches
    the bottom or blows up, training is blocked until `reset`.

    Args:
        eta: how the learning rate is named in status text ("η", or "lr" in ASCII).
    """

    def __init__(self, eta: str = "η") -> None:
        self.eta = eta
        self.X, self.y = forty_points()
        self.neuron = Neuron(*START)
        self.learning_rate = DEFAULT_RATE
        self.history: list[TrainingStep] = [TrainingStep.of(self.neuron, self.X, self.y)]
        #: How the last run ended, when that blocks training (bottom reached, blew up).
        self.end: RunEnd | None = None
        #: The line under the figures: what to watch, or what just happened.
        self.status = PRESETS["d"].watch
        self.run: TrainingRun[TrainingStep] | None = None
        #: Frames drawn since the animated run was last started or resumed.
        self.frame = 0

    # ----------------------------------------------------------- the numbers
    @property
    def last(self) -> TrainingStep:
        """The state shown now (epoch 0 before any training)."""
        return self.history[-1]

    @property
    def path(self) -> tuple[tuple[float, float], ...]:
        """Every (w₁, w₂) visited so far, start first."""
        return tuple((step.w1, step.w2) for step in self.history)

    @property
    def losses(self) -> tuple[float, ...]:
        """The loss after each epoch, epoch 0 first."""
        return tuple(step.loss for step in self.history)

    @property
    def converged(self) -> bool:
        """Whether the last run settled at the bottom of the bowl."""
        return self.end is RunEnd.CONVERGED

    @property
    def diverged(self) -> bool:
        """Whether the last run blew up (its weights would have become infinite)."""
        return self.end is RunEnd.DIVERGED

    # --------------------------------------------------------- the learner's
    def set_learning_rate(self, rate: float) -> None:
        """Use `rate` from the next epoch on, and say what to watch at it.

        Not clamped to the slider's range: a teacher (or a test) may show what a far
        larger rate does. ValueError for a rate that is not finite and above 0.
        """
        self.learning_rate = check_learning_rate(rate)
        self.run = None  # the next epoch starts a new run at the new rate
        self.status = self.watch_message()

    def choose_preset(self, key: str) -> Preset:
        """Back to the start at preset `key`'s learning rate (KeyError if there is none)."""
        preset = PRESETS[key]
        self.reset()
        self.learning_rate = preset.rate
        self.status = f"{preset.watch} Press t to run."
        return preset

    def reset(self) -> None:
        """Back to the start point; the learning rate stays as it is."""
        self.neuron.set_params(*START)
        self.history = [TrainingStep.of(self.neuron, self.X, self.y)]
        self.run = None
        self.end = None
        self.status = BACK_AT_START

    def step(self) -> None:
        """Take exactly one epoch, unless training is blocked (then say why)."""
        if not self.blocked():
            self.advance(1)

    def start_running(self) -> bool:
        """Begin (or resume) the animated run; False, with the reason, when blocked."""
        if self.blocked():
            return False
        self.frame = 0
        self.status = RUNNING
        return True

    def run_frame(self) -> bool:
        """One frame of the animated run; True when the run has ended by itself."""
        self.frame += 1
        return self.advance(FRAME_SCHEDULE.epochs(self.frame))

    def pause(self) -> None:
        """The run was stopped by the learner (a key, or leaving the page)."""
        self.status = f"Paused at epoch {self.last.epoch}. t runs on, space steps."

    # -------------------------------------------------------------- training
    def blocked(self) -> bool:
        """Whether training cannot go on (blew up, or at the bottom); sets the status."""
        if self.diverged:
            self.status = BLEW_UP
            return True
        if self.converged:
            self.status = AT_BOTTOM_ALREADY
            return True
        return False

    def advance(self, epochs: int) -> bool:
        """Take up to `epochs` epochs; True when the run has ended (and why is said)."""
        if self.run is None:
            steps = gradient_descent(self.neuron, self.X, self.y, self.learning_rate,
                                     MAX_EPOCHS)
            self.run = TrainingRun(steps, FRAME_SCHEDULE, start_loss=self.last.loss)
        for step in self.run.advance(epochs):
            if step.diverged or not math.isfinite(step.loss):
                break  # never kept: the weights would not be finite
            # Each run numbers its epochs from 1; the learner counts from the start.
            self.history.append(dataclasses.replace(step, epoch=self.last.epoch + 1))
        end = self.run.end
        if end is None:
            self.status = self.watch_message()
            return False
        self.run = None
        if end is RunEnd.DIVERGED:
            self.end = end
            self.neuron.set_params(*self.last.params)
            self.status = (f"Diverged at epoch {self.last.epoch + 1}: learning rate "
                           f"{self.learning_rate:.3g} is far too large. Each step overshot "
                           "so far the weights became infinite. Press r.")
        elif end is RunEnd.CONVERGED:
            self.end = end
            self.status = (f"At the bottom after {self.last.epoch} epochs: loss "
                           f"{self.last.loss:.3f} cannot go lower. r starts again.")
        else:
            self.status = f"Stopped after {MAX_EPOCHS} more epochs."
        return True

    def watch_message(self) -> str:
        """What to watch now, from the preset that matches the learning rate."""
        for preset in PRESETS.values():
            if math.isclose(self.learning_rate, preset.rate, rel_tol=1e-3):
                return preset.watch
        return (f"Learning rate {self.eta} = {self.learning_rate:.3g}: watch the path "
                "and the loss curve.")
