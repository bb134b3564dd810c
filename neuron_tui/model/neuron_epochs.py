"""What one epoch of the neuron's gradient descent computes from the training points.

On a few points (Part 04 trains on the 4 corners of a gate) NumPy's per-call cost, not
the arithmetic, is an epoch's time, so :class:`Points` does the elementwise work on
Python floats; on many (Part 02's 40) NumPy's calls on arrays are quicker
(:class:`ManyPoints`). Both give, bit for bit, what :class:`~neuron_tui.model.Neuron`'s
own methods give. ``z``, the weighted sums of one epoch's parameters, is a list of
floats or an array accordingly.
"""

from __future__ import annotations

import math
from operator import eq

import numpy as np
import numpy.typing as npt

from neuron_tui.model.float_sums import numpy_sum, unit_columns
from neuron_tui.model.losses import MAX_SAMPLE_LOSS, MIN_SAMPLE_LOSS
from neuron_tui.model.neuron import sigmoid_of

_ZERO = 0.0

ZValues = list[float] | npt.NDArray[np.float64]
"""Each point's ``z`` at one epoch's parameters."""


class Points:
    """The training points as Python floats, and what an epoch computes from them.

    On a few points NumPy's per-call cost is an epoch's time, so the elementwise work
    is done on floats: the same IEEE operations in the same order as the NumPy
    expressions each method names, so the same bits. ``exp`` and the gradient's
    matrix product stay NumPy calls (their results depend on NumPy's own ``exp`` and
    the BLAS, unless :func:`unit_columns` shows it exact on floats); sums follow
    NumPy's order (:func:`numpy_sum`).
    """

    def __init__(self, X: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> None:
        self.n = X.shape[0]
        self.X_T = X.T
        self.unit_columns = unit_columns(X)
        self.pairs = list(zip(X[:, 0].tolist(), X[:, 1].tolist(), strict=True))
        self.labels: list[float] = y.tolist()
        self.is_one = [label == 1.0 for label in self.labels]
        self.flip = -(2.0 * y - 1.0)  # sample_log_loss's −(2y − 1)
        self.x1, self.x2, self.y, self.is_one_array = X[:, 0], X[:, 1], y, y == 1.0

    def weighted_sum(self, w1: float, w2: float, b: float) -> ZValues:
        """Neuron.weighted_sum: ``x1 * w1 + x2 * w2 + b`` per point."""
        return [x1 * w1 + x2 * w2 + b for x1, x2 in self.pairs]

    def gradients(self, z: ZValues) -> tuple[float, float, float]:
        """Neuron.gradients at ``z``: ``X.T @ (σ(z) − y) / n`` and ``mean(σ(z) − y)``.

        σ is sigmoid_of's ``where(z >= 0, 1, e) / (1 + e)`` with ``e = exp(−|z|)``.
        """
        e = np.exp(np.array([-abs(v) for v in z])).tolist()
        residual = [(1.0 if v >= 0.0 else ev) / (1.0 + ev) - label
                    for v, ev, label in zip(z, e, self.labels, strict=True)]
        if self.unit_columns is None:
            as_array = np.array(residual)
            dw1, dw2 = (self.X_T @ as_array).tolist()
            total = float(np.add.reduce(as_array))
        else:
            dw1, dw2 = (residual[ones[0]] if len(ones) == 1 else
                        residual[ones[0]] + residual[ones[1]] for ones in self.unit_columns)
            total = numpy_sum(residual)
        n = self.n
        return dw1 / n, dw2 / n, total / n

    def finite(self, z: ZValues) -> bool:
        """Whether every ``z`` is finite."""
        return all(map(math.isfinite, z))

    def accuracy(self, z: ZValues) -> float:
        """Neuron.accuracy from ``z``: the class-1 side ``z >= 0`` against the labels."""
        # (0.0).__le__(v) is v >= 0.0: counted in C, without a Python loop.
        return sum(map(eq, map(_ZERO.__le__, z), self.is_one)) / self.n

    def score(self, z: ZValues) -> tuple[float, float]:
        """Neuron.loss and Neuron.accuracy at ``z``.

        np.clip(v, lo, hi) is minimum(maximum(v, lo), hi) behind Python wrappers, and a
        mean is a sum over n: called bare, the same values. The caller silences
        floating-point warnings.
        """
        per_point = np.logaddexp(0.0, self.flip * np.asarray(z))
        losses = np.minimum(np.maximum(per_point, MIN_SAMPLE_LOSS), MAX_SAMPLE_LOSS)
        return float(np.add.reduce(losses)) / self.n, self.accuracy(z)


class ManyPoints(Points):
    """The same epochs on many points, where NumPy's calls on arrays beat a loop over
    floats (Part 02's 40 points): ``z`` is an array."""

    def weighted_sum(self, w1: float, w2: float, b: float) -> ZValues:
        return self.x1 * w1 + self.x2 * w2 + b

    def gradients(self, z: ZValues) -> tuple[float, float, float]:
        residual = sigmoid_of(np.asarray(z)) - self.y
        dw1, dw2 = (self.X_T @ residual).tolist()
        n = self.n
        return dw1 / n, dw2 / n, float(np.add.reduce(residual)) / n

    def finite(self, z: ZValues) -> bool:
        return bool(np.logical_and.reduce(np.isfinite(z)))

    def accuracy(self, z: ZValues) -> float:
        return int(np.count_nonzero((np.asarray(z) >= 0.0) == self.is_one_array)) / self.n


#: Up to this many points an epoch is quicker on floats (:class:`Points`).
FEW_POINTS = 16


def points_for(X: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> Points:
    """What an epoch computes from (X, y), the quicker way for their number."""
    return Points(X, y) if X.shape[0] <= FEW_POINTS else ManyPoints(X, y)
