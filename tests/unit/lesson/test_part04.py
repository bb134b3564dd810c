"""Part 04's lesson state: data, hidden units, the side-by-side run and its verdicts."""

from __future__ import annotations

import numpy as np
import pytest

from neuron_tui.lesson.part04 import (
    EPOCHS,
    MAX_HIDDEN,
    MIN_HIDDEN,
    NETWORK_RATE,
    NEURON_RATE,
    SCHEDULE,
    SEED,
    START_HIDDEN,
    DepthLesson,
)
from neuron_tui.model.datasets import and_gate, or_gate, xor
from neuron_tui.model.mlp import MLP
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import FrameSchedule
from neuron_tui.model.training import gradient_descent

#: One epoch a frame: a run long enough to stop part-way.
ONE_EPOCH = FrameSchedule(first=1, most=1)


def train_fully(state: DepthLesson) -> int:
    """Start a run and take frames until it says it is over; the frames it took."""
    state.start_training()
    frames = 1
    while not state.advance():
        frames += 1
        assert frames <= EPOCHS, "the run never ended"
    return frames


def test_starts_untrained_on_and_with_two_hidden_units() -> None:
    state = DepthLesson()
    assert state.dataset_name == "AND" and state.hidden_units == START_HIDDEN
    assert state.y.tolist() == and_gate()[1].tolist()
    assert not state.trained and not state.training
    assert state.neuron.params == (0.0, 0.0, 0.0)
    assert state.neuron_epoch == state.network_epoch == 0
    text = ("AND, untrained. Press t: the neuron draws one straight line, "
            "the network can bend its boundary.")
    assert state.verdict() == text and state.verdict_text() == text


@pytest.mark.parametrize(("key", "name", "gate"),
                         [("a", "AND", and_gate), ("o", "OR", or_gate), ("x", "XOR", xor)])
def test_choosing_data_resets_both_models(key, name, gate) -> None:  # type: ignore[no-untyped-def]
    state = DepthLesson()
    state.start_training()
    state.advance()
    state.choose_dataset(key)
    X, y = gate()
    np.testing.assert_array_equal(state.X, X)
    np.testing.assert_array_equal(state.y, y)
    assert state.dataset_name == name
    assert not state.trained and state.neuron_epoch == 0 and state.network_epoch == 0
    assert state.neuron.params == (0.0, 0.0, 0.0)
    assert state.verdict_text().startswith(f"{name}, untrained.")


def test_an_unknown_data_key_is_refused_in_one_line() -> None:
    state = DepthLesson()
    with pytest.raises(ValueError, match="no data set 'q': choose one of a, o, x"):
        state.choose_dataset("q")
    assert state.dataset_name == "AND"


def test_hidden_units_stay_within_their_limits() -> None:
    state = DepthLesson()
    assert state.change_hidden(+1) and state.hidden_units == START_HIDDEN + 1
    assert state.network.hidden_units == START_HIDDEN + 1
    while state.change_hidden(+1):
        pass
    assert state.hidden_units == MAX_HIDDEN
    assert state.status == f"The network has {MIN_HIDDEN} to {MAX_HIDDEN} hidden units here."
    while state.change_hidden(-1):
        pass
    assert state.hidden_units == MIN_HIDDEN == state.network.hidden_units


def test_a_new_hidden_count_starts_untrained() -> None:
    state = DepthLesson()
    state.start_training()
    state.advance()
    assert state.change_hidden(-1)
    assert not state.trained and state.network_epoch == 0
    fresh = MLP(START_HIDDEN - 1, "tanh", seed=SEED)
    np.testing.assert_array_equal(state.network.W1, fresh.W1)


