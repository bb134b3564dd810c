"""A tiny multi-layer perceptron in NumPy: 2 inputs, one hidden layer, 1 sigmoid output.

Small enough to read: forward pass, log loss, backpropagation and full-batch gradient
descent, nothing else. It exists to show that one hidden layer solves XOR, which one
neuron cannot. (Part 05's larger network on two moons is scikit-learn's.)

Shapes, for ``n`` points and ``H`` hidden units::

    X (n, 2) → h = act(X @ W1 + b1) (n, H) → z = h @ W2 + b2 (n, 1) → p = σ(z)

with ``W1 (2, H)``, ``b1 (H,)``, ``W2 (H, 1)``, ``b2 (1,)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from neuron_tui.model.activations import get_activation, sigmoid
from neuron_tui.model.losses import log_loss_from_logits
from neuron_tui.model.mlp_epochs import Epochs, split
from neuron_tui.model.normals import SeededNormals
from neuron_tui.model.validation import (
    as_points,
    as_points_and_labels,
    check_epochs,
    check_learning_rate,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

PARAMETER_NAMES: tuple[str, ...] = ("W1", "b1", "W2", "b2")
"""The MLP's parameter arrays, in order."""

HIDDEN_ACTIVATIONS: tuple[str, ...] = ("tanh", "sigmoid")
"""Activations allowed in the hidden layer."""

MAX_HIDDEN_UNITS = 64
"""The largest hidden layer allowed."""

WEIGHT_LIMIT = 1e6
"""Every parameter is clipped to ``±WEIGHT_LIMIT`` after a step, so a huge learning rate
cannot push anything to infinity or NaN. Normal training never gets near it."""

DEFAULT_LEARNING_RATE = 1.0
"""Learning rate of :meth:`MLP.train` by default; solves XOR with 2 to 4 hidden units."""

DEFAULT_EPOCHS = 2000
"""Epochs of :meth:`MLP.train` by default."""


class MLPStep(NamedTuple):
    """The network's state after one epoch: ``(epoch, loss, accuracy)``."""

    epoch: int
    loss: float
    accuracy: float


class _Forward(NamedTuple):
    """Intermediate values of one forward pass, kept for backpropagation."""

    hidden_z: FloatArray
    hidden: FloatArray
    output_z: FloatArray


