"""The single artificial neuron: multiply, add, squash.

``y = σ(w1·x1 + w2·x2 + b)``. The neuron holds three numbers (the two weights and the
bias) and the name of its activation. It predicts, scores itself (log loss, accuracy)
and reports the gradient of its loss; :mod:`neuron_tui.model.training` uses that to
run gradient descent.

Training always uses the sigmoid output: :meth:`Neuron.loss` and
:meth:`Neuron.gradients` treat ``σ(z)`` as the probability of class 1, whatever the
``activation`` attribute says. The attribute only changes what
:meth:`Neuron.predict_proba` shows (the "squash" step of Part 01).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from neuron_tui.model.activations import ArrayOrFloat, get_activation, sigmoid
from neuron_tui.model.geometry import Segment, decision_line_segment
from neuron_tui.model.losses import log_loss_from_logits
from neuron_tui.model.validation import as_points, as_points_and_labels

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def sigmoid_of(z: FloatArray, nonnegative: npt.NDArray[np.bool_] | None = None) -> FloatArray:
    """:func:`~neuron_tui.model.activations.sigmoid` of a float64 array, bit for bit, in
    fewer NumPy calls, for training loops that call it every epoch on a handful of points
    (where NumPy's per-call cost, not the arithmetic, is the time). ``nonnegative`` is
    ``z >= 0`` if the caller has it already. The caller silences underflow.

    ``where(z >= 0, 1 / (1 + e), e / (1 + e))`` is ``where(z >= 0, 1, e) / (1 + e)``:
    the same division of the same numbers, element by element."""
    e = np.exp(-np.abs(z))
    chosen = np.where(z >= 0.0 if nonnegative is None else nonnegative, 1.0, e)
    return np.divide(chosen, 1.0 + e)


@dataclass
class Neuron:
    """One neuron with two inputs: ``output = activation(w1·x1 + w2·x2 + b)``.

    Mutable on purpose: sliders and gradient descent change ``w1``, ``w2`` and ``b`` in
    place. ``activation`` is a name from :data:`~neuron_tui.model.activations.ACTIVATIONS`
    (checked on creation). All parameters start at 0.0, like the lesson's sliders.

    The class-1 region is ``z >= 0`` (for the sigmoid, ``σ(z) >= 0.5``), so the decision
    line ``z = 0`` is the same whatever the activation.
    """

    w1: float = 0.0
    w2: float = 0.0
    b: float = 0.0
    activation: str = "sigmoid"

    def __post_init__(self) -> None:
        """Normalise the numbers to floats and check the activation name."""
        self.w1, self.w2, self.b = float(self.w1), float(self.w2), float(self.b)
        self.activation = get_activation(self.activation).name

    @property
    def params(self) -> tuple[float, float, float]:
        """The parameters as ``(w1, w2, b)``."""
        return self.w1, self.w2, self.b

    def set_params(self, w1: float, w2: float, b: float) -> None:
        """Set all three parameters at once."""
        self.w1, self.w2, self.b = float(w1), float(w2), float(b)

    def copy(self) -> Neuron:
        """Return an independent copy of this neuron."""
        return Neuron(self.w1, self.w2, self.b, self.activation)

    def weighted_sum(self, X: npt.ArrayLike) -> FloatArray:
        """Steps 1 and 2, multiply and add: ``z = X @ [w1, w2] + b`` for ``X`` of shape (n, 2).

        Overflow to ``±inf`` (only for weights near the float limit) is silenced here and
        handled by the callers.
        """
        points = as_points(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return points[:, 0] * self.w1 + points[:, 1] * self.w2 + self.b

    def predict_proba(self, X: npt.ArrayLike) -> FloatArray:
        """Step 3, squash: the activation of ``z`` for each point.

        For the sigmoid this is the probability of class 1 (class "B").
        """
        return np.asarray(get_activation(self.activation).fn(self.weighted_sum(X)))

    def probability(self, X: npt.ArrayLike) -> FloatArray:
        """The sigmoid probability of class 1, ``σ(z)``, whatever the activation."""
        return np.asarray(sigmoid(self.weighted_sum(X)))

    def predict(self, X: npt.ArrayLike) -> IntArray:
        """Predicted class, 0 or 1, per point: 1 where ``z >= 0``.

        For the sigmoid this is ``predict_proba(X) >= 0.5`` (up to rounding for points
        within about 1e-16 of the line).
        """
        return (self.weighted_sum(X) >= 0.0).astype(np.int64)

    def loss(self, X: npt.ArrayLike, y: npt.ArrayLike) -> float:
        """Mean binary cross-entropy (log loss) of the sigmoid output on ``(X, y)``.

        Computed stably from ``z`` as ``mean(log(1 + e^(−s·z)))`` with ``s = 2y − 1``;
        probabilities are clipped to ``[1e-12, 1 − 1e-12]`` (see
        :mod:`neuron_tui.model.losses`), so the loss stays finite for huge weights.
        """
        points, labels = as_points_and_labels(X, y)
        return log_loss_from_logits(self.weighted_sum(points), labels)

    def gradients(self, X: npt.ArrayLike, y: npt.ArrayLike) -> tuple[float, float, float]:
        """Gradient of :meth:`loss` as ``(dL/dw1, dL/dw2, dL/db)``.

        ``dL/dw = mean((p − t)·x)`` and ``dL/db = mean(p − t)`` with ``p = σ(z)``: the
        gradient of the (unclipped) log loss, equal to that of :meth:`loss` wherever no
        probability is clipped. Always finite for finite ``z``, since ``|p − t| <= 1``.
        """
        points, labels = as_points_and_labels(X, y)
        residual = np.asarray(sigmoid(self.weighted_sum(points))) - labels
        n = points.shape[0]
        dw = points.T @ residual / n
        return float(dw[0]), float(dw[1]), float(np.mean(residual))

    def accuracy(self, X: npt.ArrayLike, y: npt.ArrayLike) -> float:
        """Fraction of points whose predicted class equals the label, in ``[0, 1]``."""
        points, labels = as_points_and_labels(X, y)
        return float(np.mean(self.predict(points) == labels))

    def boundary_x2(self, x1: ArrayOrFloat) -> ArrayOrFloat | None:
        """``x2`` on the decision line ``w1·x1 + w2·x2 + b = 0`` at ``x1``.

        Returns ``None`` when ``w2 == 0`` (the line is vertical or absent).
        """
        if self.w2 == 0.0:
            return None
        x2 = -(self.w1 * np.asarray(x1, dtype=np.float64) + self.b) / self.w2
        return float(x2) if np.ndim(x2) == 0 else x2

    def line_segment(self, xlim: tuple[float, float], ylim: tuple[float, float]) -> Segment | None:
        """The decision line clipped to ``xlim × ylim``; see :func:`decision_line_segment`."""
        return decision_line_segment(self.w1, self.w2, self.b, xlim, ylim)
