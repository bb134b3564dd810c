"""float_sums: NumPy's summation order on Python floats, and when X.T @ r is exact."""

from __future__ import annotations

import numpy as np
import pytest

from neuron_tui.model.datasets import and_gate, or_gate, xor
from neuron_tui.model.float_sums import numpy_sum, unit_columns


@pytest.mark.parametrize("n", [*range(0, 20), 40, 127, 128, 129, 255, 256, 257, 1000])
def test_numpy_sum_is_numpys_sum_bit_for_bit(n) -> None:
    """Across the pairwise blocks (8 running sums, halving past 128), with values of
    very different sizes, where the order of additions shows in the last bits."""
    rng = np.random.default_rng(n)
    for _ in range(50):
        values = rng.normal(size=n) * rng.choice([1.0, 1e-8, 1e8], size=n)
        assert numpy_sum(values.tolist()) == float(np.add.reduce(values))


def test_left_to_right_is_not_numpys_order() -> None:
    """The test above can fail: adding left to right differs on some of the same data."""
    rng = np.random.default_rng(0)
    values = [rng.normal(size=40) * rng.choice([1.0, 1e-8, 1e8], size=40) for _ in range(50)]
    assert any(sum(v.tolist()) != float(np.add.reduce(v)) for v in values)


@pytest.mark.parametrize("n", [1, 3, 8, 20, 200])
def test_a_sum_of_negative_zeros_is_positive_zero_like_numpys(n) -> None:
    values = [-0.0] * n
    assert str(numpy_sum(values)) == str(float(np.add.reduce(np.array(values)))) == "0.0"


@pytest.mark.parametrize("gate", [and_gate, or_gate, xor])
def test_the_gates_corners_have_unit_columns(gate) -> None:
    X, _ = gate()
    columns = unit_columns(X)
    assert columns is not None
    r = np.random.default_rng(1).normal(size=X.shape[0])
    assert [sum(r[i] for i in rows) for rows in columns] == (X.T @ r).tolist()


@pytest.mark.parametrize("X", [
    [[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [1.0, 1.0]],  # three 1s in a column
    [[0.0, 0.0], [0.0, 1.0]],  # a column of zeros
    [[0.0, 2.0], [1.0, 1.0]],  # not 0 or 1
    [[0.5, 1.0], [1.0, 0.0]],
])
def test_other_points_have_no_unit_columns(X) -> None:
    assert unit_columns(np.array(X)) is None
