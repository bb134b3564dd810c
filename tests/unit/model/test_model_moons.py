"""Scores on a train/test split, and the single neuron's fit (pure NumPy)."""

from __future__ import annotations

import numpy as np
import pytest

from neuron_tui.model import Neuron, sigmoid
from neuron_tui.model.moons import FitResult, SplitData, TrainingProgress, accuracy, train_neuron


def blobs(seed: int = 0, n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping clouds: no line gets all of them right."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = rng.normal(size=(n, 2)) + np.where(y[:, None] == 1, 0.5, -0.5)
    return X, y.astype(np.int64)


def test_split_is_seeded_disjoint_and_complete() -> None:
    X, y = blobs()
    data = SplitData.split(X, y, test_fraction=0.25, seed=3)
    assert len(data.test) == 10 and len(data.train) == 30
    assert sorted([*data.train.tolist(), *data.test.tolist()]) == list(range(40))
    assert np.array_equal(data.X_test, X[data.test])
    assert np.array_equal(data.y_train, y[data.train])
    again = SplitData.split(X, y, test_fraction=0.25, seed=3)
    assert np.array_equal(again.test, data.test)


def test_limits_hold_every_point_on_half_steps() -> None:
    X, y = blobs()
    data = SplitData.split(X, y, 0.25, 0)
    (x_low, x_high), (y_low, y_high) = data.limits()
    assert x_low < X[:, 0].min() and X[:, 0].max() < x_high
    assert y_low < X[:, 1].min() and X[:, 1].max() < y_high
    assert all((2 * edge).is_integer() for edge in (x_low, x_high, y_low, y_high))


def test_accuracy_and_wrong_points_agree() -> None:
    X, y = blobs()
    data = SplitData.split(X, y, 0.25, 1)

    def proba(points: np.ndarray) -> np.ndarray:
        return sigmoid(points[:, 0])  # a fixed line x1 = 0

    fit = FitResult.score("line", proba, data, loss=0.5, iterations=0)
    predicted = (X[:, 0] >= 0).astype(np.int64)
    assert fit.train_accuracy == pytest.approx(np.mean(predicted[data.train] == y[data.train]))
    assert fit.test_accuracy == pytest.approx(1 - fit.wrong(data.X_test, data.y_test).mean())
    assert accuracy(proba, X[:0], y[:0]) != accuracy(proba, X[:0], y[:0])  # nan: no points


def test_neuron_reports_every_n_epochs_and_at_the_end() -> None:
    X, y = blobs()
    data = SplitData.split(X, y, 0.25, 2)
    updates = list(train_neuron(data, epochs=23, learning_rate=0.5, report_every=5))
    progress, fit = updates[:-1], updates[-1]
    assert all(isinstance(u, TrainingProgress) and u.model == "neuron" for u in progress)
    assert [u.iteration for u in progress] == [5, 10, 15, 20, 23]
    assert isinstance(fit, FitResult) and fit.iterations == 23
    assert fit.loss == pytest.approx(progress[-1].loss)


def test_neuron_reaches_logistic_regression_minimum() -> None:
    """The project's neuron is logistic regression: same loss as sklearn's C=inf."""
    from sklearn.linear_model import LogisticRegression

    X, y = blobs(seed=5, n=80)
    data = SplitData.split(X, y, 0.25, 5)
    *_, fit = train_neuron(data, epochs=3000, learning_rate=1.0, report_every=1000)
    assert isinstance(fit, FitResult)
    model = LogisticRegression(C=np.inf, max_iter=10000, tol=1e-12).fit(data.X_train,
                                                                        data.y_train)
    optimum = Neuron(*model.coef_[0], model.intercept_[0]).loss(data.X_train, data.y_train)
    assert fit.loss == pytest.approx(optimum, abs=1e-6)
    assert fit.test_accuracy == pytest.approx(model.score(data.X_test, data.y_test))
