"""Gradient descent for the single neuron, as a generator of steps (for animation).

One epoch is one full pass over the training data: one full-batch gradient step
``w ← w − learning_rate · ∂L/∂w`` for each of ``w1``, ``w2`` and ``b``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from neuron_tui.model.losses import mean_log_loss_grid
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.neuron_epochs import Points, ZValues, points_for
from neuron_tui.model.validation import (
    as_points_and_labels,
    check_epochs,
    check_learning_rate,
)

DEFAULT_LEARNING_RATE = 0.5
"""A learning rate that trains the 40-point neuron smoothly (optimum within ~300 epochs)."""

DEFAULT_MAX_EPOCHS = 2000
"""Enough epochs for :func:`train_to_convergence` to reach the 40-point optimum."""


@dataclass(frozen=True)
class TrainingStep:
    """The neuron's state after one epoch of gradient descent.

    Attributes:
        epoch: 1 for the first step (0 describes the state before training).
        w1, w2, b: the parameters after the step.
        loss: log loss on the training data at those parameters.
        accuracy: accuracy on the training data at those parameters.
        diverged: True when the step blew up (learning rate far too big) and training
            stops. Either it would have made the loss or a weight non-finite (the
            parameters are then the last finite ones), or it threw a parameter beyond
            the run's ``weight_limit`` (the parameters are then where it landed, still
            finite). Loss and weights are never NaN or infinite.
        moved: how far the step moved the parameters (the largest change of any of
            them); 0 for a state that is not a step. A loss that stops changing while
            the weights still move far is a plateau of the clipped loss, not the bottom.
    """

    epoch: int
    w1: float
    w2: float
    b: float
    loss: float
    accuracy: float
    diverged: bool = False
    moved: float = 0.0

    @property
    def params(self) -> tuple[float, float, float]:
        """The parameters as ``(w1, w2, b)``."""
        return self.w1, self.w2, self.b

    @classmethod
    def of(
        cls,
        neuron: Neuron,
        X: npt.ArrayLike,
        y: npt.ArrayLike,
        epoch: int = 0,
        diverged: bool = False,
        moved: float = 0.0,
    ) -> TrainingStep:
        """Describe ``neuron`` as it is now on ``(X, y)`` (epoch 0 = before training)."""
        return cls(
            epoch=epoch,
            w1=neuron.w1,
            w2=neuron.w2,
            b=neuron.b,
            loss=neuron.loss(X, y),
            accuracy=neuron.accuracy(X, y),
            diverged=diverged,
            moved=moved,
        )


def gradient_descent(
    neuron: Neuron,
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    epochs: int = 100,
    *,
    weight_limit: float | None = None,
) -> Iterator[TrainingStep]:
    """Train ``neuron`` by full-batch gradient descent, yielding one step per epoch.

    The neuron is updated **in place** as the generator advances, so a caller that
    stops early keeps the neuron where it got to. Yields exactly ``epochs`` steps,
    numbered 1 to ``epochs``, unless a step diverges: then one last step with
    ``diverged=True`` is yielded and it stops. A step diverges when it would make a
    value non-finite (the step then holds the last finite parameters), or when it
    throws a parameter beyond ``±weight_limit`` (the step holds where it landed).

    Why a limit: the log loss is clipped, so far out on the bowl's walls it stops
    changing while the weights still fly off (to 1e307 and more); a run that only
    watched the loss would call that settled.

    The arguments are checked at call time, before the first step.

    Raises:
        ValueError: ``learning_rate`` not finite or not > 0, ``epochs`` negative or not
            an integer, ``weight_limit`` not finite or not > 0, or ``X``/``y`` of the
            wrong shape or labels other than 0 and 1.
    """
    rate = check_learning_rate(learning_rate)
    count = check_epochs(epochs)
    limit = None if weight_limit is None else _check_weight_limit(weight_limit)
    points, labels = as_points_and_labels(X, y)
    return _descend(neuron, points, labels, rate, count, limit)


def _check_weight_limit(weight_limit: float) -> float:
    """``weight_limit`` as a float if it is a finite number > 0, else ValueError."""
    try:
        limit = float(weight_limit)
    except (TypeError, ValueError):
        limit = math.nan
    if not (math.isfinite(limit) and limit > 0):
        raise ValueError(f"weight_limit must be finite and > 0, got {weight_limit!r}")
    return limit


def descend_quietly(
    neuron: Neuron,
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    learning_rate: float,
    epochs: int,
) -> tuple[TrainingStep | None, float]:
    """:func:`gradient_descent` for a caller that shows only where it ends: the last step
    (None when ``epochs`` is 0) and the best accuracy of all the steps (nan with none).

    The same steps and the same neuron at the end, bit for bit; only the last step's
    loss is computed. Raises as :func:`gradient_descent` does.
    """
    rate = check_learning_rate(learning_rate)
    count = check_epochs(epochs)
    points = points_for(*as_points_and_labels(X, y))
    last, best = None, math.nan
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for last in _epochs(neuron, points, rate, count, None):
            accuracy = points.accuracy(last.z)
            best = accuracy if not accuracy <= best else best  # nan: the first one
        if last is None:
            return None, best
        return _step(points, last), best


class _Epoch(NamedTuple):
    """One epoch of :func:`_epochs`: the neuron's parameters after it and their ``z``."""

    epoch: int
    params: tuple[float, float, float]
    z: ZValues
    diverged: bool
    moved: float


