"""Part 02's state: weights by hand, `t`'s gradient descent, the 90 % self-check, the text."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuron_tui.lesson import part02
from neuron_tui.lesson.part02 import (
    BY_HAND_GUIDANCE,
    GUIDANCE,
    TRAINING,
    WRONG_SIDE_GUIDANCE,
    BuildNeuronState,
)
from neuron_tui.lesson.registry import LESSON
from neuron_tui.model.datasets import forty_points
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import CONVERGENCE_TOLERANCE
from neuron_tui.model.training import train_to_convergence

X, Y = forty_points()
CHECK = LESSON.page("part02").self_checks[0].id


def by_hand(state: BuildNeuronState, w1: float, w2: float, b: float = 0.0) -> list[str]:
    met: list[str] = []
    for name, value in (("w1", w1), ("w2", w2), ("b", b)):
        met += state.set_param(name, value)
    return met


def train_to_end(state: BuildNeuronState) -> None:
    assert state.start_training()
    while not state.train_frame():
        pass


def test_starts_at_zero_with_no_line() -> None:
    state = BuildNeuronState(CHECK)
    assert state.params == (0.0, 0.0, 0.0)
    fit = state.fit
    assert fit.accuracy == 0.5 and fit.wrong_count == 20
    assert fit.loss == pytest.approx(math.log(2))
    assert fit.segment is None
    assert state.guidance("w1", "w2") == "Move w1 or w2 to tilt a line into the plot; b slides it."


def test_the_fit_is_the_models_own_numbers() -> None:
    state = BuildNeuronState(CHECK)
    by_hand(state, 0.5, 1.0, -0.3)
    neuron = Neuron(0.5, 1.0, -0.3)
    fit = state.fit
    np.testing.assert_array_equal(fit.wrong, neuron.predict(X) != Y)
    assert fit.accuracy == neuron.accuracy(X, Y)
    assert fit.loss == neuron.loss(X, Y)
    assert fit.segment == neuron.line_segment(part02.PLOT_LIMITS, part02.PLOT_LIMITS)
    assert fit.segment is not None


def test_reaching_90_percent_by_hand_meets_the_check_once() -> None:
    state = BuildNeuronState(CHECK)
    assert state.set_param("w2", 1.0) == []  # a line, but 87.5 %: not yet 90 %
    assert state.fit.accuracy < part02.TARGET_ACCURACY
    assert not state.self_check_met
    assert state.set_param("w1", 0.5) == [CHECK]
    assert Neuron(0.5, 1.0, 0.0).accuracy(X, Y) >= part02.TARGET_ACCURACY
    assert state.self_check_met
    assert state.set_param("b", 0.1) == []  # met already: not reported again
    assert state.guidance() == BY_HAND_GUIDANCE
    assert state.self_check_line("✓", "○") == "✓ reach 90 % by hand"


def test_a_page_without_the_check_reports_nothing() -> None:
    state = BuildNeuronState(None)
    assert by_hand(state, 0.5, 1.0) == []
    assert state.self_check_met


def test_weights_stay_within_range_and_unknown_names_are_refused() -> None:
    state = BuildNeuronState(CHECK)
    state.set_param("w1", 25.0)
    state.set_param("b", -25.0)
    assert state.params == (part02.WEIGHT_RANGE, 0.0, -part02.WEIGHT_RANGE)
    with pytest.raises(ValueError, match="unknown parameter 'w3'"):
        state.set_param("w3", 1.0)


def test_guidance_follows_the_weights() -> None:
    state = BuildNeuronState(CHECK)
    state.set_param("w1", -1.0)
    assert state.fit.accuracy < 0.5
    assert state.guidance() == WRONG_SIDE_GUIDANCE
    state = BuildNeuronState(CHECK)
    for name, value in (("b", -2.0), ("w2", 1.0), ("w1", 1.0)):  # never 90 % on the way
        assert state.set_param(name, value) == []
    assert 0.5 <= state.fit.accuracy < 0.9
    assert state.guidance() == GUIDANCE


def test_t_converges_where_gradient_descent_does() -> None:
    state = BuildNeuronState(CHECK)
    by_hand(state, 0.2, -0.4, 0.5)
    train_to_end(state)
    reference = Neuron(0.2, -0.4, 0.5)
    expected = train_to_convergence(reference, X, Y, part02.LEARNING_RATE,
                                    part02.MAX_EPOCHS, CONVERGENCE_TOLERANCE)
    assert not state.training
    assert state.last_step is not None
    assert state.last_step.epoch == expected.epoch
    assert state.params == pytest.approx(expected.params)
    assert state.status == (f"Converged at epoch {expected.epoch}: the loss cannot go lower "
                            f"({expected.loss:.3f}).")
    assert state.guidance() == state.status


def test_frames_take_more_epochs_as_the_run_goes_on() -> None:
    state = BuildNeuronState(CHECK)
    assert state.start_training()
    assert state.status == TRAINING
    epochs = [0]
    while not state.train_frame():
        assert state.last_step is not None
        epochs.append(state.last_step.epoch)
    taken = [after - before for before, after in zip(epochs, epochs[1:], strict=False)]
    # 1, 2, 2, 3, 3, … epochs a frame (frames counted from 1), up to 40.
    assert taken == [min(1 + frame // 2, 40) for frame in range(1, len(taken) + 1)]
    assert len(taken) > 20


def test_training_does_not_count_as_by_hand_until_reset() -> None:
    state = BuildNeuronState(CHECK)
    train_to_end(state)
    assert state.fit.accuracy >= part02.TARGET_ACCURACY
    assert by_hand(state, 0.5, 1.0) == []
    assert not state.self_check_met
    assert state.self_check_line("✓", "○") == "○ reach 90 % by hand\n  (press r, then try)"
    state.reset()
    assert state.params == (0.0, 0.0, 0.0)
    assert state.last_step is None and state.status == ""
    assert by_hand(state, 0.5, 1.0) == [CHECK]


def test_a_run_starts_only_once_and_stops_where_it_is() -> None:
    state = BuildNeuronState(CHECK)
    assert state.start_training()
    assert not state.start_training()
    for _ in range(3):
        state.train_frame()
    params = state.params
    assert state.last_step is not None
    epoch = state.last_step.epoch
    state.stop_training()
    assert not state.training
    assert state.params == params
    assert state.status == f"Stopped at epoch {epoch}. Press t to carry on."
    state.set_param("w1", 1.0)
    assert state.status == ""  # the learner's own move clears it


def test_leaving_the_page_says_so() -> None:
    state = BuildNeuronState(CHECK)
    state.start_training()
    state.stop_training(left_page=True)
    assert state.status == "Stopped at epoch 0 when you left. Press t to carry on."


def test_a_run_that_uses_its_epochs_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(part02, "MAX_EPOCHS", 5)
    state = BuildNeuronState(CHECK)
    train_to_end(state)
    assert state.last_step is not None and state.last_step.epoch == 5
    assert state.status == "Stopped after 5 epochs."


def test_shading_toggles() -> None:
    state = BuildNeuronState(CHECK)
    state.toggle_shading()
    assert state.shading
    state.toggle_shading()
    assert not state.shading
