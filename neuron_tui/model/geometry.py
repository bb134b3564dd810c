"""Where the decision line ``w1·x1 + w2·x2 + b = 0`` crosses a plotting rectangle."""

from __future__ import annotations

import math

Point = tuple[float, float]
"""An ``(x, y)`` point."""

Segment = tuple[Point, Point]
"""Two end points ``((x_a, y_a), (x_b, y_b))``."""


def decision_line_segment(
    w1: float,
    w2: float,
    b: float,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
) -> Segment | None:
    """Clip the line ``w1·x + w2·y + b = 0`` to the rectangle ``xlim × ylim``.

    Returns the two end points on the rectangle's border, ordered by increasing ``x``
    (then ``y``), or ``None`` when there is nothing to draw: the line misses the
    rectangle, only touches one corner, ``w1 == w2 == 0`` (no line at all), or an
    input is not finite. ``w2 == 0`` gives a vertical line, ``w1 == 0`` a horizontal one.
    """
    w1, w2, b = float(w1), float(w2), float(b)
    x_min, x_max = sorted((float(xlim[0]), float(xlim[1])))
    y_min, y_max = sorted((float(ylim[0]), float(ylim[1])))
    values = (w1, w2, b, x_min, x_max, y_min, y_max)
    if not all(math.isfinite(v) for v in values):
        return None
    if w1 == 0.0 and w2 == 0.0:
        return None
    if w2 == 0.0:
        x = -b / w1
        if x_min <= x <= x_max and y_min < y_max:
            return (x, y_min), (x, y_max)
        return None
    if w1 == 0.0:
        y = -b / w2
        if y_min <= y <= y_max and x_min < x_max:
            return (x_min, y), (x_max, y)
        return None

    tol = 1e-12 * max(x_max - x_min, y_max - y_min, 1.0)
    candidates: list[Point] = []
    for x in (x_min, x_max):
        y = -(w1 * x + b) / w2
        if y_min - tol <= y <= y_max + tol:
            candidates.append((x, min(max(y, y_min), y_max)))
    for y in (y_min, y_max):
        x = -(w2 * y + b) / w1
        if x_min - tol <= x <= x_max + tol:
            candidates.append((min(max(x, x_min), x_max), y))
    if len(candidates) < 2:
        return None
    start = min(candidates)
    end = max(candidates)
    if math.dist(start, end) <= tol:
        return None
    return start, end
