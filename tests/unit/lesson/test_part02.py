"""Part 02's state: weights by hand, `t`'s gradient descent, the self-check, the text."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from neuron_tui.lesson import part02
from neuron_tui.lesson.part02 import (
    ASCII_SYMBOLS,
    BY_HAND_GUIDANCE,
    GOAL_ACCURACY,
    GOAL_LOSS,
    GUIDANCE,
    LOSS_GUIDANCE,
    PARAMETERS,
    TRAINING,
    WRONG_SIDE_GUIDANCE,
    BuildNeuronState,
)
from neuron_tui.lesson.registry import LESSON
from neuron_tui.model.datasets import forty_points
from neuron_tui.model.losses import sample_log_loss
from neuron_tui.model.neuron import Neuron
from neuron_tui.model.run import CONVERGENCE_TOLERANCE
from neuron_tui.model.training import train_to_convergence

X, Y = forty_points()
CHECK = LESSON.page("part02").self_checks[0].id
#: Every value a slider can take: -10 to 10 in steps of 0.1.
SLIDER_VALUES = np.round(np.arange(-100, 101) / 10, 1)
#: One setting that meets the goal by hand, five key presses from the start:
#: Shift+→ on w₁, on w₂, Shift+← on b (95 %, loss 0.276).
BY_HAND = (1.0, 1.0, -1.0)


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


def scores(settings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Accuracy and log loss of many (w₁, w₂, b) settings at once (one row each), with
    the model's own per-point loss (clipped as the neuron's is)."""
    z = X @ settings[:, :2].T + settings[:, 2]  # one column per setting
    accuracy = ((z >= 0) == (Y[:, None] == 1)).mean(axis=0)
    return accuracy, sample_log_loss(z, Y[:, None]).mean(axis=0)


def test_the_batch_scores_are_the_neurons_own() -> None:
    rng = np.random.default_rng(2)
    settings = np.round(rng.uniform(-10, 10, (50, 3)), 1)
    accuracy, loss = scores(settings)
    for row, acc, lo in zip(settings, accuracy, loss, strict=True):
        neuron = Neuron(*row)
        assert acc == neuron.accuracy(X, Y)
        assert lo == pytest.approx(neuron.loss(X, Y), rel=1e-12)


def test_no_single_slider_meets_the_goal_over_its_whole_range() -> None:
    """Issue 12: one key press on w₁ met the old "90 %"; now no one-slider path does."""
    for name in PARAMETERS:
        state = BuildNeuronState(CHECK)
        for value in SLIDER_VALUES:  # the whole range, step by step, as the keys move it
            assert state.set_param(name, float(value)) == [], (name, value)
        assert not state.self_check_met
    best = max(Neuron(w1=float(v)).accuracy(X, Y) for v in SLIDER_VALUES)
    assert best == 0.925  # w₁ alone gets close, and no further


def test_no_two_sliders_meet_the_goal_either() -> None:
    """Every pair of sliders over every value, the third at 0: 95 % is within reach of
    w₁ and b, but not with a loss of 0.30 or less. The goal needs all three."""
    pairs = np.array(list(itertools.product(SLIDER_VALUES, SLIDER_VALUES)))
    for first, second in itertools.combinations(range(3), 2):
        settings = np.zeros((len(pairs), 3))
        settings[:, first], settings[:, second] = pairs[:, 0], pairs[:, 1]
        accuracy, loss = scores(settings)
        assert not np.any((accuracy >= GOAL_ACCURACY) & (loss <= GOAL_LOSS))
    settings = np.zeros((len(pairs), 3))
    settings[:, 0], settings[:, 2] = pairs[:, 0], pairs[:, 1]
    accuracy, loss = scores(settings)
    assert loss[accuracy >= GOAL_ACCURACY].min() == pytest.approx(0.305, abs=1e-3)


def test_all_three_sliders_meet_the_goal_by_hand_once() -> None:
    state = BuildNeuronState(CHECK)
    assert state.set_param("w1", 1.0) == []  # one slider: 92.5 %
    assert state.set_param("w2", 1.0) == []  # two: 92.5 %, loss 0.302
    assert not state.self_check_met
    assert state.set_param("b", -1.0) == [CHECK]  # all three
    neuron = Neuron(*BY_HAND)
    assert neuron.accuracy(X, Y) == 0.95 and neuron.loss(X, Y) == pytest.approx(0.2757, abs=1e-4)
    assert state.self_check_met
    assert state.set_param("b", -1.1) == []  # met already: not reported again
    assert state.guidance() == BY_HAND_GUIDANCE
    assert state.self_check_lines() == "✓ Self-check met:\n  95 % right\n  loss ≤ 0.30, by hand"