class MLP:
    """One hidden layer of ``hidden_units`` neurons and one sigmoid output neuron.

    Weights are drawn from ``numpy.random.default_rng(seed)`` with Xavier (Glorot)
    normal scaling, ``std = sqrt(2 / (fan_in + fan_out))``; biases start at 0. The same
    seed gives the same network. Parameters are the NumPy arrays ``W1``, ``b1``, ``W2``
    and ``b2`` (see the module docstring for shapes); training changes them in place.

    Raises:
        ValueError: ``hidden_units`` not an integer in 1..64, or ``activation`` not
            ``"tanh"`` or ``"sigmoid"``.
    """

    def __init__(self, hidden_units: int = 3, activation: str = "tanh", seed: int = 0) -> None:
        """Create a freshly initialised network."""
        if (
            isinstance(hidden_units, bool)
            or not isinstance(hidden_units, int | np.integer)
            or not 1 <= hidden_units <= MAX_HIDDEN_UNITS
        ):
            raise ValueError(
                f"hidden_units must be an integer from 1 to {MAX_HIDDEN_UNITS}, "
                f"got {hidden_units!r}"
            )
        act = get_activation(activation)
        if act.name not in HIDDEN_ACTIVATIONS:
            raise ValueError(
                f"hidden activation must be one of {', '.join(HIDDEN_ACTIVATIONS)}, "
                f"got {activation!r}"
            )
        self.hidden_units = int(hidden_units)
        self.activation = act.name
        self.seed = seed
        self._act = act
        rng = SeededNormals(seed)  # default_rng(seed)'s draws, without importing numpy.random
        h = self.hidden_units
        # All four live in one flat array, so that training can update them with one
        # NumPy call instead of sixteen (see mlp_epochs); they are views of it.
        self._flat: FloatArray = np.zeros(4 * h + 1)
        self._views = split(self._flat, h)
        self.W1, self.b1, self.W2, self.b2 = self._views
        self.W1[...] = rng.normal(0.0, np.sqrt(2.0 / (2 + h)), size=(2, h))
        self.W2[...] = rng.normal(0.0, np.sqrt(2.0 / (h + 1)), size=(h, 1))

    def __repr__(self) -> str:
        """Show the architecture."""
        return (
            f"MLP(hidden_units={self.hidden_units}, activation={self.activation!r}, "
            f"seed={self.seed!r})"
        )

    @property
    def params(self) -> dict[str, FloatArray]:
        """The parameter arrays by name (the arrays themselves, not copies)."""
        return {"W1": self.W1, "b1": self.b1, "W2": self.W2, "b2": self.b2}

    def _forward(self, X: FloatArray) -> _Forward:
        """Run the network on checked points, keeping what backpropagation needs."""
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            hidden_z = X @ self.W1 + self.b1
            hidden = np.asarray(self._act.fn(hidden_z))
            output_z = (hidden @ self.W2 + self.b2)[:, 0]
        return _Forward(hidden_z, hidden, output_z)

    def logits(self, X: npt.ArrayLike) -> FloatArray:
        """The output neuron's pre-activation ``z`` for each point."""
        return self._forward(as_points(X)).output_z

    def forward(self, X: npt.ArrayLike) -> FloatArray:
        """The probability of class 1 for each point of ``X`` (shape (n, 2))."""
        return np.asarray(sigmoid(self.logits(X)))

    def predict_proba(self, X: npt.ArrayLike) -> FloatArray:
        """Same as :meth:`forward`."""
        return self.forward(X)

    def predict(self, X: npt.ArrayLike) -> IntArray:
        """Predicted class, 0 or 1: 1 where the output ``z >= 0`` (probability >= 0.5)."""
        return (self.logits(X) >= 0.0).astype(np.int64)

    def loss(self, X: npt.ArrayLike, y: npt.ArrayLike) -> float:
        """Mean log loss, computed stably from the output ``z`` (clipped like the neuron's)."""
        points, labels = as_points_and_labels(X, y)
        return log_loss_from_logits(self._forward(points).output_z, labels)

    def accuracy(self, X: npt.ArrayLike, y: npt.ArrayLike) -> float:
        """Fraction of points classified correctly, in ``[0, 1]``."""
        points, labels = as_points_and_labels(X, y)
        return float(np.mean(self.predict(points) == labels))

    def gradients(self, X: npt.ArrayLike, y: npt.ArrayLike) -> dict[str, FloatArray]:
        """Gradient of the (unclipped) log loss for every parameter, by backpropagation.

        Returns new arrays keyed ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``, each shaped like
        its parameter.
        """
        points, labels = as_points_and_labels(X, y)
        return self._backward(points, labels, self._forward(points))

    def _backward(self, X: FloatArray, y: FloatArray, fwd: _Forward) -> dict[str, FloatArray]:
        """The gradients from a forward pass at the current parameters (inputs checked)."""
        n = X.shape[0]
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            d_output = (np.asarray(sigmoid(fwd.output_z)) - y)[:, None] / n  # (n, 1)
            d_W2 = fwd.hidden.T @ d_output
            d_b2 = d_output.sum(axis=0)
            d_hidden = (d_output @ self.W2.T) * np.asarray(self._act.derivative(fwd.hidden_z))
            d_W1 = X.T @ d_hidden
            d_b1 = d_hidden.sum(axis=0)
        return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}

    def step(self, X: npt.ArrayLike, y: npt.ArrayLike, learning_rate: float) -> float:
        """One full-batch gradient-descent step; returns the loss after it.

        Parameters are clipped to ``±WEIGHT_LIMIT`` (and a non-finite gradient entry
        leaves its parameter unchanged), so no learning rate can produce NaN.

        Raises:
            ValueError: ``learning_rate`` not finite or not > 0.
        """
        rate = check_learning_rate(learning_rate)
        points, labels = as_points_and_labels(X, y)
        self._step(points, labels, rate)
        return self.loss(points, labels)

    def _step(self, X: FloatArray, y: FloatArray, learning_rate: float,
              fwd: _Forward | None = None) -> None:
        """Update the parameters in place (arguments already checked); `fwd`, when given,
        is the forward pass at the current parameters, so it is not computed again."""
        grads = self._backward(X, y, self._forward(X) if fwd is None else fwd)
        with np.errstate(over="ignore", invalid="ignore"):
            for name, param in self.params.items():
                grad = grads[name]
                if not np.isfinite(grad).all():  # rare: checking is cheaper than replacing
                    grad = np.nan_to_num(grad, nan=0.0, posinf=0.0, neginf=0.0)
                np.clip(param - learning_rate * grad, -WEIGHT_LIMIT, WEIGHT_LIMIT, out=param)

    def train(
        self,
        X: npt.ArrayLike,
        y: npt.ArrayLike,
        learning_rate: float = DEFAULT_LEARNING_RATE,
        epochs: int = DEFAULT_EPOCHS,
    ) -> Iterator[MLPStep]:
        """Full-batch gradient descent, yielding ``(epoch, loss, accuracy)`` per epoch.

        Epochs are numbered from 1; exactly ``epochs`` steps are yielded and the network
        is updated in place as the generator advances. Arguments are checked at call time.

        Raises:
            ValueError: bad ``learning_rate``, ``epochs``, ``X`` or ``y``.
        """
        rate = check_learning_rate(learning_rate)
        count = check_epochs(epochs)
        points, labels = as_points_and_labels(X, y)
        return self._train(points, labels, rate, count)

    def _train(self, X: FloatArray, y: FloatArray, learning_rate: float, epochs: int,
               ) -> Iterator[MLPStep]:
        """The generator behind :meth:`train` (arguments already checked).

        One forward pass an epoch (:class:`~neuron_tui.model.mlp_epochs.Epochs`): the
        pass that gives an epoch's loss and accuracy is also the one the next epoch's
        gradients start from (the same numbers as calling :meth:`step`, :meth:`loss`
        and :meth:`accuracy`, at a fraction of the cost). Floating-point warnings are
        silenced while an epoch is computed, never while the caller holds a step.
        """
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            run = self._epochs(X, y, learning_rate)
        run.check_gradients = True  # the caller may change a parameter between epochs
        for epoch in range(1, epochs + 1):
            with np.errstate(over="ignore", invalid="ignore", under="ignore"):
                run.params = self.W1, self.b1, self.W2, self.b2  # the caller may replace one
                run.epoch()
                loss, accuracy = run.score()
            yield MLPStep(epoch, loss, accuracy)

    def _epochs(self, X: FloatArray, y: FloatArray, learning_rate: float) -> Epochs:
        """Gradient descent on this network's parameters (the caller silences warnings)."""
        return Epochs(self._flat, self._views, (self.W1, self.b1, self.W2, self.b2), X, y,
                      learning_rate, tanh=self.activation == "tanh", weight_limit=WEIGHT_LIMIT)

    def fit(
        self,
        X: npt.ArrayLike,
        y: npt.ArrayLike,
        learning_rate: float = DEFAULT_LEARNING_RATE,
        epochs: int = DEFAULT_EPOCHS,
    ) -> MLPStep:
        """Train for ``epochs`` epochs and return the last step (epoch 0 if ``epochs == 0``).

        The weights are those :meth:`train` leaves, but only the last epoch is scored.
        """
        points, labels = as_points_and_labels(X, y)
        rate = check_learning_rate(learning_rate)
        count = check_epochs(epochs)
        if count == 0:
            return MLPStep(0, self.loss(points, labels), self.accuracy(points, labels))
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            run = self._epochs(points, labels, rate)
            for _ in range(count):
                run.epoch()
            loss, accuracy = run.score()
        return MLPStep(count, loss, accuracy)

    def predict_proba_grid(self, xs: npt.ArrayLike, ys: npt.ArrayLike) -> FloatArray:
        """Probability of class 1 over the grid ``xs × ys``, for shading regions.

        Returns shape ``(len(ys), len(xs))``: **rows follow y, columns follow x**, so
        ``grid[i, j]`` is the probability at ``(xs[j], ys[i])``.
        """
        gx = np.asarray(xs, dtype=np.float64).reshape(-1)
        gy = np.asarray(ys, dtype=np.float64).reshape(-1)
        mesh_x, mesh_y = np.meshgrid(gx, gy)
        points = np.column_stack([mesh_x.ravel(), mesh_y.ravel()])
        return self.forward(points).reshape(gy.size, gx.size)
