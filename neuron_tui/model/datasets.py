"""Seeded data sets for the lesson: the 40 points, AND, OR, XOR and two moons.

Every function returns ``(X, y)``: ``X`` a float64 array of shape ``(n, 2)`` and ``y``
an int64 array of ``n`` labels, 0 (class "A") or 1 (class "B"). Everything random is
drawn from ``numpy.random.default_rng(seed)``, so the same seed gives the same data on
every run and every machine.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from neuron_tui.model.normals import SeededNormals

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Dataset = tuple[FloatArray, IntArray]
"""``(X, y)``: points of shape (n, 2) and 0/1 labels of shape (n,)."""

CLASS_NAMES: tuple[str, str] = ("A", "B")
"""Display names of label 0 and label 1."""

PLOT_LIMIT = 3.0
"""The 40 points lie inside ``[-PLOT_LIMIT, PLOT_LIMIT]`` on both axes."""

_CENTRE_A = (-0.8, -0.6)
_CENTRE_B = (1.6, 1.4)
_SPREAD = 0.8
_POINTS_PER_CLASS = 20
_STRAYS_PER_CLASS = 1
_BOX = 2.9


def _blob(rng: SeededNormals, centre: tuple[float, float], count: int) -> FloatArray:
    """``count`` Gaussian points around ``centre``, redrawn until inside ``±_BOX``."""
    points = np.empty((count, 2), dtype=np.float64)
    filled = 0
    while filled < count:
        point = rng.normal(centre, _SPREAD)
        if np.all(np.abs(point) <= _BOX):
            points[filled] = point
            filled += 1
    return points


def forty_points(seed: int = 0) -> Dataset:
    """The 40 points of Part 02: two classes of 20 in 2-D, nearly linearly separable.

    Class A (label 0) is a Gaussian blob around (-0.8, -0.6), class B (label 1) one
    around (1.6, 1.4), both with standard deviation 0.8 and kept inside ±2.9. One point
    of each class is drawn from the other class's blob, so no straight line separates
    them perfectly: the best line misclassifies a few points and the unregularised
    log-loss optimum is finite. The best line is tilted (both weights matter) and
    misses the origin (the bias matters).

    With the default seed, scikit-learn's ``LogisticRegression(C=np.inf)`` finds about
    ``w1 = 1.20, w2 = 1.18, b = -0.92`` (loss ≈ 0.268, accuracy 0.95: two points on the wrong side).
    Points are ordered: the 20 of class A, then the 20 of class B.
    """
    rng = SeededNormals(seed)  # default_rng(seed)'s draws, without importing numpy.random
    kept = _POINTS_PER_CLASS - _STRAYS_PER_CLASS
    class_a = np.vstack([_blob(rng, _CENTRE_A, kept), _blob(rng, _CENTRE_B, _STRAYS_PER_CLASS)])
    class_b = np.vstack([_blob(rng, _CENTRE_B, kept), _blob(rng, _CENTRE_A, _STRAYS_PER_CLASS)])
    X = np.vstack([class_a, class_b])
    y = np.repeat(np.array([0, 1], dtype=np.int64), _POINTS_PER_CLASS)
    return X, y


_CORNERS: FloatArray = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _gate(labels: list[int]) -> Dataset:
    """The four 0/1 corners with the given labels."""
    return _CORNERS.copy(), np.array(labels, dtype=np.int64)


def and_gate() -> Dataset:
    """Logical AND on the corners (0,0), (0,1), (1,0), (1,1): labels 0, 0, 0, 1."""
    return _gate([0, 0, 0, 1])


def or_gate() -> Dataset:
    """Logical OR on the corners (0,0), (0,1), (1,0), (1,1): labels 0, 1, 1, 1."""
    return _gate([0, 1, 1, 1])


def xor() -> Dataset:
    """Logical XOR on the corners (0,0), (0,1), (1,0), (1,1): labels 0, 1, 1, 0.

    No single straight line separates it.
    """
    return _gate([0, 1, 1, 0])


def train_test_split_indices(
    n: int, test_fraction: float = 0.25, seed: int = 0
) -> tuple[IntArray, IntArray]:
    """Shuffle ``range(n)`` with ``seed`` and split it into ``(train, test)`` indices.

    The test part has ``round(n · test_fraction)`` indices, but at least one and leaving
    at least one for training. Both parts are sorted.

    Raises:
        ValueError: ``n < 2`` or ``test_fraction`` not strictly between 0 and 1.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    n_test = min(max(round(n * test_fraction), 1), n - 1)
    order = np.random.default_rng(seed).permutation(int(n))
    return np.sort(order[n_test:]).astype(np.int64), np.sort(order[:n_test]).astype(np.int64)
