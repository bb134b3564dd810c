"""Part 02 · Build a neuron, as plain Python: the weights, how well they split the points.

The learner moves w₁, w₂ and b by hand across the 40 points; accuracy, log loss
and the wrong points follow. `t` runs real gradient descent from where the
learner left the weights. Reaching 90 % by hand (not by `t`, until a reset) meets
the part's self-check. This object owns the neuron, the training run, the status
and guidance text and the self-check; the screen only shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from neuron_tui.model.datasets import forty_points
from neuron_tui.model.geometry import Segment
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import FrameSchedule, RunEnd, TrainingRun
from neuron_tui.model.training import TrainingStep, gradient_descent

#: Accuracy the learner must reach by hand.
TARGET_ACCURACY = 0.9
#: The plot shows x₁ and x₂ over this range; the line is clipped to it.
PLOT_LIMITS = (-3.0, 3.0)
#: Every weight and the bias stay within ±this (the sliders' range).
WEIGHT_RANGE = 10.0
#: The names of the three numbers the learner sets, in order.
PARAMETERS = ("w1", "w2", "b")
#: Gradient descent for `t`: a rate that converges smoothly on the 40 points.
LEARNING_RATE = 1.0
MAX_EPOCHS = 3000
#: Few epochs a frame at first (the big moves), one more every second frame, up
#: to 40 as the steps get small. Frames are counted from 1.
FRAME_SCHEDULE = FrameSchedule(first=1, grow_every=2, most=40)

GUIDANCE = "Move the sliders until the orange line splits o from x."
NO_LINE_GUIDANCE = "Move {w1} or {w2} to tilt a line into the plot; b slides it."
WRONG_SIDE_GUIDANCE = "Most points are on the wrong side: flip the signs of the weights."
BY_HAND_GUIDANCE = "90 % by hand. Press t to let gradient descent find the best line."
TRAINING = "Training… any key stops it."
SELF_CHECK_TASK = "reach 90 % by hand"
RETRY_NOTE = "\n  (press r, then try)"
#: What the learner is told, once, when the self-check is met.
MET_NOTICE = "90 % by hand: self-check met."


@dataclass(frozen=True)
class Fit:
    """How the neuron's current weights do on the 40 points."""

    #: Per point: whether the neuron puts it on the wrong side.
    wrong: npt.NDArray[np.bool_]
    accuracy: float
    loss: float
    #: The decision line clipped to the plot, or None when it misses the plot.
    segment: Segment | None

    @property
    def wrong_count(self) -> int:
        """How many points are on the wrong side."""
        return int(self.wrong.sum())