@pytest.mark.parametrize(("key", "gate"), [("a", and_gate), ("o", or_gate)])
def test_both_train_every_epoch_and_solve_and_and_or(key, gate) -> None:  # type: ignore[no-untyped-def]
    state = DepthLesson()
    state.choose_dataset(key)
    frames = train_fully(state)
    assert frames == EPOCHS // SCHEDULE.most  # 8 frames of 250 epochs, none wasted
    assert state.neuron_epoch == state.network_epoch == EPOCHS
    assert not state.training
    # The same as training each model alone for all the epochs.
    X, y = gate()
    neuron = Neuron(0.0, 0.0, 0.0)
    for _ in gradient_descent(neuron, X, y, NEURON_RATE, EPOCHS):
        pass
    np.testing.assert_allclose(state.neuron.params, neuron.params, rtol=0, atol=0)
    network = MLP(START_HIDDEN, "tanh", seed=SEED)
    network.fit(X, y, NETWORK_RATE, EPOCHS)
    np.testing.assert_array_equal(state.network.W1, network.W1)
    np.testing.assert_array_equal(state.network.W2, network.W2)
    assert state.neuron_accuracy == 1.0 and state.network_accuracy == 1.0
    name = state.dataset_name
    verdict = (f"One straight line is enough for {name}: the neuron gets 100 %. "
               f"The network bends its boundary: 100 % with {START_HIDDEN} hidden units.")
    assert state.verdict() == verdict
    assert state.verdict_text() == f"{verdict}\nTrained both for {EPOCHS} epochs."


def test_on_xor_the_neuron_is_stuck_yet_trains_every_epoch() -> None:
    state = DepthLesson()
    state.choose_dataset("x")
    train_fully(state)
    # At the origin the XOR gradient is zero: the loss never moves, and a convergence
    # stop would end the comparison at epoch 1. Both must show all their epochs.
    assert state.neuron_epoch == state.network_epoch == EPOCHS
    X, y = xor()
    neuron = Neuron(0.0, 0.0, 0.0)
    best = max(step.accuracy for step in gradient_descent(neuron, X, y, NEURON_RATE, EPOCHS))
    assert state.best_neuron_accuracy == best <= 0.75
    assert state.neuron_accuracy <= 0.75
    assert state.network_accuracy == 1.0
    assert state.verdict() == (
        f"One straight line cannot split XOR: the neuron is stuck at "
        f"{state.neuron_accuracy * 100:.0f} % (75 % at best), unsure everywhere. "
        f"The network bends its boundary: 100 % with {START_HIDDEN} hidden units.")


def test_on_xor_one_hidden_unit_is_still_one_line() -> None:
    state = DepthLesson()
    state.choose_dataset("x")
    state.change_hidden(-1)
    train_fully(state)
    assert state.network_accuracy <= 0.75
    assert state.verdict().endswith(
        f"With 1 hidden unit the network is stuck at {state.network_accuracy * 100:.0f} %: "
        "one hidden neuron is still one line. Press +.")


def test_while_training_only_the_status_shows() -> None:
    state = DepthLesson(ONE_EPOCH)
    state.start_training()
    assert state.training and state.trained
    assert not state.advance()
    assert state.neuron_epoch == state.network_epoch == 1
    assert state.verdict_text() == "Training both… any key stops."


def test_stopping_keeps_the_models_where_they_got_to() -> None:
    state = DepthLesson(ONE_EPOCH)
    state.start_training()
    for _ in range(3):
        state.advance()
    params = state.neuron.params
    state.stop_training()
    assert not state.training
    assert state.status == "Stopped at epoch 3. Press t to train again."
    assert state.verdict_text() == f"{state.verdict()}\n{state.status}"
    # Nothing moves after a stop, and stopping again changes nothing.
    assert state.advance()
    state.stop_training()
    assert state.neuron.params == params and state.neuron_epoch == 3
    assert state.status == "Stopped at epoch 3. Press t to train again."


def test_training_again_starts_from_scratch() -> None:
    state = DepthLesson(ONE_EPOCH)
    state.start_training()
    for _ in range(5):
        state.advance()
    first = state.neuron.params
    state.start_training()
    assert state.neuron_epoch == 0 and state.neuron.params == (0.0, 0.0, 0.0)
    for _ in range(5):
        state.advance()
    assert state.neuron_epoch == 5 and state.neuron.params == first
