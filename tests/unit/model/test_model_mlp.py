"""The tiny NumPy MLP: backpropagation, XOR, robustness."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from neuron_tui.model import MLP, MLPStep, forty_points, xor
from neuron_tui.model.mlp import DEFAULT_EPOCHS, PARAMETER_NAMES, WEIGHT_LIMIT


def _numeric_gradient(mlp: MLP, X, y, name: str, h: float = 1e-6) -> np.ndarray:
    param = mlp.params[name]
    grad = np.zeros_like(param)
    for index in np.ndindex(param.shape):
        saved = param[index]
        param[index] = saved + h
        plus = mlp.loss(X, y)
        param[index] = saved - h
        minus = mlp.loss(X, y)
        param[index] = saved
        grad[index] = (plus - minus) / (2 * h)
    return grad


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("hidden_units", [1, 3, 5])
def test_gradients_match_finite_differences(activation: str, hidden_units: int) -> None:
    rng = np.random.default_rng(hidden_units)
    X = rng.normal(0, 1.5, size=(30, 2))
    y = rng.integers(0, 2, size=30)
    mlp = MLP(hidden_units, activation, seed=hidden_units)
    for _ in range(3):  # a few training steps away from the initial point too
        grads = mlp.gradients(X, y)
        assert set(grads) == set(PARAMETER_NAMES)
        for name in PARAMETER_NAMES:
            assert grads[name].shape == mlp.params[name].shape
            numeric = _numeric_gradient(mlp, X, y, name)
            assert np.allclose(grads[name], numeric, rtol=1e-5, atol=1e-8), name
        mlp.step(X, y, 0.5)


def test_gradients_on_xor_match_finite_differences() -> None:
    X, y = xor()
    mlp = MLP(4)
    grads = mlp.gradients(X, y)
    for name in PARAMETER_NAMES:
        assert np.allclose(grads[name], _numeric_gradient(mlp, X, y, name), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("hidden_units", [2, 3, 4])
def test_solves_xor_with_defaults(hidden_units: int) -> None:
    X, y = xor()
    mlp = MLP(hidden_units)
    final = mlp.fit(X, y)
    assert final.epoch == DEFAULT_EPOCHS <= 3000
    assert final.accuracy == 1.0 and mlp.accuracy(X, y) == 1.0
    assert mlp.predict(X).tolist() == [0, 1, 1, 0]
    assert final.loss < 0.05


def test_solves_xor_with_sigmoid_hidden_layer() -> None:
    X, y = xor()
    mlp = MLP(3, activation="sigmoid")
    assert mlp.fit(X, y, learning_rate=2.0, epochs=3000).accuracy == 1.0


def test_train_yields_numbered_steps_and_learns() -> None:
    X, y = xor()
    mlp = MLP(3)
    start = mlp.loss(X, y)
    steps = list(mlp.train(X, y, learning_rate=1.0, epochs=50))
    assert [s.epoch for s in steps] == list(range(1, 51))
    assert all(isinstance(s, MLPStep) for s in steps)
    epoch, loss, accuracy = steps[-1]
    assert epoch == 50 and loss < start and 0.0 <= accuracy <= 1.0
    assert loss == mlp.loss(X, y)
    assert list(mlp.train(X, y, 1.0, 0)) == []


def test_step_returns_new_loss() -> None:
    X, y = xor()
    mlp = MLP(3)
    before = mlp.loss(X, y)
    after = mlp.step(X, y, 0.5)
    assert after == mlp.loss(X, y) and after < before


def test_same_seed_same_network() -> None:
    a, b, c = MLP(4, seed=1), MLP(4, seed=1), MLP(4, seed=2)
    for name in PARAMETER_NAMES:
        assert np.array_equal(a.params[name], b.params[name])
    assert not np.array_equal(a.W1, c.W1)
    assert a.W1.shape == (2, 4) and a.b1.shape == (4,) and a.W2.shape == (4, 1)
    assert a.b2.shape == (1,)


@pytest.mark.parametrize("learning_rate", [1e6, 1e300])
def test_huge_learning_rate_never_gives_nan(learning_rate: float) -> None:
    X, y = forty_points()
    mlp = MLP(8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        steps = list(mlp.train(X, y, learning_rate=learning_rate, epochs=20))
        proba = mlp.forward(X)
    assert len(steps) == 20
    assert all(math.isfinite(s.loss) and math.isfinite(s.accuracy) for s in steps)
    for name in PARAMETER_NAMES:
        assert np.all(np.isfinite(mlp.params[name]))
        assert np.all(np.abs(mlp.params[name]) <= WEIGHT_LIMIT)
    assert np.all(np.isfinite(proba))


def test_forward_predict_and_grid() -> None:
    X, y = xor()
    mlp = MLP(3)
    mlp.fit(X, y)
    proba = mlp.forward(X)
    assert np.array_equal(mlp.predict_proba(X), proba)
    assert np.array_equal(mlp.predict(X), (proba >= 0.5).astype(int))
    xs, ys = np.linspace(0, 1, 5), np.array([0.0, 1.0])
    grid = mlp.predict_proba_grid(xs, ys)
    assert grid.shape == (2, 5)  # rows follow y, columns follow x
    assert grid[0, 0] == pytest.approx(proba[0])  # (0, 0)
    assert grid[1, 0] == pytest.approx(proba[1])  # (0, 1)
    assert grid[0, -1] == pytest.approx(proba[2])  # (1, 0)
    assert grid[1, -1] == pytest.approx(proba[3])  # (1, 1)


@pytest.mark.parametrize("hidden_units", [0, 65, -1, 2.5, True])
def test_hidden_units_validated(hidden_units) -> None:
    with pytest.raises(ValueError, match="hidden_units"):
        MLP(hidden_units)


def test_activation_validated() -> None:
    with pytest.raises(ValueError):
        MLP(3, activation="relu")
    with pytest.raises(ValueError):
        MLP(3, activation="nope")
    assert MLP(64).W1.shape == (2, 64)


def test_train_arguments_validated_at_call_time() -> None:
    X, y = xor()
    mlp = MLP(2)
    for lr, epochs in [(0.0, 10), (math.nan, 10), (1.0, -5)]:
        with pytest.raises(ValueError):
            mlp.train(X, y, learning_rate=lr, epochs=epochs)
    with pytest.raises(ValueError):
        mlp.step(X, y, -1.0)
