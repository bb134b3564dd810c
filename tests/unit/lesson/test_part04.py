"""Part 04's lesson state: data, hidden units, the side-by-side run and its verdicts."""

from __future__ import annotations

import numpy as np
import pytest

from neuron_tui.figures.palette import GATE_BANDS
from neuron_tui.figures.regions import GATE_LIMITS
from neuron_tui.glyphs import UNICODE
from neuron_tui.lesson.part04 import (
    EPOCHS,
    MAX_HIDDEN,
    MIN_HIDDEN,
    NETWORK_RATE,
    NEURON_RATE,
    PLOT_LIMITS,
    SCHEDULE,
    SEED,
    START_HIDDEN,
    UNSURE,
    DepthLesson,
    unsure_note,
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
    assert state.verdict() == ("AND, untrained. Press t: the neuron draws one straight line, "
                               "the network can bend its boundary.")
    assert state.status == ""


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
    assert state.verdict().startswith(f"{name}, untrained.")
    assert state.status == ""  # an old run's "Trained both…" would describe other data


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
    # A key at its limit says so, and what the other key does (it would look dead).
    assert state.status == f"{MAX_HIDDEN} hidden units is the most here; - takes one away."
    while state.change_hidden(-1):
        pass
    assert state.hidden_units == MIN_HIDDEN == state.network.hidden_units
    assert state.status == f"{MIN_HIDDEN} hidden unit is the fewest; + adds one."


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
    assert frames == 8  # 32, 64, 128, 256, then 400 a frame: none wasted
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
    assert state.verdict() == (
        f"One straight line is enough for {name}: the neuron gets 100 %. "
        f"The network bends its boundary: 100 % with {START_HIDDEN} hidden units.")
    assert state.status == f"Trained both for {EPOCHS} epochs: t trains again."


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
    assert state.best_neuron_accuracy == best == state.neuron_accuracy == 0.5
    assert state.output_range("neuron") == (0.5, 0.5)  # it never moved: 0.50 everywhere
    assert state.network_accuracy == 1.0
    # "75 %" is the best any line can do, told as that, not as a score the neuron had.
    assert state.verdict() == (
        "No line splits XOR (the best gets 3 of 4 corners, 75 %): the neuron ends at 50 %. "
        f"The network bends its boundary: 100 % with {START_HIDDEN} hidden units.")


def test_on_xor_one_hidden_unit_is_still_one_line_and_its_score_is_luck() -> None:
    state = DepthLesson()
    state.choose_dataset("x")
    state.change_hidden(-1)
    train_fully(state)
    # Every output is 0.50: which side of the threshold a corner falls is rounding.
    low, high = state.output_range("network")
    assert f"{low:.2f}" == f"{high:.2f}" == "0.50"
    score = f"{state.network_accuracy * 100:.0f} %"
    assert state.verdict().endswith(
        "1 hidden unit is still one line: the network is stuck: every output is 0.50, "
        f"so its {score} is luck. Press +.")


def test_a_run_stopped_part_way_is_told_so_far_not_stuck() -> None:
    state = DepthLesson(ONE_EPOCH)
    state.choose_dataset("x")
    state.start_training()
    for _ in range(40):
        state.advance()
    state.stop_training()
    assert not state.finished and state.network_accuracy < 1
    assert state.verdict() == (
        "No line splits XOR (the best gets 3 of 4 corners, 75 %): the neuron is at 50 % so "
        f"far. The network is at {state.network_accuracy * 100:.0f} % so far.")


def test_the_first_frame_is_small_and_frames_double() -> None:
    assert [SCHEDULE.epochs(frame) for frame in range(7)] == [32, 64, 128, 256, 400, 400, 400]
    state = DepthLesson()
    state.start_training()
    state.advance()
    assert state.neuron_epoch == state.network_epoch == 32


def test_the_network_trains_in_one_pass_an_epoch_with_the_same_numbers() -> None:
    """Part 04's speed: MLP.train reuses each epoch's forward pass; nothing changes."""
    X, y = xor()
    fast, slow = MLP(3, "tanh", seed=SEED), MLP(3, "tanh", seed=SEED)
    for step in fast.train(X, y, NETWORK_RATE, 300):
        assert step.loss == slow.step(X, y, NETWORK_RATE)
        assert step.accuracy == slow.accuracy(X, y)
    for name, values in fast.params.items():
        np.testing.assert_array_equal(values, slow.params[name])


def test_unsure_plots_say_so_in_words() -> None:
    assert unsure_note(np.full(12, 0.5), "neuron") == ("every output is 0.50:", "no line")
    assert unsure_note(np.full(12, 0.5), "network") == ("every output is 0.50:", "no boundary")
    assert unsure_note([0.43, 0.5, 0.53], "network") == ("outputs 0.43 to 0.53:",
                                                         "unsure everywhere")
    assert unsure_note([0.39, 0.5], "network") == ()  # a band shows: nothing to say
    assert unsure_note([0.5, 0.6], "neuron") == ()


def test_the_unsure_range_is_the_plots_blank_band() -> None:
    assert PLOT_LIMITS == GATE_LIMITS
    blank = [band for band, glyph in enumerate(GATE_BANDS.glyphs(UNICODE)) if glyph == " "]
    low, high = UNSURE
    assert GATE_BANDS.index([low, high - 1e-9]).tolist() == blank * 2
    assert GATE_BANDS.index([low - 1e-9, high]).tolist() == [blank[0] - 1, blank[0] + 1]


def test_while_training_the_verdict_counts_epochs() -> None:
    state = DepthLesson(ONE_EPOCH)
    state.start_training()
    assert state.training and state.trained
    assert not state.advance()
    assert state.neuron_epoch == state.network_epoch == 1
    assert state.verdict() == f"Training both on AND: epoch 1 of {EPOCHS}. Any key stops."
    assert state.status == ""


def test_stopping_keeps_the_models_where_they_got_to() -> None:
    state = DepthLesson(ONE_EPOCH)
    state.start_training()
    for _ in range(3):
        state.advance()
    params = state.neuron.params
    state.stop_training()
    assert not state.training
    assert state.status == "Stopped at epoch 3. Press t to train again."
    assert state.verdict().endswith("% so far.")
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
