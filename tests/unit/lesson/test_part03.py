"""Part 03's state without a screen: epochs against NumPy, runs, endings and what is said."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuron_tui.lesson.part03 import (
    AT_BOTTOM_ALREADY,
    BACK_AT_START,
    BLEW_UP,
    MAX_EPOCHS,
    PRESETS,
    RUNNING,
    START,
    GradientDescentLesson,
)
from neuron_tui.model.datasets import forty_points
from neuron_tui.model.run import CONVERGENCE_TOLERANCE


def by_hand(params: tuple[float, float, float], rate: float) -> tuple[float, float, float]:
    """One full-batch gradient step of the mean log loss, written out in NumPy."""
    X, y = forty_points()
    w1, w2, b = params
    p = 1 / (1 + np.exp(-(w1 * X[:, 0] + w2 * X[:, 1] + b)))
    error = p - y
    grads = (np.mean(error * X[:, 0]), np.mean(error * X[:, 1]), np.mean(error))
    return (w1 - rate * grads[0], w2 - rate * grads[1], b - rate * grads[2])


def log_loss(params: tuple[float, float, float]) -> float:
    X, y = forty_points()
    w1, w2, b = params
    p = 1 / (1 + np.exp(-(w1 * X[:, 0] + w2 * X[:, 1] + b)))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_starts_high_on_the_bowl_at_the_good_rate() -> None:
    state = GradientDescentLesson()
    assert state.last.epoch == 0 and state.last.params == START
    assert state.last.loss == pytest.approx(log_loss(START), rel=1e-12)
    assert state.last.loss > 2.0  # high on the side of the bowl
    assert state.learning_rate == PRESETS["d"].rate
    assert state.status == PRESETS["d"].watch
    assert state.path == ((START[0], START[1]),)
    assert not state.converged and not state.diverged


def test_one_epoch_is_one_gradient_step() -> None:
    state = GradientDescentLesson()
    state.step()
    assert state.last.epoch == 1
    assert state.last.params == pytest.approx(by_hand(START, state.learning_rate), rel=1e-12)
    assert state.last.loss == pytest.approx(log_loss(state.last.params), rel=1e-12)
    assert state.neuron.params == state.last.params  # the neuron is where the history says
    assert state.losses == (state.history[0].loss, state.history[1].loss)


def test_a_new_rate_takes_effect_and_the_epochs_keep_counting() -> None:
    state = GradientDescentLesson()
    state.step()
    state.step()
    before = state.last.params
    state.set_learning_rate(0.3)
    assert state.status.startswith("Learning rate η = 0.3")
    state.step()
    assert [step.epoch for step in state.history] == [0, 1, 2, 3]
    assert state.last.params == pytest.approx(by_hand(before, 0.3), rel=1e-12)


def test_watch_message_follows_the_rate() -> None:
    state = GradientDescentLesson(eta="lr")
    for preset in PRESETS.values():
        state.set_learning_rate(preset.rate * (1 + 1e-4))  # a slider's rounding still counts
        assert state.status == preset.watch
    state.set_learning_rate(0.25)
    assert state.status == "Learning rate lr = 0.25: watch the path and the loss curve."


@pytest.mark.parametrize("rate", [0.0, -1.0, math.nan, math.inf, "fast"])
def test_a_rate_that_is_no_rate_is_refused_and_changes_nothing(rate: object) -> None:
    state = GradientDescentLesson()
    with pytest.raises(ValueError, match="learning_rate must be"):
        state.set_learning_rate(rate)  # type: ignore[arg-type]
    assert state.learning_rate == PRESETS["d"].rate
    state.step()
    assert state.last.params == pytest.approx(by_hand(START, PRESETS["d"].rate), rel=1e-12)


def test_good_preset_reaches_the_bottom_and_stops_there() -> None:
    from sklearn.linear_model import LogisticRegression

    state = GradientDescentLesson()
    preset = state.choose_preset("d")
    assert state.status == f"{preset.watch} Press t to run."
    assert state.start_running() and state.status == RUNNING
    while not state.run_frame():
        pass
    assert state.converged and not state.diverged
    losses = state.losses
    assert abs(losses[-2] - losses[-1]) < CONVERGENCE_TOLERANCE  # it stops at the first
    assert all(abs(a - b) >= CONVERGENCE_TOLERANCE  # epoch that settles, not before
               for a, b in zip(losses[:-2], losses[1:-1], strict=True))
    X, y = forty_points()
    optimum = LogisticRegression(C=np.inf, max_iter=10_000, tol=1e-10).fit(X, y)
    best = log_loss((*optimum.coef_[0], optimum.intercept_[0]))
    assert state.last.loss == pytest.approx(best, abs=1e-6)
    assert state.status == (f"At the bottom after {state.last.epoch} epochs: loss "
                            f"{state.last.loss:.3f} cannot go lower. r starts again.")
    epochs = len(state.history)
    state.step()
    assert state.status == AT_BOTTOM_ALREADY and len(state.history) == epochs
    assert not state.start_running() and state.status == AT_BOTTOM_ALREADY
    state.set_learning_rate(2.0)  # a new rate does not climb back up
    state.step()
    assert state.status == AT_BOTTOM_ALREADY and len(state.history) == epochs


def test_frames_take_one_epoch_at_first_then_more_up_to_ten() -> None:
    state = GradientDescentLesson()
    state.choose_preset("s")  # slow: no end within these frames
    state.start_running()
    taken = []
    for _ in range(120):
        before = state.last.epoch
        assert not state.run_frame()
        taken.append(state.last.epoch - before)
    assert taken[:9] == [1] * 9 and taken[9] == 2
    assert taken == sorted(taken) and max(taken) == 10 and taken[-1] == 10


def test_a_pause_keeps_the_place_and_a_new_start_begins_slowly() -> None:
    state = GradientDescentLesson()
    state.start_running()
    for _ in range(30):
        state.run_frame()
    state.pause()
    assert state.status == f"Paused at epoch {state.last.epoch}. t runs on, space steps."
    at = state.last
    assert state.start_running()
    state.run_frame()
    assert state.last.epoch == at.epoch + 1  # one epoch again after a restart
    assert state.last.params == pytest.approx(by_hand(at.params, state.learning_rate),
                                              rel=1e-12)


def test_too_big_leaps_past_the_bottom_and_too_small_crawls() -> None:
    state = GradientDescentLesson()
    state.choose_preset("f")
    state.step()
    # From w1 = -4 right past the bottom (w1 ≈ 1.2) to the far side.
    assert state.last.w1 > 4.0 and state.last.w2 > 6.0
    state.choose_preset("s")
    for _ in range(10):
        state.step()
    assert state.last.loss > 2.0


def test_a_run_that_blows_up_is_stopped_explained_and_never_kept() -> None:
    state = GradientDescentLesson()
    state.set_learning_rate(1e308)  # beyond the slider: the weights would overflow
    state.step()
    assert state.diverged and not state.converged
    assert state.history == [state.history[0]] and state.last.params == START
    assert state.neuron.params == START
    assert state.status == ("Diverged at epoch 1: learning rate 1e+308 is far too large. "
                            "Each step overshot so far the weights became infinite. Press r.")
    assert not state.start_running()
    assert state.status == BLEW_UP
    state.reset()
    assert not state.diverged and state.status == BACK_AT_START
    assert state.learning_rate == 1e308  # reset keeps the rate


def test_divergence_after_some_epochs_keeps_the_finite_ones() -> None:
    state = GradientDescentLesson()
    state.choose_preset("s")  # two small steps: the gradient is still steep there
    state.step()
    state.step()
    kept = list(state.history)
    state.set_learning_rate(1e308)
    state.start_running()
    assert state.run_frame()
    assert state.diverged and state.history == kept
    assert state.status.startswith("Diverged at epoch 3: learning rate 1e+308")
    assert state.neuron.params == kept[-1].params
    assert all(math.isfinite(v) for step in state.history for v in (*step.params, step.loss))


def test_reset_and_presets_go_back_to_the_start() -> None:
    state = GradientDescentLesson()
    state.set_learning_rate(0.5)
    for _ in range(5):
        state.step()
    state.reset()
    assert state.last.epoch == 0 and state.last.params == START
    assert state.neuron.params == START and state.learning_rate == 0.5
    assert state.status == BACK_AT_START
    for key, preset in PRESETS.items():
        state.step()
        assert state.choose_preset(key) is preset
        assert state.learning_rate == preset.rate and state.last.epoch == 0
    with pytest.raises(KeyError):
        state.choose_preset("x")


def test_a_run_that_uses_all_its_epochs_stops_and_a_new_one_can_follow() -> None:
    state = GradientDescentLesson()
    state.set_learning_rate(0.001)  # far too slow to settle within the run's epochs
    assert state.advance(MAX_EPOCHS + 1)
    assert state.last.epoch == MAX_EPOCHS and not state.converged
    assert state.status == f"Stopped after {MAX_EPOCHS} more epochs."
    state.step()  # not blocked: a new run goes on from there
    assert state.last.epoch == MAX_EPOCHS + 1
