"""The MLP's full-batch gradient descent, an epoch at a time in preallocated buffers.

On a few points (Part 04 trains on XOR's 4) NumPy's per-call cost, not the arithmetic,
is an epoch's time. So an epoch here is as few NumPy calls as give the same bits as
:meth:`MLP.step`: the matrix products (whose sums are the BLAS's), ``tanh`` and ``exp``
(NumPy's own) and the elementwise work on whole arrays stay NumPy calls, into buffers
made once; the output neuron's few values are handled as Python floats (the same IEEE
operations, so the same results), and their sum follows NumPy's order
(:func:`~neuron_tui.model.float_sums.numpy_sum`).

Shapes as in :mod:`neuron_tui.model.mlp`; ``flat`` holds W1, b1, W2, b2 in that order.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from neuron_tui.model.float_sums import numpy_sum
from neuron_tui.model.losses import MAX_SAMPLE_LOSS, MIN_SAMPLE_LOSS
from neuron_tui.model.neuron import sigmoid_of

FloatArray = npt.NDArray[np.float64]
Params = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def split(flat: FloatArray, h: int) -> Params:
    """``W1 (2, h)``, ``b1 (h,)``, ``W2 (h, 1)``, ``b2 (1,)`` as views of ``flat``."""
    return (flat[:2 * h].reshape(2, h), flat[2 * h:3 * h], flat[3 * h:4 * h].reshape(h, 1),
            flat[4 * h:])


#: Inputs within ±this keep every gradient finite while the parameters are within
#: ±weight_limit (≤ 1e6): no sum of the forward or backward pass can then pass 1e307.
INPUT_BOUND = 1e300


def _bounded(values: FloatArray, limit: float) -> bool:
    """Whether every value is within ±limit (NaN is not)."""
    return bool(np.all(np.abs(values) <= limit))


class Epochs:
    """Gradient descent on one network's parameters (changed in place), on checked
    points ``X`` (n, 2) and labels ``y`` (n,).

    Args:
        flat: the parameters, one flat array; ``views`` are W1, b1, W2, b2 in it.
        params: the network's W1, b1, W2, b2 now (its views, unless the caller replaced
            an array).
        tanh: the hidden activation is tanh (else the sigmoid).
        weight_limit: every parameter is clipped to ``±weight_limit`` after a step.

    The caller silences floating-point warnings around :meth:`epoch` and :meth:`score`.
    """

    def __init__(self, flat: FloatArray, views: Params, params: Params, X: FloatArray,
                 y: FloatArray, learning_rate: float, *, tanh: bool, weight_limit: float,
                 ) -> None:
        n, h = X.shape[0], views[1].shape[0]
        self._flat, self._views = flat, views
        self._X, self._X_T = X, X.T
        self._labels: list[float] = y.tolist()
        self._is_one = [label == 1.0 for label in self._labels]
        self._flip = -(2.0 * y - 1.0)  # sample_log_loss's −(2y − 1)
        self._n, self._tanh = n, tanh
        # 0-d arrays: cheaper operands than floats. A rate of 1 multiplies nothing.
        self._rate = None if learning_rate == 1.0 else np.array(learning_rate)
        self._low, self._high = np.array(-weight_limit), np.array(weight_limit)
        self._hidden_z, self._hidden = np.empty((n, h)), np.empty((n, h))
        self._hidden_T = self._hidden.T
        self._slope, self._d_hidden = np.empty((n, h)), np.empty((n, h))
        self._hidden_w2 = np.empty((n, 1))
        self._d_output = np.empty((n, 1))
        self._grad = np.empty_like(flat)
        self._grads = split(self._grad, h)
        self._update = np.empty_like(flat)
        #: Whether a step must look for non-finite gradient entries. Not while inputs
        #: and parameters are bounded: each step keeps the parameters so (it clips them),
        #: so only a caller changing them between epochs (train's) needs it on.
        self.check_gradients = not (_bounded(X, INPUT_BOUND) and all(
            _bounded(param, weight_limit) for param in params))
        self.params = params
        self.forward()

    @property
    def params(self) -> Params:
        """W1, b1, W2, b2 as the network holds them (set it if the caller replaced one)."""
        return self._params

    @params.setter
    def params(self, params: Params) -> None:
        self._params = params
        # Every step is elementwise, so one call on the flat arrays gives what one call
        # per parameter gives; only if the caller replaced an array does it go one by one.
        self._W2_T = params[2].T
        if all(p is v for p, v in zip(params, self._views, strict=True)):
            self._pairs: tuple[tuple[FloatArray, FloatArray], ...] = ((self._flat, self._grad),)
        else:
            self._pairs = tuple(zip(params, self._grads, strict=True))

    def forward(self) -> None:
        """``hidden = act(X @ W1 + b1)``, ``z = hidden @ W2 + b2`` at :attr:`params`
        (MLP._forward's operations; the last addition on floats)."""
        W1, b1, W2, b2 = self._params
        hidden_z, hidden = self._hidden_z, self._hidden
        np.matmul(self._X, W1, out=hidden_z)
        np.add(hidden_z, b1, out=hidden_z)
        if self._tanh:
            np.tanh(hidden_z, out=hidden)
        else:
            hidden[...] = sigmoid_of(hidden_z)
        np.matmul(hidden, W2, out=self._hidden_w2)
        bias = b2.item()
        #: The output neuron's z per point.
        self.z = [v + bias for v in self._hidden_w2[:, 0].tolist()]

    def epoch(self) -> None:
        """One step (MLP._step's numbers) and the forward pass at the new parameters."""
        self._backward()
        self._step()
        self.forward()

    def _backward(self) -> None:
        """The gradients at :attr:`params` from the last forward pass (MLP._backward's)."""
        n = self._n
        hidden, slope, d_hidden = self._hidden, self._slope, self._d_hidden
        g_W1, g_b1, g_W2, g_b2 = self._grads
        z = self.z
        e = np.exp(np.array([-abs(v) for v in z])).tolist()
        # sigmoid_of(z) − y, over n: where(z >= 0, 1, e) / (1 + e) − y, then / n.
        d_list = [((1.0 if v >= 0.0 else ev) / (1.0 + ev) - label) / n
                  for v, ev, label in zip(z, e, self._labels, strict=True)]
        d_output = self._d_output
        d_output[:, 0] = d_list
        np.matmul(self._hidden_T, d_output, out=g_W2)
        g_b2[0] = numpy_sum(d_list)
        if self._tanh:  # the derivative from the output: 1 − t², or s·(1 − s)
            np.multiply(hidden, hidden, out=slope)
            np.subtract(1.0, slope, out=slope)
        else:
            np.subtract(1.0, hidden, out=slope)
            np.multiply(hidden, slope, out=slope)
        np.matmul(d_output, self._W2_T, out=d_hidden)
        np.multiply(d_hidden, slope, out=d_hidden)
        np.matmul(self._X_T, d_hidden, out=g_W1)
        np.add.reduce(d_hidden, axis=0, out=g_b1)

    def _step(self) -> None:
        """``clip(param − rate · grad)`` for every parameter; a non-finite gradient entry
        counts as 0 (np.clip is minimum(maximum(…)) behind Python wrappers)."""
        for param, grad in self._pairs:
            if self.check_gradients and not np.isfinite(grad).all():
                grad = np.nan_to_num(grad, nan=0.0, posinf=0.0, neginf=0.0)
            update = self._update if param is self._flat else np.empty_like(param)
            if self._rate is None:  # 1 · grad is grad, exactly
                np.subtract(param, grad, out=update)
            else:
                np.multiply(self._rate, grad, out=update)
                np.subtract(param, update, out=update)
            np.maximum(update, self._low, out=update)
            np.minimum(update, self._high, out=param)

    def score(self) -> tuple[float, float]:
        """Loss and accuracy at :attr:`params` (MLP.loss's and MLP.accuracy's numbers)."""
        z = self.z
        losses = np.minimum(np.maximum(np.logaddexp(0.0, self._flip * np.array(z)),
                                       MIN_SAMPLE_LOSS), MAX_SAMPLE_LOSS)
        right = 0
        for v, one in zip(z, self._is_one, strict=True):
            right += (v >= 0.0) == one
        return float(np.add.reduce(losses)) / self._n, right / self._n
