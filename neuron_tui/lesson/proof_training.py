"""Part 05's experiment: a single neuron and scikit-learn's MLP, trained on the same moons.

scikit-learn is imported only inside the functions that need it (it costs most of a
second), so importing this module stays cheap and a learner who never trains in
Part 05 never imports it.

Training is a generator of :data:`MoonsUpdate` values: progress updates (which model,
the iteration, the loss) and, last, the :class:`MoonsResult`. A caller in a worker
thread reports progress and can stop between any two updates to cancel.

The single neuron is trained by :func:`neuron_tui.model.moons.train_neuron`. The MLP
is scikit-learn's ``MLPClassifier`` with one hidden layer of ReLU units, trained one
epoch per ``partial_fit`` call (Adam, full batch for up to 200 points).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace

import numpy as np

from neuron_tui.model.moons import (
    FitResult,
    FloatArray,
    IntArray,
    SplitData,
    TrainingProgress,
    train_neuron,
)

NOISE_MIN, NOISE_MAX, NOISE_STEP = 0.05, 0.4, 0.05
#: The hidden-layer sizes `-` and `+` step through.
HIDDEN_UNIT_STEPS: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)
#: The single neuron reports its progress this many times less often than the MLP.
NEURON_REPORT_FACTOR = 5


@dataclass(frozen=True)
class MoonsSettings:
    """Everything that decides one run of the experiment (all of it seeded).

    The defaults give a single neuron near 85 % and an MLP at 95 % or more, train and
    test; ``tests/unit/lesson/test_proof_training.py`` holds them to that.
    """

    n_samples: int = 200
    noise: float = 0.2
    hidden_units: int = 16
    seed: int = 3
    test_fraction: float = 0.25
    neuron_epochs: int = 1500
    neuron_learning_rate: float = 1.0
    mlp_epochs: int = 400
    mlp_learning_rate: float = 0.02
    report_every: int = 1

    @property
    def test_count(self) -> int:
        """How many of the points are kept for testing."""
        return round(self.n_samples * self.test_fraction)

    def with_noise(self, noise: float) -> MoonsSettings:
        """These settings with `noise` clamped to 0.05..0.4 (and rounded to 0.01)."""
        return replace(self, noise=round(min(max(noise, NOISE_MIN), NOISE_MAX), 2))

    def with_hidden_units(self, units: int) -> MoonsSettings:
        """These settings with `units` hidden units, clamped to 1..64."""
        return replace(self, hidden_units=min(max(int(units), 1), HIDDEN_UNIT_STEPS[-1]))


def next_hidden_units(units: int, direction: int) -> int:
    """The next hidden-layer size up (`direction` > 0) or down from `units`, within 1..64."""
    if direction > 0:
        return next((step for step in HIDDEN_UNIT_STEPS if step > units), HIDDEN_UNIT_STEPS[-1])
    return next(
        (step for step in reversed(HIDDEN_UNIT_STEPS) if step < units), HIDDEN_UNIT_STEPS[0]
    )


@dataclass(frozen=True)
class MoonsResult:
    """Both models trained on the same data."""

    settings: MoonsSettings
    data: SplitData
    neuron: FitResult
    mlp: FitResult


MoonsUpdate = TrainingProgress | MoonsResult


def sklearn_loaded() -> bool:
    """Whether scikit-learn's network is imported already (training starts at once)."""
    return "sklearn.neural_network" in sys.modules


def load_sklearn() -> None:
    """Import the parts of scikit-learn this experiment uses (the slow bit, ~0.7 s)."""
    import sklearn.datasets  # noqa: F401
    import sklearn.neural_network  # noqa: F401


def two_moons(
    n_samples: int = 200, noise: float = 0.2, seed: int = 0
) -> tuple[FloatArray, IntArray]:
    """Two interlocking half-circles (scikit-learn's ``make_moons``), seeded."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64)


def make_data(settings: MoonsSettings) -> SplitData:
    """Two moons (scikit-learn's ``make_moons``, seeded) split into train and test."""
    X, y = two_moons(settings.n_samples, settings.noise, settings.seed)
    return SplitData.split(X, y, settings.test_fraction, settings.seed)


def train_mlp(
    data: SplitData, settings: MoonsSettings
) -> Iterator[TrainingProgress | FitResult]:
    """scikit-learn's MLPClassifier, one epoch a step; yields progress, then its FitResult."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=(settings.hidden_units,),
        learning_rate_init=settings.mlp_learning_rate,
        random_state=settings.seed,
        max_iter=1,
    )
    X, y = data.X_train, data.y_train
    epochs = settings.mlp_epochs
    classes = np.array([0, 1])
    for epoch in range(1, epochs + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.partial_fit(X, y, classes=classes)
        if epoch % settings.report_every == 0 or epoch == epochs:
            yield TrainingProgress("mlp", epoch, epochs, float(model.loss_))

    def proba(points: FloatArray) -> FloatArray:
        return np.asarray(model.predict_proba(points)[:, 1], dtype=np.float64)

    yield FitResult.score("MLP", proba, data, float(model.loss_), epochs, model)


def train_both(settings: MoonsSettings) -> Iterator[MoonsUpdate]:
    """Make the data, train the neuron then the MLP; yield progress and the result last.

    Stop iterating at any point to cancel: nothing is left running.
    """
    data = make_data(settings)
    neuron = yield from _progress_then_fit(train_neuron(
        data, settings.neuron_epochs, settings.neuron_learning_rate,
        settings.report_every * NEURON_REPORT_FACTOR,
    ))
    mlp = yield from _progress_then_fit(train_mlp(data, settings))
    yield MoonsResult(settings, data, neuron, mlp)


def _progress_then_fit(
    updates: Iterator[TrainingProgress | FitResult],
) -> Generator[TrainingProgress, None, FitResult]:
    """Pass a trainer's progress on; return its FitResult (its last update)."""
    for update in updates:
        if isinstance(update, FitResult):
            return update
        yield update
    raise RuntimeError("a trainer ended without its result")


def run(settings: MoonsSettings | None = None) -> MoonsResult:
    """Train both models to the end and return the result (for tests and scripts)."""
    result = None
    for update in train_both(settings or MoonsSettings()):
        if isinstance(update, MoonsResult):
            result = update
    assert result is not None
    return result
