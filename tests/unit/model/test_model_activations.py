"""Activation functions: stability at extremes, derivatives, the registry."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from neuron_tui.model import ACTIVATIONS, Activation, get_activation, relu, sigmoid, tanh
from neuron_tui.model.activations import relu_derivative, sigmoid_derivative, tanh_derivative


@pytest.mark.parametrize("z", [1e6, -1e6, 1e300, -1e300, math.inf, -math.inf, 746.0, -746.0])
def test_sigmoid_extremes_are_exact_and_silent(z: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="warn"):
            value = sigmoid(z)
            array_value = sigmoid(np.array([z, -z]))
    assert value == (1.0 if z > 0 else 0.0)
    assert np.array_equal(array_value, [1.0, 0.0] if z > 0 else [0.0, 1.0])


def test_sigmoid_extremes_with_default_errstate() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = sigmoid(np.array([-1e6, -1e3, 0.0, 1e3, 1e6]))
    assert np.all(np.isfinite(out))
    assert out[0] == 0.0 and out[-1] == 1.0 and out[2] == 0.5


def test_sigmoid_tail_keeps_tiny_values() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sigmoid(-700.0) == pytest.approx(math.exp(-700.0), rel=1e-12)
        assert 0.0 < sigmoid(-740.0) < 1e-300
        assert sigmoid(40.0) == 1.0


def test_sigmoid_values_and_symmetry() -> None:
    z = np.linspace(-30, 30, 601)
    s = sigmoid(z)
    assert np.allclose(s, 1.0 / (1.0 + np.exp(-z)), rtol=1e-14, atol=0)
    assert np.allclose(s + sigmoid(-z), 1.0, rtol=0, atol=1e-15)
    assert np.all(np.diff(s) >= 0)


def test_scalar_in_float_out_array_in_array_out() -> None:
    for fn in (sigmoid, relu, tanh, sigmoid_derivative, relu_derivative, tanh_derivative):
        assert type(fn(0.3)) is float
        assert type(fn(np.float64(0.3))) is float
        out = fn(np.array([[0.3, -0.2], [1.0, 2.0]]))
        assert isinstance(out, np.ndarray) and out.shape == (2, 2) and out.dtype == np.float64


def test_relu_and_tanh_values() -> None:
    assert relu(-2.0) == 0.0 and relu(3.5) == 3.5 and relu(0.0) == 0.0
    assert np.array_equal(relu(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 2.0])
    assert tanh(1e6) == 1.0 and tanh(-1e6) == -1.0
    assert tanh(0.5) == pytest.approx(math.tanh(0.5))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivatives_match_finite_differences(name: str) -> None:
    act = get_activation(name)
    rng = np.random.default_rng(7)
    z = rng.uniform(-6, 6, size=200)
    z = z[np.abs(z) > 1e-3]  # ReLU has a kink at 0
    h = 1e-6
    numeric = (np.asarray(act.fn(z + h)) - np.asarray(act.fn(z - h))) / (2 * h)
    assert np.allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-9)


def test_derivatives_at_extremes_are_finite() -> None:
    z = np.array([-1e6, 1e6, -math.inf, math.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for act in ACTIVATIONS.values():
            assert np.all(np.isfinite(act.derivative(z)))


def test_registry() -> None:
    assert set(ACTIVATIONS) == {"sigmoid", "relu", "tanh"}
    for name, act in ACTIVATIONS.items():
        assert isinstance(act, Activation)
        assert act.name == name
        assert get_activation(name) is act
        assert act(0.25) == act.fn(0.25)
    assert get_activation("ReLU").label == "ReLU"
    assert get_activation(" Sigmoid ").output_range == (0.0, 1.0)
    assert ACTIVATIONS["relu"].output_range == (0.0, math.inf)
    assert ACTIVATIONS["tanh"].output_range == (-1.0, 1.0)


def test_outputs_respect_output_range() -> None:
    z = np.linspace(-50, 50, 1001)
    for act in ACTIVATIONS.values():
        low, high = act.output_range
        out = np.asarray(act.fn(z))
        assert np.all(out >= low) and np.all(out <= high)


def test_activation_is_frozen() -> None:
    act = get_activation("sigmoid")
    with pytest.raises(AttributeError):
        act.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize("bad", ["softmax", "", "sigmoid2"])
def test_unknown_activation_raises(bad: str) -> None:
    with pytest.raises(ValueError, match="unknown activation") as info:
        get_activation(bad)
    assert "relu, sigmoid, tanh" in str(info.value)
