"""One training-run engine for every animated run of the lesson.

A run takes the steps of a training generator (the neuron's gradient descent, the
network's epochs) a frame at a time, and decides once, the same way for every part,
when it ends: the loss settled (converged), a step blew up (diverged: a value became
non-finite, the generator said so, or the loss rose above the run's ceiling), or the
run used its epochs (exhausted). How many epochs a frame takes grows with the frame
number, so the big early moves are seen one by one and the slow tail goes quickly.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

#: A run has converged when one epoch changes the loss by less than this. One
#: tolerance for the whole lesson: at the 40 points' optimum it leaves the loss
#: within 2e-8 of scikit-learn's, and Part 03's good rate gets there in 266 epochs.
CONVERGENCE_TOLERANCE = 1e-9
#: ... and when that epoch moved no weight by this much or more. Far up the bowl's
#: walls the clipped log loss stops changing while a too-big step still flings the
#: weights about: a plateau, not the bottom. At the bottom a step moves ~1e-4 or less.
SETTLED_MOVE = 1e-3


class Step(Protocol):
    """What the engine reads of a training step (TrainingStep and MLPStep have it)."""

    @property
    def epoch(self) -> int: ...

    @property
    def loss(self) -> float: ...

    # Optional, read with getattr: `diverged` (the step blew up) and `moved` (how far
    # it moved the weights; a run converges only on a step that moved them little).


StepT = TypeVar("StepT", bound=Step)


class RunEnd(enum.Enum):
    """Why a run stopped by itself."""

    CONVERGED = "converged"
    DIVERGED = "diverged"
    EXHAUSTED = "exhausted"


@dataclass(frozen=True)
class FrameSchedule:
    """Epochs per frame: `first`, then one more every `grow_every` frames, up to `most`."""

    first: int = 1
    grow_every: int = 1
    most: int = 1

    def epochs(self, frame: int) -> int:
        """How many epochs frame number `frame` (0 for the first) advances."""
        return max(1, min(self.first + frame // max(1, self.grow_every), self.most))


class TrainingRun(Generic[StepT]):
    """Steps through a training generator frame by frame until it ends by itself.

    Args:
        steps: yields one step per epoch; may stop early (e.g. after a diverged step).
        schedule: how many epochs each frame takes.
        start_loss: the loss before the first step, so the first epoch can already
            count as converged; None when unknown.
        tolerance: the convergence tolerance; None never stops on convergence (a
            run that must show every epoch it was given, as Part 04's).
        loss_ceiling: a loss above this means the run has diverged (the loss is
            growing without bound, each step overshooting further); None has no
            ceiling. The step that crosses it is the run's last.
    """

    def __init__(
        self,
        steps: Iterator[StepT],
        schedule: FrameSchedule,
        *,
        start_loss: float | None = None,
        tolerance: float | None = CONVERGENCE_TOLERANCE,
        loss_ceiling: float | None = None,
    ) -> None:
        self._steps: Iterator[StepT] | None = steps
        self.schedule = schedule
        self.tolerance = tolerance
        self.loss_ceiling = loss_ceiling
        self.frame = 0
        self.last: StepT | None = None
        self.end: RunEnd | None = None
        self._previous_loss = start_loss

    @property
    def finished(self) -> bool:
        """Whether the run has ended by itself (see `end` for why)."""
        return self.end is not None

    def advance(self, epochs: int) -> list[StepT]:
        """Take up to `epochs` epochs; the steps taken, in order (fewer when it ends)."""
        taken: list[StepT] = []
        while len(taken) < epochs and self._steps is not None:
            step = next(self._steps, None)
            if step is None:
                self._finish(RunEnd.EXHAUSTED)
                break
            taken.append(step)
            self.last = step
            if self._blew_up(step):
                self._finish(RunEnd.DIVERGED)
                break
            previous, self._previous_loss = self._previous_loss, step.loss
            if (self.tolerance is not None and previous is not None
                    and abs(previous - step.loss) < self.tolerance
                    and getattr(step, "moved", 0.0) < SETTLED_MOVE):
                self._finish(RunEnd.CONVERGED)
        return taken

    def next_frame(self) -> list[StepT]:
        """Advance by the epochs the schedule gives this frame."""
        taken = self.advance(self.schedule.epochs(self.frame))
        self.frame += 1
        return taken

    def run_to_end(self) -> StepT | None:
        """Take every remaining frame at once; the last step (None if there was none)."""
        while not self.finished:
            self.next_frame()
        return self.last

    def _blew_up(self, step: StepT) -> bool:
        """Whether `step` ends the run as diverged."""
        if getattr(step, "diverged", False) or not math.isfinite(step.loss):
            return True
        return self.loss_ceiling is not None and step.loss > self.loss_ceiling

    def _finish(self, end: RunEnd) -> None:
        self.end = end
        self._steps = None