class BuildNeuronState:
    """Part 02's state: the neuron the learner builds, its training run and self-check.

    Args:
        self_check: the id of the "90 % by hand" self-check in the lesson registry;
            None for a page without it (nothing is then reported).
        schedule: epochs per frame of `t`'s run (tests use slower ones).
    """

    def __init__(self, self_check: str | None = None,
                 schedule: FrameSchedule = FRAME_SCHEDULE) -> None:
        self.X, self.y = forty_points()
        self.neuron = Neuron()
        self.self_check = self_check
        self.schedule = schedule
        #: Whether the plot shows the sigmoid probability behind the points.
        self.shading = False
        #: Whether `t` has moved the weights since the last reset (hand work then
        #: no longer counts for the self-check).
        self.trained_since_reset = False
        self.self_check_met = False
        #: The last epoch of gradient descent, if `t` has run since the last reset.
        self.last_step: TrainingStep | None = None
        #: A line about the run (training, stopped, converged); "" when there is none.
        self.status = ""
        self.run: TrainingRun[TrainingStep] | None = None
        self._frame = 0
        self._fit: tuple[tuple[float, float, float], Fit] | None = None

    # ------------------------------------------------------------- numbers
    @property
    def params(self) -> tuple[float, float, float]:
        """w₁, w₂, b as they are now."""
        return self.neuron.params

    @property
    def fit(self) -> Fit:
        """Accuracy, loss, wrong points and line of the weights as they are now."""
        params = self.neuron.params
        if self._fit is None or self._fit[0] != params:
            wrong = self.neuron.predict(self.X) != self.y
            fit = Fit(wrong, float(np.mean(~wrong)), self.neuron.loss(self.X, self.y),
                      self.neuron.line_segment(PLOT_LIMITS, PLOT_LIMITS))
            self._fit = (params, fit)
        return self._fit[1]

    # ------------------------------------------------------------ by hand
    def set_param(self, name: str, value: float) -> list[str]:
        """The learner set `name` ("w1", "w2" or "b") to `value`; the checks newly met.

        The value is kept within ±WEIGHT_RANGE. Any line about a past run is cleared.
        """
        if name not in PARAMETERS:
            raise ValueError(f"unknown parameter {name!r}: choose one of {PARAMETERS}")
        params = dict(zip(PARAMETERS, self.neuron.params, strict=True))
        params[name] = _clamp(float(value))
        self.neuron.set_params(*params.values())
        self.status = ""
        return self._check_by_hand()

    def _check_by_hand(self) -> list[str]:
        if self.self_check_met or self.trained_since_reset or self.training:
            return []
        if self.fit.accuracy < TARGET_ACCURACY:
            return []
        self.self_check_met = True
        return [self.self_check] if self.self_check else []

    def toggle_shading(self) -> None:
        """Show or hide the sigmoid probability behind the points."""
        self.shading = not self.shading

    def reset(self) -> None:
        """Back to w₁ = w₂ = b = 0, any run dropped, ready to try by hand again."""
        self.run = None
        self.trained_since_reset = False
        self.last_step = None
        self.status = ""
        self.neuron.set_params(0.0, 0.0, 0.0)

    # ------------------------------------------------------------ training
    @property
    def training(self) -> bool:
        """Whether a gradient descent run is under way."""
        return self.run is not None

    def start_training(self) -> bool:
        """Start gradient descent from the weights as they are; False if one runs."""
        if self.run is not None:
            return False
        self.trained_since_reset = True
        self._frame = 0
        steps = gradient_descent(self.neuron, self.X, self.y, LEARNING_RATE, MAX_EPOCHS)
        self.run = TrainingRun(steps, self.schedule, start_loss=self.fit.loss)
        self.status = TRAINING
        return True

    def train_frame(self) -> bool:
        """Advance the run by one frame's epochs; True when it has ended by itself."""
        run = self.run
        if run is None:
            return True
        self._frame += 1
        steps = run.advance(self.schedule.epochs(self._frame))
        if steps:
            self.last_step = steps[-1]
        # The weights stay within the sliders' range, as the learner's own do.
        self.neuron.set_params(*(_clamp(value) for value in self.neuron.params))
        if run.end is None:
            return False
        self.run = None
        self.status = self._end_status(run.end)
        return True

    def stop_training(self, *, left_page: bool = False) -> None:
        """Stop the run where it is (a key, or the learner left the page)."""
        if self.run is None:
            return
        self.run = None
        epoch = self.last_step.epoch if self.last_step else 0
        where = " when you left" if left_page else ""
        self.status = f"Stopped at epoch {epoch}{where}. Press t to carry on."

    def _end_status(self, end: RunEnd) -> str:
        if end is RunEnd.EXHAUSTED:
            return f"Stopped after {MAX_EPOCHS} epochs."
        if end is RunEnd.DIVERGED:
            return "The weights grew too large; training stopped."
        step = self.last_step
        assert step is not None  # a run converges only after a step
        return f"Converged at epoch {step.epoch}: the loss cannot go lower ({step.loss:.3f})."

    # ---------------------------------------------------------------- text
    def guidance(self, w1: str = "w₁", w2: str = "w₂") -> str:
        """The line telling the learner what to do now (`w1`, `w2`: how weights are named)."""
        if self.status:
            return self.status
        if self.self_check_met and not self.trained_since_reset:
            return BY_HAND_GUIDANCE
        if self.neuron.w1 == 0 and self.neuron.w2 == 0:
            return NO_LINE_GUIDANCE.format(w1=w1, w2=w2)
        if self.fit.accuracy < 0.5:
            return WRONG_SIDE_GUIDANCE
        return GUIDANCE

    def self_check_line(self, met_mark: str, open_mark: str) -> str:
        """The self-check as the side panel shows it, with a note once `t` has run."""
        if self.self_check_met:
            return f"{met_mark} {SELF_CHECK_TASK}"
        note = RETRY_NOTE if self.trained_since_reset else ""
        return f"{open_mark} {SELF_CHECK_TASK}{note}"


    def no_line_note(self) -> str:
        """Why there is no line on the plot (when `fit.segment` is None)."""
        neuron = self.neuron
        if neuron.w1 == 0 and neuron.w2 == 0:
            side = "B" if neuron.b >= 0 else "A"
            return f"No line: z = b for all; all predicted {side}"
        return "Line outside the plot: all in one class"


def _clamp(value: float) -> float:
    return min(WEIGHT_RANGE, max(-WEIGHT_RANGE, value))
