"""Sums of Python floats in NumPy's order, so a loop on plain floats gives NumPy's bits.

On a handful of points NumPy's per-call cost, not the arithmetic, is the time of a
training epoch, so the training loops do the elementwise work on Python floats (the
same IEEE operations as NumPy's elementwise ufuncs, so the same results). A sum is
where the two could differ: ``np.add.reduce`` of a float64 array adds in a fixed
pairwise order (``pairwise_sum`` in NumPy's ``loops_utils.h.src``), which
:func:`numpy_sum` follows. (Python's own ``sum`` adds left to right, and from 3.12
compensates the rounding, so it does not give NumPy's bits.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

#: NumPy's pairwise summation: fewer values than this are added left to right ...
_UNROLL = 8
#: ... and blocks up to this size with eight running sums; larger ones are halved.
_BLOCK = 128


def numpy_sum(values: Sequence[float]) -> float:
    """``float(np.add.reduce(np.array(values)))``, bit for bit, without NumPy.

    The reduction starts from its identity, +0.0, so a sum of -0.0s is +0.0.
    """
    if len(values) < _UNROLL:  # _pairwise's first case, without the call
        total = 0.0
        for value in values:
            total += value
        return total
    return 0.0 + _pairwise(values)


def _pairwise(values: Sequence[float]) -> float:
    """NumPy's ``pairwise_sum`` of `values`."""
    n = len(values)
    if n < _UNROLL:
        total = 0.0
        for value in values:
            total += value
        return total
    if n <= _BLOCK:
        sums = list(values[:_UNROLL])
        end = n - n % _UNROLL
        for start in range(_UNROLL, end, _UNROLL):
            for lane in range(_UNROLL):
                sums[lane] += values[start + lane]
        total = ((sums[0] + sums[1]) + (sums[2] + sums[3])) + (
            (sums[4] + sums[5]) + (sums[6] + sums[7]))
        for value in values[end:]:
            total += value
        return total
    half = n // 2
    half -= half % _UNROLL
    return _pairwise(values[:half]) + _pairwise(values[half:])


def unit_columns(X: npt.NDArray[np.float64]) -> list[tuple[int, ...]] | None:
    """Each column's rows holding a 1, when every entry of ``X`` is 0 or 1 and every
    column has one or two 1s (the logic gates' corners); None otherwise.

    Then ``X.T @ r`` is, per column, the sum of those one or two entries of ``r``: every
    product is exact (``r`` or a zero) and two numbers add with one rounding, so no
    order of the BLAS's additions, nor a fused multiply-add, can change a bit.
    """
    if not np.all((X == 0.0) | (X == 1.0)):
        return None
    rows = [tuple(np.flatnonzero(column).tolist()) for column in X.T]
    return rows if all(1 <= len(ones) <= 2 for ones in rows) else None
