"""Activation functions (the neuron's "squash" step) and their derivatives.

Every function accepts a float or a NumPy array. A float (or 0-d array) in gives a
Python ``float`` out; an array in gives a new ``float64`` array of the same shape out.

``sigmoid`` is numerically stable for any input, including ``±1e6``, ``±1e300`` and
``±inf``: it never computes ``exp`` of a large positive number, so it raises no
overflow warning and returns no NaN (NaN in gives NaN out).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
"""A float64 NumPy array."""

ArrayOrFloat = FloatArray | float
"""What an activation function accepts and returns."""


def _finish(out: FloatArray, scalar_input: bool) -> ArrayOrFloat:
    """Return ``out`` as a float when the caller passed a scalar."""
    return float(out) if scalar_input else out


def _as_array(z: npt.ArrayLike) -> tuple[FloatArray, bool]:
    """Return ``z`` as a float64 array and whether it was a scalar."""
    arr = np.asarray(z, dtype=np.float64)
    return arr, arr.ndim == 0


@overload
def sigmoid(z: float) -> float: ...
@overload
def sigmoid(z: FloatArray) -> FloatArray: ...
def sigmoid(z: ArrayOrFloat) -> ArrayOrFloat:
    """Logistic sigmoid ``1 / (1 + e^(-z))``, stable for any ``z``.

    Uses the two-branch form with ``e = exp(-|z|)`` (always in ``(0, 1]``):
    ``1 / (1 + e)`` for ``z >= 0`` and ``e / (1 + e)`` for ``z < 0``.
    ``exp`` may underflow to 0 for ``|z| > ~745``, which is exact to double precision
    and is silenced locally, so ``sigmoid(1e6) == 1.0`` and ``sigmoid(-1e6) == 0.0``.
    """
    arr, scalar = _as_array(z)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(arr))
        out = np.where(arr >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return _finish(np.asarray(out, dtype=np.float64), scalar)


@overload
def sigmoid_derivative(z: float) -> float: ...
@overload
def sigmoid_derivative(z: FloatArray) -> FloatArray: ...
def sigmoid_derivative(z: ArrayOrFloat) -> ArrayOrFloat:
    """Derivative of the sigmoid with respect to ``z``: ``σ(z)·(1 − σ(z))``."""
    s = np.asarray(sigmoid(np.asarray(z, dtype=np.float64)))
    return _finish(s * (1.0 - s), np.ndim(z) == 0)


@overload
def relu(z: float) -> float: ...
@overload
def relu(z: FloatArray) -> FloatArray: ...
def relu(z: ArrayOrFloat) -> ArrayOrFloat:
    """Rectified linear unit ``max(0, z)``: keeps positive values, zeroes the rest."""
    arr, scalar = _as_array(z)
    return _finish(np.maximum(arr, 0.0), scalar)


@overload
def relu_derivative(z: float) -> float: ...
@overload
def relu_derivative(z: FloatArray) -> FloatArray: ...
def relu_derivative(z: ArrayOrFloat) -> ArrayOrFloat:
    """Derivative of ReLU: 1 where ``z > 0``, else 0 (the convention at ``z = 0`` is 0)."""
    arr, scalar = _as_array(z)
    return _finish((arr > 0).astype(np.float64), scalar)


@overload
def tanh(z: float) -> float: ...
@overload
def tanh(z: FloatArray) -> FloatArray: ...
def tanh(z: ArrayOrFloat) -> ArrayOrFloat:
    """Hyperbolic tangent, squashing any number into ``(-1, 1)``."""
    arr, scalar = _as_array(z)
    return _finish(np.tanh(arr), scalar)


@overload
def tanh_derivative(z: float) -> float: ...
@overload
def tanh_derivative(z: FloatArray) -> FloatArray: ...
def tanh_derivative(z: ArrayOrFloat) -> ArrayOrFloat:
    """Derivative of tanh with respect to ``z``: ``1 − tanh(z)²``."""
    arr, scalar = _as_array(z)
    t = np.tanh(arr)
    return _finish(1.0 - t * t, scalar)


@dataclass(frozen=True)
class Activation:
    """One activation function with its derivative and a description for display.

    Attributes:
        name: registry key, lower case (``"sigmoid"``, ``"relu"``, ``"tanh"``).
        label: how the lesson writes it (``"sigmoid"``, ``"ReLU"``, ``"tanh"``).
        formula: a one-line formula in plain Unicode text.
        fn: the function of ``z``.
        derivative: its derivative, also a function of ``z``.
        output_range: ``(low, high)`` bounds of the output; ``math.inf`` when unbounded.
    """

    name: str
    label: str
    formula: str
    fn: Callable[[ArrayOrFloat], ArrayOrFloat]
    derivative: Callable[[ArrayOrFloat], ArrayOrFloat]
    output_range: tuple[float, float]

    def __call__(self, z: ArrayOrFloat) -> ArrayOrFloat:
        """Apply the activation to ``z``."""
        return self.fn(z)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        name="sigmoid",
        label="sigmoid",
        formula="σ(z) = 1 / (1 + e^(−z))",
        fn=sigmoid,
        derivative=sigmoid_derivative,
        output_range=(0.0, 1.0),
    ),
    "relu": Activation(
        name="relu",
        label="ReLU",
        formula="ReLU(z) = max(0, z)",
        fn=relu,
        derivative=relu_derivative,
        output_range=(0.0, math.inf),
    ),
    "tanh": Activation(
        name="tanh",
        label="tanh",
        formula="tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))",
        fn=tanh,
        derivative=tanh_derivative,
        output_range=(-1.0, 1.0),
    ),
}
"""All activations by name."""


def get_activation(name: str) -> Activation:
    """Look an activation up by name (case-insensitive).

    Raises:
        ValueError: when ``name`` is not in :data:`ACTIVATIONS`.
    """
    key = name.strip().lower() if isinstance(name, str) else name
    try:
        return ACTIVATIONS[key]
    except (KeyError, TypeError):
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; choose one of: {known}") from None
