"""Binary cross-entropy (log loss) computed stably from the pre-activation ``z``.

For a sigmoid output ``p = σ(z)`` and a target ``t`` in {0, 1}, the per-sample loss
``−t·log(p) − (1 − t)·log(1 − p)`` equals ``log(1 + e^(−s·z))`` with ``s = 2t − 1``,
which :func:`numpy.logaddexp` evaluates without overflow for any finite or infinite ``z``.

As the design asks, probabilities are clipped to ``[EPSILON, 1 − EPSILON]``: since
``−log`` is monotone, that is the same as clamping each per-sample loss into
``[−log(1 − EPSILON), −log(EPSILON)]`` (about ``[1e-12, 27.63]``). So the loss is finite
even for weights of ``±1e6`` or more; where no probability is clipped it is exact.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

EPSILON = 1e-12
"""Probabilities are clipped to ``[EPSILON, 1 − EPSILON]`` in the loss."""

MAX_SAMPLE_LOSS = -math.log(EPSILON)
"""The largest per-sample loss, ``−log(EPSILON)`` ≈ 27.63."""

MIN_SAMPLE_LOSS = -math.log1p(-EPSILON)
"""The smallest per-sample loss, ``−log(1 − EPSILON)`` ≈ 1e-12."""


def sample_log_loss(z: npt.ArrayLike, y: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Per-sample log loss of a sigmoid output with pre-activation ``z`` and targets ``y``.

    ``z`` and ``y`` broadcast against each other; the result has the broadcast shape.
    """
    z_arr = np.asarray(z, dtype=np.float64)
    sign = 2.0 * np.asarray(y, dtype=np.float64) - 1.0
    with np.errstate(over="ignore", under="ignore"):
        per_sample = np.logaddexp(0.0, -sign * z_arr)
    return np.clip(per_sample, MIN_SAMPLE_LOSS, MAX_SAMPLE_LOSS)


def log_loss_from_logits(z: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Mean log loss of a sigmoid output with pre-activations ``z`` and targets ``y``."""
    return float(np.mean(sample_log_loss(z, y)))


def mean_log_loss_grid(z: npt.ArrayLike, y: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Mean log loss over the last axis of a stack of pre-activations (one per grid cell)."""
    return np.asarray(np.mean(sample_log_loss(z, y), axis=-1), dtype=np.float64)
