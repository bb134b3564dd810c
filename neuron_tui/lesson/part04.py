"""Part 04's lesson: one neuron against a one-hidden-layer network on AND, OR and XOR.

The state holds the chosen data, both models and their side-by-side training run,
and says in plain words how each model did. Both train for every one of their
epochs (no convergence stop): the comparison is at equal effort. On XOR no straight
line gets more than 3 of the 4 corners; the neuron, started at zero, does not even
move (the corners' pulls cancel) and says 0.50 everywhere. The network, with two or
more hidden units, reaches 100 %.

A run is the same for the same data, hidden units and schedule (every network starts
from the same seeded weights), so it can be replayed: given a `fetch` (under ``serve``,
the class's shared trainer, :mod:`neuron_tui.lesson.shared_depth`), a run asks for
its frames when it starts and, as soon as they are there, shows them instead of
training; until then, or if they never come, it trains here. A run this process has
shown whole before is replayed from memory (:mod:`neuron_tui.lesson.depth_runs`). Either
way every frame shows the same weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from neuron_tui.i18n import N_, _, number
from neuron_tui.lesson.depth_runs import (
    MAX_KEPT_FRAMES,
    Fetch,
    NetworkRun,
    NeuronRun,
    PendingTrajectory,
    RunKey,
    Snapshot,
    Trajectory,
    recall,
    remember,
)
from neuron_tui.model.datasets import Dataset, and_gate, or_gate, xor
from neuron_tui.model.mlp import MLP
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import FrameSchedule

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
#: Both plots show the unit square with a margin around the corners (the figures'
#: GATE_LIMITS; the lesson cannot import figures, a test holds the two equal).
PLOT_LIMITS = (-0.5, 1.5)
#: Outputs in this range are drawn blank (the gate plots' unsure middle band): a plot
#: whose every output is in it shows no band and no line, and says so in words.
UNSURE = (0.4, 0.6)
#: The samples (per axis, over PLOT_LIMITS) the verdict checks a model's outputs on.
CHECK_SAMPLES = 21

Model = Literal["neuron", "network"]


@dataclass(frozen=True)
class DoublingSchedule(FrameSchedule):
    """Epochs per frame that double from `first` up to `most`: the boundaries are seen
    forming in the first few frames, the long tail goes in a few big ones, and the
    first frame is cheap enough to show at once."""

    def epochs(self, frame: int) -> int:
        return max(1, min(self.first * 2 ** min(frame, 30), self.most))


#: 32, 64, 128, 256, then 400 a frame: 2000 epochs in 8 frames, the first within a
#: few milliseconds of `t`.
SCHEDULE = DoublingSchedule(first=32, most=400)

#: English: the screen shows it through `_()`.
UNIVERSAL = N_("Universal approximation: one hidden layer with enough units can fit any "
               "continuous function; depth makes that practical.")


def percent(fraction: float) -> str:
    """`75 %`."""
    return f"{fraction * 100:.0f} %"


def unsure_note(probabilities: npt.ArrayLike, model: Model) -> tuple[str, ...]:
    """What a plot says in words when every output is in the unsure middle (so it shows
    no band and no line): two short lines, or () when the plot shows something."""
    values = np.asarray(probabilities, dtype=float)
    low, high = float(np.min(values)), float(np.max(values))
    if not (UNSURE[0] <= low and high < UNSURE[1]):
        return ()
    if f"{low:.2f}" == f"{high:.2f}":
        return (_("every output is {value}:").format(value=number(low, 2)),
                _("no line") if model == "neuron" else _("no boundary"))
    return (_("outputs {low} to {high}:").format(low=number(low, 2), high=number(high, 2)),
            _("unsure everywhere"))


class DepthLesson:
    """The single source of truth of Part 04: data, both models, their run and verdicts.

    Args:
        schedule: epochs per frame of the side-by-side run (tests use slower ones).
        fetch: where a run may get its frames ready-made (see the module's docstring);
            None trains every run here.
    """

    def __init__(self, schedule: FrameSchedule = SCHEDULE, fetch: Fetch | None = None) -> None:
        self.schedule = schedule
        self.fetch = fetch
        self._pending: PendingTrajectory | None = None
        self._replay: Trajectory | None = None
        #: The frames of the run under way so far (a finished run's are kept).
        self._shots: list[Snapshot] = []
        #: Frames shown of the run under way.
        self.frame = 0
        self.dataset_key = "a"
        self.hidden_units = START_HIDDEN
        #: The last thing that happened (a run's end, a limit), shown under the verdict.
        self.status = ""
        self._runs: tuple[NeuronRun, NetworkRun] | None = None
        self.reset_models()

    # ------------------------------------------------------------- numbers
    @property
    def dataset_name(self) -> str:
        """"AND", "OR" or "XOR"."""
        return DATASETS[self.dataset_key][0]

    @property
    def training(self) -> bool:
        """Whether a side-by-side run is under way (started, not finished or stopped)."""
        return self._runs is not None or self._replay is not None

    @property
    def neuron_accuracy(self) -> float:
        """The single neuron's accuracy now, 0 to 1."""
        return self.neuron.accuracy(self.X, self.y)

    @property
    def network_accuracy(self) -> float:
        """The network's accuracy now, 0 to 1."""
        return self.network.accuracy(self.X, self.y)

    def probabilities(self, model: Model, xs: npt.ArrayLike, ys: npt.ArrayLike,
                      ) -> npt.NDArray[np.float64]:
        """`model`'s P(output 1) over the grid xs × ys: one row per y, flattened."""
        if model == "neuron":
            grid_x, grid_y = np.meshgrid(xs, ys)
            cells = np.column_stack([grid_x.ravel(), grid_y.ravel()])
            return np.asarray(self.neuron.probability(cells), dtype=np.float64)
        return self.network.predict_proba_grid(xs, ys).ravel()

    def output_range(self, model: Model) -> tuple[float, float]:
        """The lowest and highest output of `model` over the plot (checked on a grid)."""
        samples = np.linspace(*PLOT_LIMITS, CHECK_SAMPLES)
        values = self.probabilities(model, samples, samples)
        return float(np.min(values)), float(np.max(values))

    def reset_models(self) -> None:
        """Fresh, untrained models on the chosen data (any run is dropped)."""
        self.X, self.y = DATASETS[self.dataset_key][1]()
        self.neuron = Neuron(0.0, 0.0, 0.0)
        self.network = MLP(self.hidden_units, "tanh", seed=SEED)
        self.neuron_epoch = 0
        self.network_epoch = 0
        #: The neuron's best accuracy over its run (on XOR it never leaves 50 %).
        self.best_neuron_accuracy = self.neuron.accuracy(self.X, self.y)
        self._runs = None
        self._drop_pending()
        self._replay = None
        self.frame = 0
        self.trained = False

    # ------------------------------------------------------------- changes
    def choose_dataset(self, key: str) -> None:
        """Switch to AND (`a`), OR (`o`) or XOR (`x`); both models start again, untrained."""
        if key not in DATASETS:
            raise ValueError(f"no data set {key!r}: choose one of {', '.join(DATASETS)}")
        self.dataset_key = key
        self.reset_models()
        self.status = ""

    def change_hidden(self, change: int) -> bool:
        """One hidden unit more or fewer (kept within 1 to 8), with fresh models.

        Returns whether the count changed (then the models are reset and the caller
        retrains); at a limit the status says so and what the other key does.
        """
        units = min(MAX_HIDDEN, max(MIN_HIDDEN, self.hidden_units + change))
        if units == self.hidden_units:
            self.status = (
                _("{units} hidden units is the most here; - takes one away.").format(
                    units=MAX_HIDDEN)
                if change > 0 else
                _("{units} hidden unit is the fewest; + adds one.").format(units=MIN_HIDDEN))
            return False
        self.hidden_units = units
        self.reset_models()
        return True

    # ------------------------------------------------------------ training
    def start_training(self) -> None:
        """Both models from scratch, side by side, for EPOCHS epochs each."""
        self.reset_models()
        # Both take every epoch (no convergence stop), so the comparison is at equal effort.
        self._runs = (
            NeuronRun(self.neuron, self.X, self.y, NEURON_RATE, EPOCHS, self.schedule),
            NetworkRun(self.network, self.X, self.y, NETWORK_RATE, EPOCHS, self.schedule),
        )
        self.trained = True
        self.status = ""
        key = self._run_key()
        self._shots = []
        seen = recall(key)
        if seen is not None:  # this process has shown this very run before
            self._replay, self._runs = seen, None
        elif self.fetch is not None:
            self._pending = self.fetch(*key)

    def _run_key(self) -> RunKey:
        return self.dataset_key, self.hidden_units, self.frame_epochs()

    def frame_epochs(self) -> tuple[int, ...]:
        """The epochs each frame of a whole run takes (the last may take fewer)."""
        frames: list[int] = []
        while sum(frames) < EPOCHS:
            frames.append(min(self.schedule.epochs(len(frames)), EPOCHS - sum(frames)))
        return tuple(frames)

    def snapshot(self) -> Snapshot:
        """Both models as they are now."""
        network = self.network
        return Snapshot(self.neuron.params,
                        (network.W1.tolist(), network.b1.tolist(), network.W2.tolist(),
                         network.b2.tolist()),
                        self.neuron_epoch, self.network_epoch, self.best_neuron_accuracy)

    def advance(self) -> bool:
        """Train both by one frame's epochs; True when the run is over (or none runs)."""
        if self._pending is not None and self._replay is None:
            frames = self._pending.poll()
            if frames is not None and len(frames) > self.frame:
                self._drop_pending()
                self._replay, self._runs = frames, None
        if self._replay is not None:
            done = self._replay_frame(self._replay)
        elif self._runs is None:
            return True
        else:
            done = self._train_frame(self._runs)
        if len(self._run_key()[2]) <= MAX_KEPT_FRAMES:
            self._shots.append(self.snapshot())
        if done:
            self._finish()
        return done

    def _train_frame(self, runs: tuple[NeuronRun, NetworkRun]) -> bool:
        """Train both here by one frame's epochs; True when they have taken them all."""
        self.frame += 1
        neuron_run, network_run = runs
        neuron_run.next_frame()
        self.best_neuron_accuracy = max(self.best_neuron_accuracy, neuron_run.best_accuracy)
        network_run.next_frame()
        if neuron_run.last is not None:
            self.neuron_epoch = neuron_run.last.epoch
        if network_run.last is not None:
            self.network_epoch = network_run.last.epoch
        # A run that has taken its last epoch is done, without a frame to find it out.
        return all(run.finished or epoch >= EPOCHS for run, epoch in (
            (neuron_run, self.neuron_epoch), (network_run, self.network_epoch)))

    def _replay_frame(self, frames: Trajectory) -> bool:
        """Show the run's next frame as it was trained elsewhere."""
        shot = frames[self.frame]
        self.frame += 1
        self.neuron.set_params(*shot.neuron)
        network = self.network
        for array, values in zip((network.W1, network.b1, network.W2, network.b2),
                                 shot.network, strict=True):
            array[...] = np.asarray(values, dtype=np.float64).reshape(array.shape)
        self.neuron_epoch, self.network_epoch = shot.neuron_epoch, shot.network_epoch
        self.best_neuron_accuracy = shot.best_neuron_accuracy
        return self.frame >= len(frames)

    def _drop_pending(self) -> None:
        if self._pending is not None:
            self._pending.close()
            self._pending = None

    def _finish(self) -> None:
        """A whole run has been shown: remember it (replays are free), and say so."""
        key = self._run_key()
        if len(self._shots) == len(key[2]):
            remember(key, self._shots)
        self._drop_pending()
        self._runs = self._replay = None
        self.status = _("Trained both for {epochs} epochs: t trains again.").format(
            epochs=EPOCHS)

    def stop_training(self) -> None:
        """Stop a run where it is (nothing happens when none is under way)."""
        if not self.training:
            return
        self._drop_pending()
        self._runs = self._replay = None
        self.status = _("Stopped at epoch {epoch}. Press t to train again.").format(
            epoch=max(self.neuron_epoch, self.network_epoch))

    # ------------------------------------------------------------- verdict
    def verdict(self) -> str:
        """A plain sentence on each model: untrained, training, or how each did."""
        name = self.dataset_name
        if not self.trained:
            return _("{name}, untrained. Press t: the neuron draws one straight line, the "
                     "network can bend its boundary.").format(name=name)
        if self.training:
            epoch = max(self.neuron_epoch, self.network_epoch)
            return _("Training both on {name}: epoch {epoch} of {epochs}. Any key stops."
                     ).format(name=name, epoch=epoch, epochs=EPOCHS)
        return f"{self._neuron_verdict()} {self._network_verdict()}"

    @property
    def finished(self) -> bool:
        """Whether both models took all their epochs (a run not stopped part-way)."""
        return min(self.neuron_epoch, self.network_epoch) >= EPOCHS

    def _neuron_verdict(self) -> str:
        score = percent(self.neuron_accuracy)
        if self.neuron_accuracy >= 1:
            return _("One straight line is enough for {name}: the neuron gets {score}.").format(
                name=self.dataset_name, score=score)
        if self.dataset_key == "x":
            # "75 %" is the best any line can do, not a score the neuron had: say so.
            where = (_("No line splits XOR (the best gets 3 of 4 corners, {best}): the neuron "
                       "ends at {score}.") if self.finished else
                     _("No line splits XOR (the best gets 3 of 4 corners, {best}): the neuron "
                       "is at {score} so far."))
            return where.format(best=percent(0.75), score=score)
        return (_("The neuron ends at {score}.") if self.finished
                else _("The neuron is at {score} so far.")).format(score=score)

    def _network_verdict(self) -> str:
        units = self.hidden_units
        score = percent(self.network_accuracy)
        if self.network_accuracy >= 1:
            return (_("The network bends its boundary: {score} with {units} hidden units.")
                    if units > 1 else _("The network gets {score} with 1 hidden unit.")
                    ).format(score=score, units=units)
        if not self.finished:
            return _("The network is at {score} so far.").format(score=score)
        low, high = self.output_range("network")
        # Outputs of 0.50 fall either side of the threshold by rounding alone.
        luck = f"{low:.2f}" == f"{high:.2f}" == "0.50"
        if units == 1:
            sentence = (_("1 hidden unit is still one line: the network is stuck: every "
                          "output is {half}, so its {score} is luck. Press +.") if luck else
                        _("1 hidden unit is still one line: the network is stuck at {score}. "
                          "Press +."))
        else:
            sentence = (_("With {units} hidden units the network is stuck: every output is "
                          "{half}, so its {score} is luck.") if luck else
                        _("With {units} hidden units the network is stuck at {score}."))
        return sentence.format(units=units, score=score, half=number(0.5, 2))
