"""Part 05's experiment: a single neuron and a small MLP, trained on the same two moons.

Pure functions and data, no UI. scikit-learn is imported only inside the functions
that need it (it costs most of a second), so importing this module stays cheap.

Training is a generator of :class:`MoonsUpdate` values: progress updates (which model,
the iteration, the loss) and, last, the :class:`MoonsResult`. A caller in a worker
thread reports progress and can stop between any two updates to cancel.

The single neuron is the project's own :class:`~neuron_tui.model.neuron.Neuron`,
trained by full-batch gradient descent on log loss: that is logistic regression, and
it reaches the same minimum as scikit-learn's ``LogisticRegression(C=np.inf)``. The
MLP is scikit-learn's ``MLPClassifier`` with one hidden layer of ReLU units, trained
one epoch per ``partial_fit`` call (Adam, full batch for up to 200 points).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from neuron_tui.model.datasets import train_test_split_indices, two_moons
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.training import gradient_descent

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

NOISE_MIN, NOISE_MAX, NOISE_STEP = 0.05, 0.4, 0.05
#: The hidden-layer sizes `-` and `+` step through.
HIDDEN_UNIT_STEPS: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)


@dataclass(frozen=True)
class MoonsSettings:
    """Everything that decides one run of the experiment (all of it seeded).

    The defaults give a single neuron near 85 % and an MLP at 95 % or more, train and
    test; ``tests/model/test_model_moons.py`` holds them to that.
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
class MoonsData:
    """The points, their labels, and which are for training and which for testing."""

    X: FloatArray
    y: IntArray
    train: IntArray
    test: IntArray

    @property
    def X_train(self) -> FloatArray:  # noqa: N802 - the usual name
        """Training points."""
        return self.X[self.train]

    @property
    def y_train(self) -> IntArray:
        """Training labels."""
        return self.y[self.train]

    @property
    def X_test(self) -> FloatArray:  # noqa: N802 - the usual name
        """Test points."""
        return self.X[self.test]

    @property
    def y_test(self) -> IntArray:
        """Test labels."""
        return self.y[self.test]

    def limits(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """Axis limits that hold every point with a margin, on half-unit steps."""
        low = np.floor((self.X.min(axis=0) - 0.25) * 2) / 2
        high = np.ceil((self.X.max(axis=0) + 0.25) * 2) / 2
        return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def make_data(settings: MoonsSettings) -> MoonsData:
    """Two moons (scikit-learn's ``make_moons``, seeded) split into train and test."""
    X, y = two_moons(settings.n_samples, settings.noise, settings.seed)
    train, test = train_test_split_indices(len(X), settings.test_fraction, settings.seed)
    return MoonsData(X, y, train, test)


Probability = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class FitResult:
    """One trained model: its scores and a function giving P(class 1) at any points."""

    name: str
    train_accuracy: float
    test_accuracy: float
    loss: float
    iterations: int
    proba: Probability = field(repr=False, compare=False)

    def wrong(self, X: FloatArray, y: IntArray) -> npt.NDArray[np.bool_]:
        """Which of the points `X` with labels `y` this model gets wrong."""
        return (self.proba(X) >= 0.5).astype(np.int64) != y


@dataclass(frozen=True)
class MoonsResult:
    """Both models trained on the same data."""

    settings: MoonsSettings
    data: MoonsData
    neuron: FitResult
    mlp: FitResult


@dataclass(frozen=True)
class TrainingProgress:
    """A progress report: `model` ("neuron" or "mlp") is at `iteration` of `total`."""

    model: str
    iteration: int
    total: int
    loss: float


MoonsUpdate = TrainingProgress | MoonsResult


def load_sklearn() -> None:
    """Import the parts of scikit-learn this experiment uses (the slow bit, ~0.7 s)."""
    import sklearn.datasets  # noqa: F401
    import sklearn.neural_network  # noqa: F401


def accuracy(proba: Probability, X: FloatArray, y: IntArray) -> float:
    """Share of points whose predicted class (P(class 1) >= 0.5) matches the label."""
    if len(y) == 0:
        return float("nan")
    return float(np.mean((proba(X) >= 0.5).astype(np.int64) == y))


def train_neuron(
    data: MoonsData, settings: MoonsSettings
) -> Iterator[TrainingProgress | FitResult]:
    """Gradient descent on the single neuron; yields progress, then its FitResult last."""
    neuron = Neuron()
    X, y = data.X_train, data.y_train
    epochs = settings.neuron_epochs
    every = max(1, settings.report_every * 5)
    last_loss = neuron.loss(X, y)
    done = 0
    for step in gradient_descent(neuron, X, y, settings.neuron_learning_rate, epochs):
        done, last_loss = step.epoch, step.loss
        if step.epoch % every == 0 or step.epoch == epochs:
            yield TrainingProgress("neuron", step.epoch, epochs, step.loss)
        if step.diverged:
            break
    final = neuron.copy()
    yield _fit("single neuron", final.predict_proba, data, last_loss, done)


def train_mlp(
    data: MoonsData, settings: MoonsSettings
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

    yield _fit("MLP", proba, data, float(model.loss_), epochs)


def _fit(name: str, proba: Probability, data: MoonsData, loss: float, iterations: int
         ) -> FitResult:
    return FitResult(
        name=name,
        train_accuracy=accuracy(proba, data.X_train, data.y_train),
        test_accuracy=accuracy(proba, data.X_test, data.y_test),
        loss=loss,
        iterations=iterations,
        proba=proba,
    )


def train_both(settings: MoonsSettings) -> Iterator[MoonsUpdate]:
    """Make the data, train the neuron then the MLP; yield progress and the result last.

    Stop iterating at any point to cancel: nothing is left running.
    """
    data = make_data(settings)
    fits: dict[str, FitResult] = {}
    for trainer in (train_neuron, train_mlp):
        for update in trainer(data, settings):
            if isinstance(update, FitResult):
                fits[trainer.__name__] = update
            else:
                yield update
    yield MoonsResult(settings, data, fits["train_neuron"], fits["train_mlp"])


def run(settings: MoonsSettings | None = None) -> MoonsResult:
    """Train both models to the end and return the result (for tests and scripts)."""
    result = None
    for update in train_both(settings or MoonsSettings()):
        if isinstance(update, MoonsResult):
            result = update
    assert result is not None
    return result
