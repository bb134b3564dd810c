"""Part 01's state: five numbers and an activation, the three steps computed from them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuron_tui.lesson.part01 import ACTIVATION_ORDER, KNOBS, AtomState, formula_lines
from neuron_tui.model.activations import ACTIVATIONS


def test_starts_with_the_wireframe_numbers() -> None:
    state = AtomState()
    assert state.inputs == (1.0, -0.5, 0.8, 0.4, 0.0)
    assert state.activation == "sigmoid"
    steps = state.steps
    assert steps.product1 == pytest.approx(0.8)
    assert steps.product2 == pytest.approx(-0.2)
    assert steps.z == pytest.approx(0.6)
    assert steps.y == pytest.approx(1 / (1 + math.exp(-0.6)))


def test_every_number_feeds_the_steps() -> None:
    state = AtomState()
    for key, value in (("x1", 2.0), ("x2", 1.5), ("w1", -1.2), ("w2", 3.0), ("b", 0.7)):
        state.set_value(key, value)
    x = np.array([2.0, 1.5])
    w = np.array([-1.2, 3.0])
    z = float(x @ w + 0.7)
    assert state.inputs == (2.0, 1.5, -1.2, 3.0, 0.7)
    assert state.steps.z == pytest.approx(z)
    assert state.steps.y == pytest.approx(1 / (1 + np.exp(-z)))


def test_values_stay_within_each_knobs_range() -> None:
    state = AtomState()
    state.set_value("x1", 99.0)
    state.set_value("w2", -99.0)
    ranges = {knob.key: (knob.minimum, knob.maximum) for knob in KNOBS}
    assert state.values["x1"] == ranges["x1"][1] == 3.0
    assert state.values["w2"] == ranges["w2"][0] == -5.0


def test_an_unknown_number_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown number 'x3'.*x1, x2, w1, w2, b"):
        AtomState().set_value("x3", 1.0)


def test_a_cycles_through_every_activation_and_back() -> None:
    state = AtomState()
    seen = [state.cycle_activation() for _ in ACTIVATIONS]
    assert seen == ["relu", "tanh", "sigmoid"]
    assert set(ACTIVATION_ORDER) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_the_activation_squashes_the_sum(name: str) -> None:
    state = AtomState()
    while state.activation != name:
        state.cycle_activation()
    state.set_value("b", -1.0)  # z = 0.8 - 0.2 - 1.0 = -0.4
    assert state.activation_info.name == name
    assert state.steps.z == pytest.approx(-0.4)
    assert state.steps.y == pytest.approx(float(ACTIVATIONS[name].fn(-0.4)))
    if name == "relu":
        assert state.steps.y == 0.0


def test_a_formula_that_fits_stays_on_one_line() -> None:
    assert formula_lines("σ(z) = 1 / (1 + e^(−z))", 40) == "σ(z) = 1 / (1 + e^(−z))"
    assert formula_lines("ReLU(z) = max(0, z)", 19) == "ReLU(z) = max(0, z)"


def test_a_wide_formula_becomes_a_fraction_with_the_divisor_under_it() -> None:
    tanh = "tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))"
    lines = formula_lines(tanh, 40).split("\n")
    assert lines == ["tanh(z) = (e^z − e^(−z))", "          / (e^z + e^(−z))"]
    assert all(len(line) <= 28 for line in formula_lines(tanh, 28).split("\n"))
    # Too narrow for the hanging indent: the divisor starts the line.
    assert formula_lines(tanh, 24).split("\n") == ["tanh(z) = (e^z − e^(−z))", "/ (e^z + e^(−z))"]