def test_the_goal_is_within_reach_of_the_best_line() -> None:
    best = train_to_convergence(Neuron(), X, Y, part02.LEARNING_RATE, part02.MAX_EPOCHS,
                                CONVERGENCE_TOLERANCE)
    optimum = Neuron(*best.params)
    assert optimum.accuracy(X, Y) == GOAL_ACCURACY
    assert optimum.loss(X, Y) == pytest.approx(0.268, abs=1e-3)
    assert optimum.loss(X, Y) < GOAL_LOSS


def test_the_side_panel_shows_the_goal_and_how_far_away_it_is() -> None:
    state = BuildNeuronState(CHECK)
    assert state.self_check_lines() == "○ Self-check, by hand:\n  ○ 95 % right\n  ○ loss ≤ 0.30"
    assert state.loss_to_goal() == " 0.693 → 0.30"
    state.set_param("w1", 1.0)
    assert state.loss_to_goal() == " 0.360 → 0.30"
    state.set_param("w1", 2.0)
    state.set_param("b", -1.0)  # 95 %, but loss 0.316: one half of the goal met
    assert state.self_check_lines(ASCII_SYMBOLS) == (
        "- Self-check, by hand:\n  ok 95 % right\n  - loss <= 0.30")
    assert state.loss_to_goal(ASCII_SYMBOLS) == " 0.316 -> 0.30"
    assert state.guidance() == LOSS_GUIDANCE
    state.set_param("w2", 1.0)  # the loss half too: met
    assert state.loss_to_goal() == f"{Neuron(2.0, 1.0, -1.0).loss(X, Y):6.3f} ≤ 0.30"
    assert state.self_check_lines().startswith("✓ Self-check met:")
    trained = BuildNeuronState()
    train_to_end(trained)
    lines = [*state.self_check_lines().splitlines(), f"loss      {state.loss_to_goal()}",
             *BuildNeuronState().self_check_lines(ASCII_SYMBOLS).splitlines(),
             *trained.self_check_lines().splitlines(), *trained.self_check_lines(
                 ASCII_SYMBOLS).splitlines(), f"loss      {state.loss_to_goal(ASCII_SYMBOLS)}"]
    assert [line for line in lines if len(line) > 24] == []  # the side panel's width


def test_a_slider_step_changes_the_loss_row_not_the_self_check() -> None:
    """Bytes per key: the block repaints only when a half of the goal is met or lost."""
    state = BuildNeuronState(CHECK)
    state.set_param("w1", 1.0)
    before = state.self_check_lines()
    state.set_param("w1", 1.1)
    assert state.self_check_lines() == before
    assert state.loss_to_goal() != " 0.360 → 0.30"


def test_guidance_lines_fit_the_narrowest_screen() -> None:
    texts = [part02.GUIDANCE, part02.NO_LINE_GUIDANCE.format(w1="w1", w2="w2"),
             WRONG_SIDE_GUIDANCE, part02.CLOSE_GUIDANCE.format(w1="w1", w2="w2"),
             LOSS_GUIDANCE, BY_HAND_GUIDANCE, TRAINING]
    assert [text for text in texts if len(text) > 58] == []


def test_a_page_without_the_check_reports_nothing() -> None:
    state = BuildNeuronState(None)
    assert by_hand(state, *BY_HAND) == []
    assert state.self_check_met


def test_the_registry_names_the_new_check_and_the_old_one() -> None:
    checks = LESSON.page("part02").self_checks
    assert checks[0].id == CHECK == "part02-by-hand"
    assert "95%" in checks[0].name and "0.30" in checks[0].name
    # Progress files that met the old 90 % goal still show it by name.
    assert LESSON.self_check_name("part02-90") == "Reached 90% by hand in Part 02"


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
    state = BuildNeuronState(CHECK)
    state.set_param("w1", 1.0)  # 92.5 %: close, and the way on needs the other sliders
    assert state.guidance("w1", "w2") == "Close! Tilt with w1 and w2, slide with b: use all three."


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
    assert state.status == (f"Converged at epoch {expected.epoch}: loss can go no lower "
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
    # 1, 2, 2, 3, 5, 8, … epochs a frame (half as many again each frame, frames counted
    # from 1), up to 40; the last frame ends where the run converges.
    planned = [min(round(1.5 ** (frame - 1)), 40) for frame in range(1, len(taken) + 1)]
    assert taken[:-1] == planned[:-1] and 0 < taken[-1] <= planned[-1]
    # The motion shows in a dozen frames, not 26: each frame costs CPU, for every learner.
    assert 10 <= len(taken) <= 14


def test_training_does_not_count_as_by_hand_until_reset() -> None:
    state = BuildNeuronState(CHECK)
    train_to_end(state)
    assert part02.goal_met(state.fit)
    assert by_hand(state, *BY_HAND) == []
    assert not state.self_check_met
    assert state.self_check_lines() == "○ Press r, then by hand:\n  ○ 95 % right\n  ○ loss ≤ 0.30"
    state.reset()
    assert state.params == (0.0, 0.0, 0.0)
    assert state.last_step is None and state.status == ""
    assert by_hand(state, *BY_HAND) == [CHECK]


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