def _step(points: Points, epoch: _Epoch) -> TrainingStep:
    """The TrainingStep of `epoch`: Neuron.loss and Neuron.accuracy from its ``z``."""
    loss, accuracy = points.score(epoch.z)
    return TrainingStep(epoch.epoch, *epoch.params, loss, accuracy, epoch.diverged,
                        epoch.moved)


def _descend(
    neuron: Neuron,
    X: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    learning_rate: float,
    epochs: int,
    weight_limit: float | None = None,
) -> Iterator[TrainingStep]:
    """The generator behind :func:`gradient_descent` (arguments already checked).

    Floating-point warnings are silenced while an epoch is computed, never while the
    caller holds a step (a generator's ``with`` would reach into the caller's code)."""
    points = points_for(X, y)
    epochs_left = _epochs(neuron, points, learning_rate, epochs, weight_limit)
    while True:
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            epoch = next(epochs_left, None)
            if epoch is None:
                return
            step = _step(points, epoch)
        yield step


def _epochs(
    neuron: Neuron,
    points: Points,
    learning_rate: float,
    epochs: int,
    weight_limit: float | None,
) -> Iterator[_Epoch]:
    """Gradient descent's epochs, unscored; the neuron moves as it advances. The
    caller silences floating-point warnings around each ``next``.

    The same numbers as taking :meth:`Neuron.gradients` each epoch, bit for bit, at a
    fraction of the cost (see :mod:`~neuron_tui.model.neuron_epochs`), and the ``z`` of
    an epoch's parameters is the one the next epoch's gradient starts from.
    """
    old = neuron.params
    z = points.weighted_sum(*old)
    isfinite = math.isfinite
    for epoch in range(1, epochs + 1):
        if neuron.params != old:  # moved by the caller between two steps
            old = neuron.params
            z = points.weighted_sum(*old)
        w1, w2, b = old
        g1, g2, gb = points.gradients(z)
        new = (w1 - learning_rate * g1, w2 - learning_rate * g2, b - learning_rate * gb)
        z_new = points.weighted_sum(*new) if all(map(isfinite, new)) else None
        if z_new is not None and points.finite(z_new):
            neuron.set_params(*new)
            flew_off = weight_limit is not None and max(map(abs, new)) > weight_limit
            moved = max(abs(new[0] - w1), abs(new[1] - w2), abs(new[2] - b))
            old, z = neuron.params, z_new
            step = _Epoch(epoch, old, z, flew_off, moved)
        else:  # the last finite parameters, as they were
            step = _Epoch(epoch, old, z, True, 0.0)
        yield step
        if step.diverged:
            return


def train_to_convergence(
    neuron: Neuron,
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    max_epochs: int = DEFAULT_MAX_EPOCHS,
    tol: float = 1e-10,
) -> TrainingStep:
    """Run :func:`gradient_descent` until the loss stops improving; return the last step.

    Stops after ``max_epochs`` epochs, on divergence, or as soon as the loss changes by
    less than ``tol`` in one epoch. Updates ``neuron`` in place. With ``max_epochs == 0``
    it returns the untouched state as epoch 0.
    """
    last = TrainingStep.of(neuron, X, y, epoch=0)
    for step in gradient_descent(neuron, X, y, learning_rate, max_epochs):
        previous, last = last, step
        if step.diverged or abs(previous.loss - step.loss) < tol:
            break
    return last


def loss_surface(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    b: float,
    w1_values: npt.ArrayLike,
    w2_values: npt.ArrayLike,
) -> npt.NDArray[np.float64]:
    """Log loss over a grid of ``(w1, w2)`` with the bias held at ``b`` (the "bowl").

    Returns an array of shape ``(len(w2_values), len(w1_values))``: **rows follow w2,
    columns follow w1**, so ``surface[i, j]`` is the loss at
    ``w1 = w1_values[j], w2 = w2_values[i]``, matching :meth:`Neuron.loss` there.
    """
    points, labels = as_points_and_labels(X, y)
    w1 = np.asarray(w1_values, dtype=np.float64).reshape(-1)
    w2 = np.asarray(w2_values, dtype=np.float64).reshape(-1)
    rows = np.empty((w2.size, w1.size), dtype=np.float64)
    # One row at a time keeps memory at len(w1) × n, however fine the grid.
    for i, w2_value in enumerate(w2):
        with np.errstate(over="ignore", invalid="ignore"):
            z = w1[:, None] * points[:, 0] + w2_value * points[:, 1] + float(b)
        rows[i] = mean_log_loss_grid(z, labels)
    return rows
