"""Part 04's lesson: one neuron against a one-hidden-layer network on AND, OR and XOR.

The state holds the chosen data, both models and their side-by-side training run,
and says in plain words how each model did. Both train for every one of their
epochs (no convergence stop): the comparison is at equal effort. On XOR the
neuron is stuck at 75 % at best; the network, with two or more hidden units,
reaches 100 %.
"""

from __future__ import annotations

from collections.abc import Callable

from neuron_tui.model.datasets import Dataset, and_gate, or_gate, xor
from neuron_tui.model.mlp import MLP, MLPStep
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import FrameSchedule, TrainingRun
from neuron_tui.model.training import TrainingStep, gradient_descent

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
#: Epochs each frame: 2000 epochs take 8 frames, about one second at 8 frames a second.
SCHEDULE = FrameSchedule(first=250, most=250)

UNIVERSAL = ("Universal approximation: one hidden layer with enough units can fit any "
             "continuous function; depth makes that practical.")


class DepthLesson:
    """The single source of truth of Part 04: data, both models, their run and verdicts.

    Args:
        schedule: epochs per frame of the side-by-side run (tests use slower ones).
    """

    def __init__(self, schedule: FrameSchedule = SCHEDULE) -> None:
        self.schedule = schedule
        self.dataset_key = "a"
        self.hidden_units = START_HIDDEN
        #: The last thing that happened, shown under the verdict once trained.
        self.status = ""
        self._runs: tuple[TrainingRun[TrainingStep], TrainingRun[MLPStep]] | None = None
        self.reset_models()

    # ------------------------------------------------------------- numbers
    @property
    def dataset_name(self) -> str:
        """"AND", "OR" or "XOR"."""
        return DATASETS[self.dataset_key][0]

    @property
    def training(self) -> bool:
        """Whether a side-by-side run is under way (started, not finished or stopped)."""
        return self._runs is not None

    @property
    def neuron_accuracy(self) -> float:
        """The single neuron's accuracy now, 0 to 1."""
        return self.neuron.accuracy(self.X, self.y)

    @property
    def network_accuracy(self) -> float:
        """The network's accuracy now, 0 to 1."""
        return self.network.accuracy(self.X, self.y)

    def reset_models(self) -> None:
        """Fresh, untrained models on the chosen data (any run is dropped)."""
        self.X, self.y = DATASETS[self.dataset_key][1]()
        self.neuron = Neuron(0.0, 0.0, 0.0)
        self.network = MLP(self.hidden_units, "tanh", seed=SEED)
        self.neuron_epoch = 0
        self.network_epoch = 0
        #: The neuron's best accuracy over its run: on XOR it never passes 75 %.
        self.best_neuron_accuracy = self.neuron.accuracy(self.X, self.y)
        self._runs = None
        self.trained = False

    # ------------------------------------------------------------- changes
    def choose_dataset(self, key: str) -> None:
        """Switch to AND (`a`), OR (`o`) or XOR (`x`); both models start again, untrained."""
        if key not in DATASETS:
            raise ValueError(f"no data set {key!r}: choose one of {', '.join(DATASETS)}")
        self.dataset_key = key
        self.reset_models()
        self.status = f"{self.dataset_name}: press t to train both."

    def change_hidden(self, change: int) -> bool:
        """One hidden unit more or fewer (kept within 1 to 8), with fresh models.

        Returns whether the count changed (then the models are reset and the caller
        retrains); at a limit the status says what the limits are.
        """
        units = min(MAX_HIDDEN, max(MIN_HIDDEN, self.hidden_units + change))
        if units == self.hidden_units:
            self.status = f"The network has {MIN_HIDDEN} to {MAX_HIDDEN} hidden units here."
            return False
        self.hidden_units = units
        self.reset_models()
        return True

    # ------------------------------------------------------------ training
    def start_training(self) -> None:
        """Both models from scratch, side by side, for EPOCHS epochs each."""
        self.reset_models()
        # tolerance=None: both show every epoch, so the comparison is at equal effort.
        self._runs = (
            TrainingRun(gradient_descent(self.neuron, self.X, self.y, NEURON_RATE, EPOCHS),
                        self.schedule, tolerance=None),
            TrainingRun(self.network.train(self.X, self.y, NETWORK_RATE, EPOCHS),
                        self.schedule, tolerance=None),
        )
        self.trained = True
        self.status = "Training both… any key stops."

    def advance(self) -> bool:
        """Train both by one frame's epochs; True when the run is over (or none runs)."""
        if self._runs is None:
            return True
        neuron_run, network_run = self._runs
        for step in neuron_run.next_frame():
            self.best_neuron_accuracy = max(self.best_neuron_accuracy, step.accuracy)
        network_run.next_frame()
        if neuron_run.last is not None:
            self.neuron_epoch = neuron_run.last.epoch
        if network_run.last is not None:
            self.network_epoch = network_run.last.epoch
        # A run that has taken its last epoch is done, without a frame to find it out.
        if all(run.finished or epoch >= EPOCHS for run, epoch in (
                (neuron_run, self.neuron_epoch), (network_run, self.network_epoch))):
            self._runs = None
            self.status = f"Trained both for {EPOCHS} epochs."
            return True
        return False

    def stop_training(self) -> None:
        """Stop a run where it is (nothing happens when none is under way)."""
        if self._runs is None:
            return
        self._runs = None
        self.status = (f"Stopped at epoch {max(self.neuron_epoch, self.network_epoch)}. "
                       "Press t to train again.")

    # ------------------------------------------------------------- verdict
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

    def verdict_text(self) -> str:
        """What the verdict box shows: the status alone while training, else the verdict
        with the status under it once the models have trained."""
        if self.training:
            return self.status
        if self.status and self.trained:
            return f"{self.verdict()}\n{self.status}"
        return self.verdict()
