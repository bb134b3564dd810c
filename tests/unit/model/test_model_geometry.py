"""The decision line clipped to the plot rectangle."""

from __future__ import annotations

import math

import pytest

from neuron_tui.model import decision_line_segment

BOX = ((-3.0, 3.0), (-3.0, 3.0))


def _close(segment, expected) -> bool:
    return all(
        math.isclose(a, b, abs_tol=1e-12)
        for point, want in zip(segment, expected, strict=True)
        for a, b in zip(point, want, strict=True)
    )


def test_diagonal_through_corners() -> None:
    # x + y = 0 runs corner to corner.
    segment = decision_line_segment(1.0, 1.0, 0.0, *BOX)
    assert segment is not None and _close(segment, ((-3.0, 3.0), (3.0, -3.0)))


def test_sloped_line_hits_left_and_top() -> None:
    # y = 2x + 1  ⇔  2x − y + 1 = 0: enters at x = -2 (bottom), leaves at x = 1 (top).
    segment = decision_line_segment(2.0, -1.0, 1.0, *BOX)
    assert segment is not None and _close(segment, ((-2.0, -3.0), (1.0, 3.0)))


def test_end_points_lie_on_line_and_border() -> None:
    w1, w2, b = 0.7, -1.3, 0.4
    segment = decision_line_segment(w1, w2, b, (-2.0, 5.0), (-1.0, 4.0))
    assert segment is not None
    for x, y in segment:
        assert math.isclose(w1 * x + w2 * y + b, 0.0, abs_tol=1e-12)
        assert -2.0 <= x <= 5.0 and -1.0 <= y <= 4.0
        assert x in (-2.0, 5.0) or y in (-1.0, 4.0)
    assert segment[0][0] <= segment[1][0]


def test_vertical_line() -> None:
    # w2 == 0: 2x − 1 = 0  ⇔  x = 0.5.
    assert decision_line_segment(2.0, 0.0, -1.0, *BOX) == ((0.5, -3.0), (0.5, 3.0))
    assert decision_line_segment(1.0, 0.0, -4.0, *BOX) is None


def test_horizontal_line() -> None:
    # w1 == 0: 2y + 3 = 0  ⇔  y = -1.5.
    assert decision_line_segment(0.0, 2.0, 3.0, *BOX) == ((-3.0, -1.5), (3.0, -1.5))
    assert decision_line_segment(0.0, 1.0, 10.0, *BOX) is None


def test_line_outside_rectangle() -> None:
    # x + y = 10 passes far from the box.
    assert decision_line_segment(1.0, 1.0, -10.0, *BOX) is None


def test_line_touching_only_a_corner() -> None:
    # x + y = 6 touches (3, 3) and nothing else.
    assert decision_line_segment(1.0, 1.0, -6.0, *BOX) is None


@pytest.mark.parametrize(
    "w1, w2, b", [(0.0, 0.0, 0.0), (0.0, 0.0, 1.0), (math.nan, 1.0, 0.0), (1.0, math.inf, 0.0)]
)
def test_no_line(w1: float, w2: float, b: float) -> None:
    assert decision_line_segment(w1, w2, b, *BOX) is None


def test_scale_does_not_matter_and_huge_weights_work() -> None:
    small = decision_line_segment(1.2, 1.1, -0.9, *BOX)
    huge = decision_line_segment(1.2e6, 1.1e6, -0.9e6, *BOX)
    assert small is not None and huge is not None and _close(small, huge)
    # Nearly vertical: w2 tiny.
    steep = decision_line_segment(1e6, 1e-9, -1e6, *BOX)
    assert steep is not None
    assert all(math.isclose(x, 1.0, abs_tol=1e-6) for x, _ in steep)


def test_reversed_limits_are_accepted() -> None:
    assert decision_line_segment(1.0, 0.0, 0.0, (3.0, -3.0), (3.0, -3.0)) == (
        (0.0, -3.0),
        (0.0, 3.0),
    )
