"""Part 04's runs as frames: what one frame of a side-by-side run leaves, the runs this
process has shown (a run trained again is replayed), and how a run's frames may come
from elsewhere (the class server's shared trainer, see
:mod:`neuron_tui.lesson.shared_depth`).

A run is the same for the same data set, hidden units and frames (every network starts
from the same seeded weights), so its frames can be replayed exactly.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy.typing as npt

from neuron_tui.model.mlp import MLP, MLPStep
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import FrameSchedule
from neuron_tui.model.training import TrainingStep, descend_quietly


@dataclass(frozen=True)
class Snapshot:
    """Both models as one frame of a run leaves them."""

    neuron: tuple[float, float, float]
    #: The network's W1, b1, W2, b2, as nested lists (what JSON carries).
    network: tuple[object, object, object, object]
    neuron_epoch: int
    network_epoch: int
    best_neuron_accuracy: float


#: A whole run, one snapshot a frame, the last one its end.
Trajectory = Sequence[Snapshot]


class PendingTrajectory(Protocol):
    """A run's frames on their way: `poll` never waits."""

    def poll(self) -> Trajectory | None:
        """The frames if they are all here; None while they are not (or never will be)."""

    def close(self) -> None:
        """Stop waiting for them."""


#: A run: (data set key, hidden units, epochs of each frame).
RunKey = tuple[str, int, tuple[int, ...]]
#: Asks for the run on a RunKey's data set, hidden units and frames.
Fetch = Callable[[str, int, tuple[int, ...]], PendingTrajectory | None]

#: Whole runs this process has shown, by (data set, hidden units, frames), least
#: recently used first: a learner who trains the same run again replays it. All 24
#: runs of the lesson's schedule fit (about 1 KB each).
RUNS_KEPT = 32
#: Runs of more frames than this are neither kept nor sent (the lesson's own has 8;
#: tests' slow schedules have up to 2000).
MAX_KEPT_FRAMES = 64
_RUNS_SEEN: OrderedDict[RunKey, Trajectory] = OrderedDict()


def recall(key: RunKey) -> Trajectory | None:
    """The frames of run `key` if this process has shown it whole before."""
    frames = _RUNS_SEEN.get(key)
    if frames is not None:
        _RUNS_SEEN.move_to_end(key)
    return frames


def remember(key: RunKey, frames: Sequence[Snapshot]) -> None:
    """Keep a whole run's frames (the least recently used go first)."""
    _RUNS_SEEN[key] = tuple(frames)
    _RUNS_SEEN.move_to_end(key)
    while len(_RUNS_SEEN) > RUNS_KEPT:
        _RUNS_SEEN.popitem(last=False)


def forget_runs() -> None:
    """Forget every run this process has shown (tests that must train afresh)."""
    _RUNS_SEEN.clear()


@dataclass(frozen=True)
class ListSchedule(FrameSchedule):
    """Epochs per frame from a list (a replayed run's own), its last entry repeated."""

    frames: tuple[int, ...] = (1,)

    def epochs(self, frame: int) -> int:
        return self.frames[min(frame, len(self.frames) - 1)]


class NeuronRun:
    """The neuron's side of a run trained here, a frame at a time: a frame trains its
    epochs with :func:`descend_quietly`, which scores only the last one's loss (the same
    steps as :func:`gradient_descent`), and keeps the best accuracy of all of them.

    What a ``TrainingRun(gradient_descent(...), schedule, tolerance=None)`` would do:
    that one reads the loss of each epoch only to stop on a non-finite one, and the
    clipped loss never is; it stops on a diverged step, as this does.
    """

    def __init__(self, neuron: Neuron, X: npt.ArrayLike, y: npt.ArrayLike,
                 learning_rate: float, epochs: int, schedule: FrameSchedule) -> None:
        self._neuron, self._X, self._y = neuron, X, y
        self._rate, self._epochs, self._schedule = learning_rate, epochs, schedule
        self.frame = 0
        #: The last step taken, numbered within the whole run (None before the first).
        self.last: TrainingStep | None = None
        #: The best accuracy of any step taken (0 before the first).
        self.best_accuracy = 0.0

    @property
    def finished(self) -> bool:
        """Whether every epoch has been trained, or a step diverged."""
        return self.last is not None and (self.last.diverged or self.last.epoch >= self._epochs)

    def next_frame(self) -> list[TrainingStep]:
        """Train this frame's epochs; the frame's last step (none when the run is over)."""
        done = 0 if self.last is None else self.last.epoch
        count = min(self._schedule.epochs(self.frame), self._epochs - done)
        self.frame += 1
        if count <= 0 or self.finished:
            return []
        step, best = descend_quietly(self._neuron, self._X, self._y, self._rate, count)
        if step is None:
            return []
        self.best_accuracy = max(self.best_accuracy, best)
        self.last = replace(step, epoch=done + step.epoch)
        return [self.last]


class NetworkRun:
    """The network's side of a run trained here, a frame at a time: a frame trains its
    epochs with :meth:`MLP.fit`, which scores only the last one (the same weights as
    :meth:`MLP.train`, without the loss and accuracy of epochs nothing shows).

    What a ``TrainingRun(network.train(...), schedule, tolerance=None)`` would do: that
    one reads each epoch's loss only to stop on a non-finite one, and the network's
    clipped loss never is.
    """

    def __init__(self, network: MLP, X: npt.ArrayLike, y: npt.ArrayLike,
                 learning_rate: float, epochs: int, schedule: FrameSchedule) -> None:
        self._network, self._X, self._y = network, X, y
        self._rate, self._epochs, self._schedule = learning_rate, epochs, schedule
        self.frame = 0
        #: The last epoch trained (None before the first frame).
        self.last: MLPStep | None = None

    @property
    def finished(self) -> bool:
        """Whether every epoch has been trained."""
        return self.last is not None and self.last.epoch >= self._epochs

    def next_frame(self) -> list[MLPStep]:
        """Train this frame's epochs; the frame's last step (none when all are done)."""
        done = 0 if self.last is None else self.last.epoch
        count = min(self._schedule.epochs(self.frame), self._epochs - done)
        self.frame += 1
        if count <= 0:
            return []
        step = self._network.fit(self._X, self._y, self._rate, count)
        self.last = MLPStep(done + count, step.loss, step.accuracy)
        return [self.last]
