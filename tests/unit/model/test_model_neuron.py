"""The single neuron: forward pass, predictions, log loss and its gradients."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from neuron_tui.model import Neuron, and_gate
from neuron_tui.model.losses import MAX_SAMPLE_LOSS


def _numeric_gradients(neuron: Neuron, X: np.ndarray, y: np.ndarray, h: float = 1e-6):
    grads = []
    for index in range(3):
        plus, minus = list(neuron.params), list(neuron.params)
        plus[index] += h
        minus[index] -= h
        grads.append((Neuron(*plus).loss(X, y) - Neuron(*minus).loss(X, y)) / (2 * h))
    return np.array(grads)


def test_gradients_match_finite_differences_on_forty_points(forty) -> None:
    X, y = forty
    rng = np.random.default_rng(1)
    for params in [(0.0, 0.0, 0.0), *rng.uniform(-3, 3, size=(6, 3))]:
        neuron = Neuron(*params)
        assert np.allclose(
            neuron.gradients(X, y), _numeric_gradients(neuron, X, y), rtol=1e-5, atol=1e-8
        )


def test_gradients_match_finite_differences_on_random_data() -> None:
    rng = np.random.default_rng(2)
    for _ in range(5):
        n = int(rng.integers(3, 60))
        X = rng.normal(0, 2, size=(n, 2))
        y = rng.integers(0, 2, size=n)
        neuron = Neuron(*rng.uniform(-2, 2, size=3))
        assert np.allclose(
            neuron.gradients(X, y), _numeric_gradients(neuron, X, y), rtol=1e-5, atol=1e-8
        )


def test_gradient_formula() -> None:
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -2.0]])
    y = np.array([1, 0, 1])
    neuron = Neuron(0.3, -0.2, 0.1)
    p = 1 / (1 + np.exp(-(X @ [0.3, -0.2] + 0.1)))
    dw1, dw2, db = neuron.gradients(X, y)
    assert dw1 == pytest.approx(np.mean((p - y) * X[:, 0]))
    assert dw2 == pytest.approx(np.mean((p - y) * X[:, 1]))
    assert db == pytest.approx(np.mean(p - y))


def test_loss_matches_naive_cross_entropy(forty) -> None:
    X, y = forty
    neuron = Neuron(0.8, -0.4, 0.3)
    p = 1 / (1 + np.exp(-(X @ [0.8, -0.4] + 0.3)))
    naive = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert neuron.loss(X, y) == pytest.approx(naive, rel=1e-12)
    assert Neuron().loss(X, y) == pytest.approx(math.log(2))


@pytest.mark.parametrize("scale", [1e6, -1e6, 1e12, 1e300])
def test_loss_and_gradients_are_finite_for_huge_weights(forty, scale: float) -> None:
    X, y = forty
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        neuron = Neuron(scale, -scale, scale / 3)
        loss = neuron.loss(X, y)
        grads = neuron.gradients(X, y)
        proba = neuron.predict_proba(X)
    assert math.isfinite(loss) and 0 < loss <= MAX_SAMPLE_LOSS
    assert all(math.isfinite(g) for g in grads)
    assert np.all(np.isfinite(proba))


def test_loss_is_capped_by_clipping() -> None:
    # One point, confidently wrong: the loss is −log(1e-12), not infinity.
    X, y = np.array([[1.0, 0.0]]), np.array([0])
    assert Neuron(1e6, 0.0, 0.0).loss(X, y) == pytest.approx(-math.log(1e-12))
    assert Neuron(-1e6, 0.0, 0.0).loss(X, y) == pytest.approx(1e-12, rel=1e-3)


def test_predict_and_accuracy_agree_with_predict_proba(forty) -> None:
    X, y = forty
    rng = np.random.default_rng(3)
    for params in rng.uniform(-4, 4, size=(20, 3)):
        neuron = Neuron(*params)
        proba = neuron.predict_proba(X)
        predicted = neuron.predict(X)
        assert predicted.dtype == np.int64 and set(np.unique(predicted)) <= {0, 1}
        assert np.array_equal(predicted, (proba >= 0.5).astype(int))
        assert neuron.accuracy(X, y) == pytest.approx(np.mean(predicted == y))
        assert np.array_equal(predicted, (neuron.weighted_sum(X) >= 0).astype(int))


def test_weighted_sum_and_activation_choice() -> None:
    X = np.array([[1.0, 2.0], [-3.0, 0.5]])
    assert np.allclose(Neuron(0.5, -1.0, 0.25).weighted_sum(X), [-1.25, -1.75])
    assert np.allclose(Neuron(1.0, 1.0, 0.0, "relu").predict_proba(X), [3.0, 0.0])
    assert np.allclose(Neuron(1.0, 1.0, 0.0, "tanh").predict_proba(X), np.tanh([3.0, -2.5]))
    # Training (loss, probability) always uses the sigmoid output.
    relu_neuron = Neuron(1.0, 1.0, 0.0, "relu")
    assert relu_neuron.loss(X, [1, 0]) == Neuron(1.0, 1.0, 0.0).loss(X, [1, 0])
    assert np.allclose(relu_neuron.probability(X), 1 / (1 + np.exp(-np.array([3.0, -2.5]))))


def test_single_point_is_accepted() -> None:
    assert Neuron(1.0, 0.0, 0.0).predict([2.0, 0.0]).tolist() == [1]


def test_params_copy_and_set_params() -> None:
    neuron = Neuron(1, 2, 3)
    assert neuron.params == (1.0, 2.0, 3.0) and isinstance(neuron.w1, float)
    twin = neuron.copy()
    twin.set_params(-1, -2, -3)
    assert neuron.params == (1.0, 2.0, 3.0) and twin.params == (-1.0, -2.0, -3.0)
    assert Neuron().params == (0.0, 0.0, 0.0) and Neuron().activation == "sigmoid"


def test_boundary_x2() -> None:
    neuron = Neuron(1.0, 2.0, -4.0)  # x2 = (4 − x1) / 2
    assert neuron.boundary_x2(0.0) == pytest.approx(2.0)
    assert np.allclose(neuron.boundary_x2(np.array([-2.0, 4.0])), [3.0, 0.0])
    assert Neuron(1.0, 0.0, 1.0).boundary_x2(0.0) is None
    segment = neuron.line_segment((-3.0, 3.0), (-3.0, 3.0))
    assert segment is not None and segment[0] == pytest.approx((-2.0, 3.0))


def test_and_gate_corners_by_hand() -> None:
    X, y = and_gate()
    assert Neuron(1.0, 1.0, -1.5).accuracy(X, y) == 1.0


def test_invalid_inputs_raise() -> None:
    with pytest.raises(ValueError, match="unknown activation"):
        Neuron(activation="softmax")
    neuron = Neuron()
    with pytest.raises(ValueError, match="shape"):
        neuron.predict(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="labels"):
        neuron.loss(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="0 and 1"):
        neuron.loss(np.zeros((2, 2)), [0, 2])
