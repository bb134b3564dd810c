"""Input checks shared by the model: 2-D points, 0/1 labels, learning rates, epochs."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt


def as_points(X: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Return ``X`` as a float64 array of shape ``(n, 2)``, or raise ValueError.

    A single point of shape ``(2,)`` is accepted and returned as shape ``(1, 2)``.
    """
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim == 1 and arr.shape[0] == 2:
        arr = arr.reshape(1, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {arr.shape}")
    return arr


def as_labels(y: npt.ArrayLike, n: int) -> npt.NDArray[np.float64]:
    """Return ``y`` as a float64 array of ``n`` zeros and ones, or raise ValueError."""
    arr = np.asarray(y, dtype=np.float64).reshape(-1)
    if arr.shape[0] != n:
        raise ValueError(f"y must have {n} labels to match X, got {arr.shape[0]}")
    if not np.all((arr == 0.0) | (arr == 1.0)):
        raise ValueError("y must contain only the labels 0 and 1")
    return arr


def as_points_and_labels(
    X: npt.ArrayLike, y: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Check ``X`` and ``y`` together; return them as float64 arrays."""
    points = as_points(X)
    if points.shape[0] == 0:
        raise ValueError("X must contain at least one point")
    return points, as_labels(y, points.shape[0])


def check_learning_rate(learning_rate: float) -> float:
    """Return ``learning_rate`` as a float if it is finite and > 0, else raise ValueError."""
    try:
        value = float(learning_rate)
    except (TypeError, ValueError):
        raise ValueError(f"learning_rate must be a number, got {learning_rate!r}") from None
    if not math.isfinite(value) or value <= 0.0:
        raise ValueError(f"learning_rate must be finite and > 0, got {learning_rate!r}")
    return value


def check_epochs(epochs: int) -> int:
    """Return ``epochs`` if it is an integer >= 0, else raise ValueError."""
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer):
        raise ValueError(f"epochs must be an integer, got {epochs!r}")
    if epochs < 0:
        raise ValueError(f"epochs must be >= 0, got {epochs}")
    return int(epochs)
