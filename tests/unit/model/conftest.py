"""Shared fixtures for the model tests: the 40 points and scikit-learn's optimum on them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from neuron_tui.model import Neuron, forty_points


@dataclass(frozen=True)
class Optimum:
    """The unregularised logistic-regression fit found by scikit-learn."""

    w1: float
    w2: float
    b: float
    loss: float
    accuracy: float


@pytest.fixture(scope="session")
def forty() -> tuple[np.ndarray, np.ndarray]:
    """The default 40 points."""
    return forty_points()


@pytest.fixture(scope="session")
def sklearn_optimum(forty: tuple[np.ndarray, np.ndarray]) -> Optimum:
    """``LogisticRegression(C=np.inf)`` on the 40 points, scored with our own loss."""
    from sklearn.linear_model import LogisticRegression

    X, y = forty
    model = LogisticRegression(C=np.inf, max_iter=10000, tol=1e-10).fit(X, y)
    w1, w2 = (float(v) for v in model.coef_[0])
    b = float(model.intercept_[0])
    neuron = Neuron(w1, w2, b)
    return Optimum(w1, w2, b, neuron.loss(X, y), float(model.score(X, y)))
