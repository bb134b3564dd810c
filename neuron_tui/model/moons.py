"""A classifier's fit on data split into train and test, and the single neuron's fit.

Pure NumPy. Part 05 sets the single neuron against scikit-learn's MLP on two moons:
the data, the scores and the neuron's training are here; scikit-learn and the
experiment's settings are the lesson's (:mod:`neuron_tui.lesson.proof_training`).

The single neuron is the project's own :class:`~neuron_tui.model.neuron.Neuron`,
trained by full-batch gradient descent on log loss: that is logistic regression, and
it reaches the same minimum as scikit-learn's ``LogisticRegression(C=np.inf)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from neuron_tui.model.activations import sigmoid
from neuron_tui.model.datasets import train_test_split_indices
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.training import gradient_descent

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Probability = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class SplitData:
    """The points, their labels, and which are for training and which for testing."""

    X: FloatArray
    y: IntArray
    train: IntArray
    test: IntArray

    @classmethod
    def split(cls, X: FloatArray, y: IntArray, test_fraction: float, seed: int) -> SplitData:
        """`X` and `y` with a seeded share `test_fraction` of the points kept for testing."""
        train, test = train_test_split_indices(len(X), test_fraction, seed)
        return cls(X, y, train, test)

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


@dataclass(frozen=True)
class FitResult:
    """One trained model: its scores and a function giving P(class 1) at any points."""

    name: str
    train_accuracy: float
    test_accuracy: float
    loss: float
    iterations: int
    proba: Probability = field(repr=False, compare=False)
    #: The fitted model behind `proba` (a Neuron, scikit-learn's MLPClassifier, or the
    #: weights a shared trainer sent), for whoever hands the fit on to another process.
    model: object = field(default=None, repr=False, compare=False)

    @classmethod
    def score(cls, name: str, proba: Probability, data: SplitData, loss: float,
              iterations: int, model: object = None) -> FitResult:
        """The fit of the model `proba`, scored on `data`'s train and test points."""
        return cls(
            name=name,
            train_accuracy=accuracy(proba, data.X_train, data.y_train),
            test_accuracy=accuracy(proba, data.X_test, data.y_test),
            loss=loss,
            iterations=iterations,
            proba=proba,
            model=model,
        )

    def wrong(self, X: FloatArray, y: IntArray) -> npt.NDArray[np.bool_]:
        """Which of the points `X` with labels `y` this model gets wrong."""
        return (self.proba(X) >= 0.5).astype(np.int64) != y


@dataclass(frozen=True)
class TrainingProgress:
    """A progress report: `model` ("neuron" or "mlp") is at `iteration` of `total`."""

    model: str
    iteration: int
    total: int
    loss: float


def accuracy(proba: Probability, X: FloatArray, y: IntArray) -> float:
    """Share of points whose predicted class (P(class 1) >= 0.5) matches the label."""
    if len(y) == 0:
        return float("nan")
    return float(np.mean((proba(X) >= 0.5).astype(np.int64) == y))


def train_neuron(
    data: SplitData, epochs: int, learning_rate: float, report_every: int
) -> Iterator[TrainingProgress | FitResult]:
    """Gradient descent on a single neuron from zero; progress every `report_every`
    epochs (and at the last), then its FitResult last."""
    neuron = Neuron()
    X, y = data.X_train, data.y_train
    every = max(1, report_every)
    last_loss = neuron.loss(X, y)
    done = 0
    for step in gradient_descent(neuron, X, y, learning_rate, epochs):
        done, last_loss = step.epoch, step.loss
        if step.epoch % every == 0 or step.epoch == epochs:
            yield TrainingProgress("neuron", step.epoch, epochs, step.loss)
        if step.diverged:
            break
    final = neuron.copy()
    yield FitResult.score("single neuron", final.predict_proba, data, last_loss, done, final)


@dataclass(frozen=True)
class ReluNetwork:
    """A trained network as scikit-learn's MLPClassifier keeps it: ReLU hidden layers,
    one logistic output; `coefs[i]` and `intercepts[i]` are its ``coefs_`` and
    ``intercepts_``. Its forward pass is NumPy's alone, so a process that got the
    weights from another (the class server's shared trainer) needs no scikit-learn."""

    coefs: tuple[FloatArray, ...]
    intercepts: tuple[FloatArray, ...]

    def proba(self, points: FloatArray) -> FloatArray:
        """P(class 1) at each point: the same numbers as the classifier's
        ``predict_proba(points)[:, 1]`` (to rounding)."""
        activation = np.asarray(points, dtype=np.float64)
        last = len(self.coefs) - 1
        for index, (weights, bias) in enumerate(zip(self.coefs, self.intercepts, strict=True)):
            activation = activation @ weights + bias
            if index < last:
                activation = np.maximum(activation, 0.0)
        return np.asarray(sigmoid(activation[:, 0]), dtype=np.float64)
